"""Ended sessions stay ended: a session cookie saved before sign-out, a new password,
deactivation or "sign out everywhere" opens nothing afterwards, on any browser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cli import main
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory.accounts import change_password, deactivate_user
from engine.directory.models import User
from engine.system import System
from tests.api.conftest import add_user, csrf_token, sign_in, text

COOKIE = "session"
LIAISON = str(Path(sys.executable).with_name("liaison"))


def _saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "not signed in"
    return cookie.value


def _browser_with(app: Flask, cookie: str) -> FlaskClient:
    """Another browser replaying a copy of a session cookie."""
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    return replay


def _signed_in(app: Flask, username: str = "clerk") -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    assert client.get("/inbox").status_code == 200
    return client


def _clerk(session: Session) -> User:
    return session.scalars(select(User).where(User.username == "clerk")).one()


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_inbox(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    client = _signed_in(app)
    saved = _saved_cookie(client)
    assert _browser_with(app, saved).get("/inbox").status_code == 200  # a copy works, until

    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    replayed = _browser_with(app, saved).get("/inbox")

    assert replayed.status_code == 302
    assert replayed.headers["Location"] == "/login?next=/inbox"


def test_signing_out_ends_the_sessions_of_the_users_other_browsers_too(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    office, home = _signed_in(app), _signed_in(app)

    office.post("/logout", data={"csrf_token": csrf_token(office, "/inbox")})

    assert home.get("/inbox").status_code == 302


def test_signing_in_again_after_sign_out_works(system: System, app: Flask,
                                               clock: FrozenClock) -> None:
    add_user(system, clock)
    client = _signed_in(app)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})

    assert _signed_in(app).get("/inbox").status_code == 200


def test_a_password_change_ends_the_sessions_begun_before_it(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    saved = _saved_cookie(_signed_in(app))

    with system.sessions() as session:
        change_password(session, system.rt, user=_clerk(session),
                        password="a brand new password", actor="admin")
        session.commit()

    assert _browser_with(app, saved).get("/inbox").status_code == 302
    assert sign_in(app.test_client(), "clerk", "a brand new password").status_code == 302


def test_deactivation_ends_the_sessions_even_after_the_user_returns(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    saved = _saved_cookie(_signed_in(app))

    with system.sessions() as session:
        deactivate_user(session, system.rt, user=_clerk(session), actor="admin")
        session.commit()
    assert _browser_with(app, saved).get("/inbox").status_code == 302
    with system.sessions() as session:
        _clerk(session).active = True
        session.commit()

    assert _browser_with(app, saved).get("/inbox").status_code == 302


def test_the_account_page_is_linked_from_the_top_bar_and_offers_sign_out_everywhere(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    client = _signed_in(app)

    assert 'href="/account"' in text(client.get("/inbox"))
    page = text(client.get("/account"))

    assert 'action="/account/sign-out-everywhere"' in page
    assert 'name="csrf_token"' in page
    assert "clerk" in page


def test_signing_out_everywhere_ends_another_browsers_session(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    add_user(system, clock, "guard", roles=("security",))
    office, phone, colleague = _signed_in(app), _signed_in(app), _signed_in(app, "guard")

    response = office.post("/account/sign-out-everywhere",
                           data={"csrf_token": csrf_token(office, "/account")})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You have signed out on every browser and device." in text(office.get("/login"))
    assert phone.get("/inbox").status_code == 302
    assert office.get("/inbox").status_code == 302
    assert colleague.get("/inbox").status_code == 200  # only the clerk's sessions end
    with system.sessions() as session:
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.kind == "sessions_ended")).one()
    assert (event.actor, event.data["reason"]) == ("clerk", "sign_out_everywhere")


def test_signing_out_everywhere_needs_the_csrf_token(system: System, app: Flask,
                                                     clock: FrozenClock) -> None:
    add_user(system, clock)
    client = _signed_in(app)

    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert client.get("/inbox").status_code == 200


@pytest.fixture
def cli(system: System, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The ``liaison`` command on the test database."""
    monkeypatch.setenv("LIAISON_INSTANCE_PATH", str(system.settings.instance_path))
    monkeypatch.setenv("LIAISON_DATABASE_URL", system.settings.database_url)
    return CliRunner()


def test_the_command_signs_a_user_out_everywhere(system: System, app: Flask,
                                                 clock: FrozenClock, cli: CliRunner) -> None:
    add_user(system, clock)
    browser = _signed_in(app)

    result = cli.invoke(main, ["users", "sign-out", "clerk"], catch_exceptions=False)

    assert result.exit_code == 0 and "clerk is signed out everywhere" in result.stdout
    assert browser.get("/inbox").status_code == 302
    missing = cli.invoke(main, ["users", "sign-out", "nobody"])
    assert missing.exit_code == 1 and "there is no user nobody" in missing.stderr


def test_the_command_sets_a_password_from_a_prompt_and_ends_the_sessions(
        system: System, app: Flask, clock: FrozenClock, cli: CliRunner) -> None:
    add_user(system, clock)
    browser = _signed_in(app)

    result = cli.invoke(main, ["users", "password", "clerk"],
                        input="a brand new password\na brand new password\n",
                        catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "a brand new password" not in result.output  # the prompt does not echo it
    assert browser.get("/inbox").status_code == 302
    assert sign_in(app.test_client(), "clerk", "a brand new password").status_code == 302


def test_the_command_refuses_a_short_password_and_changes_nothing(
        system: System, app: Flask, clock: FrozenClock, cli: CliRunner) -> None:
    add_user(system, clock)
    browser = _signed_in(app)

    result = cli.invoke(main, ["users", "password", "clerk"], input="short\nshort\n")

    assert result.exit_code == 1
    assert "a password needs at least 10 characters" in result.stderr
    assert browser.get("/inbox").status_code == 200
    assert sign_in(app.test_client(), "clerk").status_code == 302


def test_the_command_deactivates_a_user_and_ends_their_sessions(
        system: System, app: Flask, clock: FrozenClock, cli: CliRunner) -> None:
    add_user(system, clock)
    browser = _signed_in(app)

    result = cli.invoke(main, ["users", "deactivate", "clerk"], catch_exceptions=False)

    assert result.exit_code == 0 and "clerk is deactivated" in result.stdout
    assert browser.get("/inbox").status_code == 302
    assert sign_in(app.test_client()).status_code == 200  # refused: the form again


def test_the_installed_command_signs_a_user_out_from_its_own_process(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    browser = _signed_in(app)
    env = {**os.environ, "LIAISON_INSTANCE_PATH": str(system.settings.instance_path),
           "LIAISON_DATABASE_URL": system.settings.database_url}

    done = subprocess.run([LIAISON, "users", "sign-out", "clerk", "--as", "admin"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert browser.get("/inbox").status_code == 302
