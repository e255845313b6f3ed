"""An administrator acting on a user: sessions and tokens over REST and on the command line;
and the default lifetime of a token."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from api.cli import main
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.settings import Settings
from engine.directory.models import ApiToken
from engine.system import System
from tests.api.conftest import add_user, sign_in
from tests.support.api import Caller, caller, check_error, make_app, set_password

PASSWORD = "correct horse battery"


@pytest.fixture
def app(system: System, clock: FrozenClock) -> Flask:
    add_user(system, clock, "clerk")
    set_password(system, "clerk", PASSWORD)
    return make_app(system)


@pytest.fixture
def admin(system: System, app: Flask) -> Caller:
    return caller(system, app, "admin", "administrator")


@pytest.fixture
def cli(system: System, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The ``liaison`` command on the test database."""
    monkeypatch.setenv("LIAISON_INSTANCE_PATH", str(system.settings.instance_path))
    monkeypatch.setenv("LIAISON_DATABASE_URL", system.settings.database_url)
    return CliRunner()


def issue(app: Flask, **body: object) -> dict[str, object]:
    issued: dict[str, object] = Caller(app.test_client(), None).ok(
        "POST", "/auth/tokens", 201,
        json={"username": "clerk", "password": PASSWORD, **body})
    return issued


def liaison(cli: CliRunner, *args: str, input: str | None = None) -> Result:
    return cli.invoke(main, list(args), input=input, catch_exceptions=False)


def test_a_token_works_for_ninety_days_by_default_then_answers_401(
        app: Flask, clock: FrozenClock) -> None:
    issued = issue(app)
    token = Caller(app.test_client(), str(issued["token"]))

    assert datetime.fromisoformat(str(issued["expires_at"])) == clock.now() + timedelta(days=90)
    assert token.ok("GET", "/auth/tokens")[0]["expires_at"] == issued["expires_at"]
    clock.advance(timedelta(days=90) - timedelta(seconds=1))
    assert token.get("/tasks").status_code == 200
    clock.advance(timedelta(seconds=1))
    assert "expired" in check_error(token.get("/tasks"), 401, "not_authenticated")["message"]


def test_the_deployment_sets_the_lifetime_and_zero_means_until_revoked(
        system: System, clock: FrozenClock) -> None:
    add_user(system, clock, "clerk")
    set_password(system, "clerk", PASSWORD)
    forever = make_app(dataclasses.replace(system, settings=dataclasses.replace(
        system.settings, token_days=0)))

    issued = issue(forever)
    clock.advance(timedelta(days=3650))

    assert issued["expires_at"] is None
    assert Caller(forever.test_client(), str(issued["token"])).get("/tasks").status_code == 200


def test_the_lifetime_is_read_from_liaison_token_days() -> None:
    assert Settings.from_env({}).token_lifetime == timedelta(days=90)
    assert Settings.from_env({"LIAISON_TOKEN_DAYS": "7"}).token_lifetime == timedelta(days=7)
    assert Settings.from_env({"LIAISON_TOKEN_DAYS": "0"}).token_lifetime is None
    for wrong in ("-1", "a week"):
        with pytest.raises(ValueError, match="LIAISON_TOKEN_DAYS must be a whole number"):
            Settings.from_env({"LIAISON_TOKEN_DAYS": wrong})


def test_an_administrator_lists_a_users_tokens_with_their_expiry(
        app: Flask, admin: Caller, clock: FrozenClock) -> None:
    first = issue(app, name="call centre")
    clock.advance(timedelta(minutes=1))
    issue(app, name="reports", expires_in_days=7)

    listed = admin.ok("GET", "/users/clerk/tokens")

    assert [(t["name"], t["expires_at"]) for t in listed] == [
        ("reports", (clock.now() + timedelta(days=7)).isoformat()),
        ("call centre", first["expires_at"])]
    assert all("token" not in t for t in listed)


def test_an_administrator_revokes_a_users_token(app: Flask, admin: Caller,
                                                system: System) -> None:
    issued = issue(app)
    token = Caller(app.test_client(), str(issued["token"]))

    admin.ok("DELETE", f"/users/clerk/tokens/{issued['id']}", 204)
    admin.ok("DELETE", f"/users/clerk/tokens/{issued['id']}", 204)  # again: nothing changes

    check_error(token.get("/tasks"), 401, "not_authenticated")
    assert admin.ok("GET", "/users/clerk/tokens")[0]["revoked_at"] is not None
    with system.sessions() as session:
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.kind == "token_revoked")).one()
    assert (event.actor, event.data["user"]) == ("admin", "clerk")


