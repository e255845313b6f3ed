"""Bearer tokens: issued for a password, listed, revoked, expired; the command prints one."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from api.cli import main
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory.models import ApiToken, User
from engine.directory.tokens import REFUSED
from engine.system import System
from tests.support.api import Caller, check_error, make_app, set_password
from tests.support.people import create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def app(system: System) -> Flask:
    create_user(system, "clerk", "customer_service")
    set_password(system, "clerk", PASSWORD)
    return make_app(system)


def issue(app: Flask, **body: object) -> Caller:
    anonymous = Caller(app.test_client(), None)
    issued = anonymous.ok("POST", "/auth/tokens", 201, json={"username": "clerk",
                                                               "password": PASSWORD, **body})
    return Caller(app.test_client(), issued["token"])


def test_a_password_buys_a_token_that_is_stored_only_as_a_hash(
        app: Flask, system: System, clock: FrozenClock) -> None:
    response = Caller(app.test_client(), None).post(
        "/auth/tokens", json={"username": "clerk", "password": PASSWORD, "name": "call centre"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("lia_") and body["name"] == "call centre"
    assert body["revoked_at"] is None
    assert datetime.fromisoformat(body["expires_at"]) == clock.now() + timedelta(days=90)
    with system.sessions() as session:
        stored = session.scalars(select(ApiToken)).one()
        events = [e.kind for e in session.scalars(select(AuditEvent))]
    assert stored.token_hash != body["token"] and len(stored.token_hash) == 64
    assert body["token"] not in stored.token_hash
    assert events == ["login_succeeded", "token_issued"]  # the sign-in's own check, then the token
    assert Caller(app.test_client(), body["token"]).get("/tasks").status_code == 200


def test_a_wrong_password_is_401_and_five_in_a_row_lock_the_account(app: Flask,
                                                                     system: System) -> None:
    anonymous = Caller(app.test_client(), None)
    for _ in range(4):
        body = check_error(anonymous.post("/auth/tokens", json={
            "username": "clerk", "password": "guess"}), 401, "not_authenticated")
        assert body["message"] == REFUSED
    fifth = anonymous.post("/auth/tokens", json={"username": "clerk", "password": "guess"})
    locked = anonymous.post("/auth/tokens", json={"username": "clerk", "password": PASSWORD})
    unknown = anonymous.post("/auth/tokens", json={"username": "nobody", "password": "x"})
    # Locked or unknown, the same words: a locked answer would say the user exists.
    assert {check_error(r, 401, "not_authenticated")["message"]
            for r in (fifth, locked, unknown)} == {REFUSED}
    with system.sessions() as session:
        assert session.scalars(select(User).where(User.username == "clerk")).one().locked_until


def test_the_lock_ends_after_fifteen_minutes(app: Flask, clock: FrozenClock) -> None:
    anonymous = Caller(app.test_client(), None)
    for _ in range(5):
        anonymous.post("/auth/tokens", json={"username": "clerk", "password": "guess"})
    clock.advance(timedelta(minutes=15, seconds=1))
    assert issue(app).get("/tasks").status_code == 200


def test_tokens_are_listed_without_their_secret_and_revoked(app: Flask, system: System,
                                                            clock: FrozenClock) -> None:
    first = issue(app, name="first")
    clock.advance(timedelta(minutes=5))
    second = issue(app, name="second")
    listed = first.ok("GET", "/auth/tokens")
    assert [t["name"] for t in listed] == ["second", "first"]
    assert all("token" not in t for t in listed)
    assert listed[1]["last_used_at"] is not None  # first was just used to list

    second.ok("DELETE", f"/auth/tokens/{listed[1]['id']}", 204)
    check_error(first.get("/auth/tokens"), 401, "not_authenticated")
    assert second.ok("GET", "/auth/tokens")[1]["revoked_at"] is not None
    second.ok("DELETE", f"/auth/tokens/{listed[1]['id']}", 204)  # again: nothing changes
    with system.sessions() as session:
        kinds = [e.kind for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert [k for k in kinds if k != "login_succeeded"] == \
        ["token_issued", "token_issued", "token_revoked"]


def test_nobody_revokes_another_users_token(app: Flask, system: System) -> None:
    create_user(system, "guard", "security")
    set_password(system, "guard", "guard's own")
    mine = issue(app)
    theirs = Caller(app.test_client(), None).ok(
        "POST", "/auth/tokens", 201, json={"username": "guard", "password": "guard's own"})
    check_error(mine.delete(f"/auth/tokens/{theirs['id']}"), 404, "not_found")
    assert Caller(app.test_client(), theirs["token"]).get("/tasks").status_code == 200


def test_a_token_with_an_expiry_stops_working_then(app: Flask, clock: FrozenClock) -> None:
    caller = issue(app, expires_in_days=30)
    clock.advance(timedelta(days=30) - timedelta(seconds=1))
    assert caller.get("/tasks").status_code == 200
    clock.advance(timedelta(seconds=1))
    assert "expired" in check_error(caller.get("/tasks"), 401)["message"]


@pytest.mark.parametrize("days", [1.5, 30.0, "30"])
def test_a_lifetime_that_is_not_a_whole_number_of_days_is_refused_not_rounded(
        app: Flask, days: object) -> None:
    anonymous = Caller(app.test_client(), None)
    refused = check_error(anonymous.post("/auth/tokens", json={
        "username": "clerk", "password": PASSWORD, "expires_in_days": days}), 422)
    assert [e["field"] for e in refused["errors"]] == ["expires_in_days"]


def test_a_deactivated_user_loses_the_api_at_once(app: Flask, system: System) -> None:
    caller = issue(app)
    with system.sessions() as session:
        session.scalars(select(User).where(User.username == "clerk")).one().active = False
        session.commit()
    check_error(caller.get("/tasks"), 401)


def test_a_401_names_the_bearer_scheme(app: Flask) -> None:
    response = Caller(app.test_client(), "lia_not-a-token").get("/tasks")
    check_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_command_prints_a_working_token(app: Flask, system: System,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_INSTANCE_PATH", str(system.settings.instance_path))
    monkeypatch.setenv("LIAISON_DATABASE_URL", system.settings.database_url)
    result = CliRunner().invoke(main, ["users", "token", "clerk", "--name", "reports"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("lia_")
    caller = Caller(app.test_client(), token)
    assert [t["name"] for t in caller.ok("GET", "/auth/tokens")] == ["reports"]
    missing = CliRunner().invoke(main, ["users", "token", "nobody"])
    assert missing.exit_code == 1 and "no active user nobody" in missing.output