def test_a_token_is_revoked_only_under_its_owners_name(app: Flask, admin: Caller) -> None:
    issued = issue(app)

    check_error(admin.delete(f"/users/admin/tokens/{issued['id']}"), 404, "not_found")
    check_error(admin.delete("/users/nobody/tokens/1"), 404, "not_found")
    check_error(admin.get("/users/nobody/tokens"), 404, "not_found")
    assert Caller(app.test_client(), str(issued["token"])).get("/tasks").status_code == 200


def test_only_an_administrator_acts_on_other_users(app: Flask, system: System) -> None:
    supervisor = caller(system, app, "boss", "supervisor")
    issued = issue(app)

    for method, path in [("GET", "/users/clerk/tokens"), ("POST", "/users/clerk/sign-out"),
                         ("DELETE", f"/users/clerk/tokens/{issued['id']}")]:
        check_error(supervisor.call(method, path), 403, "permission_denied")
        check_error(Caller(app.test_client(), None).call(method, path), 401)


def test_an_administrator_signs_a_user_out_of_every_browser(
        app: Flask, admin: Caller, system: System) -> None:
    browser = app.test_client()
    sign_in(browser, "clerk", PASSWORD)
    assert browser.get("/inbox").status_code == 200
    token = Caller(app.test_client(), str(issue(app)["token"]))

    admin.ok("POST", "/users/clerk/sign-out", 204)

    assert browser.get("/inbox").status_code == 302
    assert token.get("/tasks").status_code == 200  # an integration's token is revoked apart
    check_error(admin.post("/users/nobody/sign-out"), 404, "not_found")
    with system.sessions() as session:
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.kind == "sessions_ended")).one()
    assert (event.actor, event.data["user"]) == ("admin", "clerk")


def test_the_command_issues_a_token_and_says_when_it_expires(
        app: Flask, cli: CliRunner, system: System) -> None:
    issued = liaison(cli, "users", "token", "clerk", "--name", "reports")
    week = liaison(cli, "users", "token", "clerk", "--name", "week", "--days", "7")
    forever = liaison(cli, "users", "token", "clerk", "--name", "forever", "--days", "0")

    assert issued.exit_code == 0, issued.output
    assert issued.stdout.strip().startswith("lia_")  # the token alone, for $(…)
    assert "expires 20" in issued.stderr and "expires never" in forever.stderr
    with system.sessions() as session:
        tokens = {t.name: t for t in session.scalars(select(ApiToken))}
    lifetimes = {name: t.expires_at - t.created_at if t.expires_at else None
                 for name, t in tokens.items()}
    assert lifetimes == {"reports": timedelta(days=90), "week": timedelta(days=7),
                         "forever": None}
    assert week.exit_code == 0


def test_the_command_lists_and_revokes_a_users_tokens(
        app: Flask, cli: CliRunner, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # An office far from UTC: the command prints its times on the office's clock.
    monkeypatch.setenv("LIAISON_TIMEZONE", "America/New_York")
    issued = issue(app, name="call centre")
    token = Caller(app.test_client(), str(issued["token"]))

    listed = liaison(cli, "users", "tokens", "clerk")
    revoked = liaison(cli, "users", "revoke-token", str(issued["id"]))
    again = liaison(cli, "users", "tokens", "clerk")

    assert listed.exit_code == 0 and revoked.exit_code == 0, (listed.output, revoked.output)
    local = (clock.now() + timedelta(days=90)).astimezone(ZoneInfo("America/New_York"))
    expiry = f"{local:%Y-%m-%d %H:%M} -04:00 (America/New_York)"  # by then summer time
    assert "UTC" not in listed.stdout
    assert f"#{issued['id']}  call centre" in listed.stdout
    assert f"expires {expiry}" in listed.stdout and "REVOKED" not in listed.stdout
    assert f"token #{issued['id']} of clerk is revoked" in revoked.stdout
    assert "REVOKED" in again.stdout
    check_error(token.get("/tasks"), 401)


def test_the_token_commands_name_what_is_missing(app: Flask, cli: CliRunner) -> None:
    none_yet = liaison(cli, "users", "tokens", "clerk")
    missing_user = cli.invoke(main, ["users", "tokens", "nobody"])
    missing_token = cli.invoke(main, ["users", "revoke-token", "999"])

    assert none_yet.stdout.strip() == "clerk has no tokens"
    assert missing_user.exit_code == 1 and "there is no user nobody" in missing_user.stderr
    assert missing_token.exit_code == 1 and "there is no token 999" in missing_token.stderr
