"""Signing in and out, the lockout, sessions, and the login and role guards."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from api import create_app
from api.web.auth import current_user, login_required, roles_required
from api.web.permissions import PUBLIC, declare
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory.models import User
from engine.directory.staff import LOCKOUT, MAX_FAILED_LOGINS
from engine.system import System
from tests.api.conftest import add_user, csrf_token, sign_in, text
from tests.support.staff import create_role

GENERIC = "Unknown user name or wrong password."


def _guarded_app(system: System) -> Flask:
    app = create_app({"TESTING": True}, system=system)

    @app.get("/test/staff-only")
    @login_required
    def staff_only() -> str:
        user = current_user()
        assert user is not None
        return f"hello {user.username}"

    @app.get("/test/supervisors-only")
    @roles_required("supervisor", "superior")
    def supervisors_only() -> str:
        return "approvals"

    # Public in the table, so these tests show the decorators alone, the views' second line.
    declare(app, "staff_only", PUBLIC)
    declare(app, "supervisors_only", PUBLIC)
    return app


def _alert(response: TestResponse) -> str:
    found = re.search(r'role="alert">([^<]*)<', text(response))
    assert found, "no error on the page"
    return html.unescape(found.group(1))


def _audit_kinds(system: System) -> list[str]:
    with system.sessions() as session:
        return list(session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))


def test_signing_in_lands_in_the_inbox(system: System, client: FlaskClient,
                                       clock: FrozenClock) -> None:
    add_user(system, clock, display_name="王小明")

    response = sign_in(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    inbox = client.get("/inbox")
    assert inbox.status_code == 200
    assert "王小明" in text(inbox)
    assert _audit_kinds(system) == ["login_succeeded"]


@pytest.mark.parametrize("username", ["clerk", "nobody"])
def test_a_refused_sign_in_says_the_same_for_unknown_users_and_wrong_passwords(
        system: System, client: FlaskClient, clock: FrozenClock, username: str) -> None:
    add_user(system, clock)

    response = sign_in(client, username, "wrong")

    assert response.status_code == 200
    assert GENERIC in text(response)
    assert f'value="{username}"' in text(response)  # the user name is kept, the password not
    assert client.get("/inbox").status_code == 302
    assert _audit_kinds(system) == ["login_failed"]  # committed despite the refusal


def test_the_fifth_failure_locks_the_account_and_answers_as_for_an_unknown_user(
        system: System, client: FlaskClient, clock: FrozenClock) -> None:
    add_user(system, clock)
    wrong = [sign_in(client, "clerk", "wrong") for _ in range(MAX_FAILED_LOGINS)]

    locked = sign_in(client, "clerk", "clerk-pw")  # the right password waits too
    unknown = sign_in(client, "nobody", "clerk-pw")

    # One answer, the same status, whether the account is locked, the password wrong or
    # the user unknown: the words of a locked account would say that the user exists.
    answers = {(r.status_code, _alert(r)) for r in [*wrong, locked, unknown]}
    assert answers == {(200, GENERIC + " After 5 failed sign-ins in a row an account is "
                        "locked for 15 minutes.")}
    assert client.get("/inbox").status_code == 302
    assert "account_locked" in _audit_kinds(system)
    assert _audit_kinds(system)[-2:] == ["login_refused", "login_failed"]


def test_the_lock_lifts_after_fifteen_minutes(system: System, client: FlaskClient,
                                              clock: FrozenClock) -> None:
    add_user(system, clock)
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(client, "clerk", "wrong")

    clock.advance(LOCKOUT)
    response = sign_in(client)

    assert response.status_code == 302
    with system.sessions() as session:
        user = session.scalars(select(User)).one()
        assert (user.failed_logins, user.locked_until) == (0, None)


def test_signing_out_ends_the_session(system: System, client: FlaskClient,
                                      clock: FrozenClock) -> None:
    add_user(system, clock)
    sign_in(client)

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "You have signed out." in text(client.get("/login"))
    assert client.get("/inbox").status_code == 302
    assert _audit_kinds(system)[-1] == "logout"


def test_signing_out_needs_the_csrf_token(system: System, client: FlaskClient,
                                          clock: FrozenClock) -> None:
    add_user(system, clock)
    sign_in(client)

    assert client.post("/logout").status_code == 400
    assert client.get("/inbox").status_code == 200  # still signed in


def test_sign_in_goes_back_to_the_page_that_asked(system: System, client: FlaskClient,
                                                  clock: FrozenClock) -> None:
    add_user(system, clock)

    response = sign_in(client, next="/inbox?filter=overdue")

    assert response.headers["Location"] == "/inbox?filter=overdue"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/inbox", "/\\evil.example", "http:/inbox",
    "javascript:alert(1)", "inbox", "/\t/evil.example",
])
def test_sign_in_never_redirects_off_the_site(system: System, client: FlaskClient,
                                              clock: FrozenClock, target: str) -> None:
    add_user(system, clock)

    response = sign_in(client, next=target)

    assert response.headers["Location"] == "/inbox"


def test_a_page_behind_login_sends_visitors_to_sign_in_and_back(
        system: System, clock: FrozenClock) -> None:
    client = _guarded_app(system).test_client()
    add_user(system, clock)

    response = client.get("/test/staff-only?tab=mine")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/test/staff-only?tab%3Dmine"
    login_page = client.get(response.headers["Location"])
    assert 'name="next" value="/test/staff-only?tab=mine"' in text(login_page)
    signed_in = sign_in(client, next="/test/staff-only?tab=mine")
    assert signed_in.headers["Location"] == "/test/staff-only?tab=mine"
    assert text(client.get("/test/staff-only")) == "hello clerk"


def test_a_page_for_other_roles_answers_403_in_the_layout(system: System,
                                                          clock: FrozenClock) -> None:
    client = _guarded_app(system).test_client()
    add_user(system, clock, roles=("customer_service",))
    sign_in(client)

    response = client.get("/test/supervisors-only")

    assert response.status_code == 403
    assert "Not allowed" in text(response)
    assert "Sign out" in text(response)  # the page is in the layout


def test_roles_are_read_on_every_request(system: System, clock: FrozenClock) -> None:
    client = _guarded_app(system).test_client()
    add_user(system, clock, roles=("customer_service",))
    sign_in(client)
    assert client.get("/test/supervisors-only").status_code == 403

    with system.sessions() as session:
        user = session.scalars(select(User)).one()
        user.roles.append(create_role(session, "supervisor"))
        session.commit()

    assert client.get("/test/supervisors-only").status_code == 200


def test_roles_required_sends_visitors_to_sign_in(system: System) -> None:
    client = _guarded_app(system).test_client()

    response = client.get("/test/supervisors-only")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_deactivated_user_is_signed_out_at_once(system: System, client: FlaskClient,
                                                  clock: FrozenClock) -> None:
    add_user(system, clock)
    sign_in(client)

    with system.sessions() as session:
        session.scalars(select(User)).one().active = False
        session.commit()

    assert client.get("/inbox").status_code == 302


def test_the_session_cookie_is_http_only_same_site_and_fresh_at_sign_in(
        system: System, client: FlaskClient, clock: FrozenClock) -> None:
    add_user(system, clock)
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"

    response = sign_in(client)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http://127.0.0.1 must work by default
    with client.session_transaction() as session:
        assert "planted" not in session
        assert isinstance(session["user_id"], int)


def test_secure_cookies_when_configured(system: System, clock: FrozenClock) -> None:
    app = create_app({"TESTING": True, "SESSION_COOKIE_SECURE": True}, system=system)
    client = app.test_client()
    add_user(system, clock)

    response = sign_in(client)

    assert "Secure" in response.headers["Set-Cookie"]


def test_a_signed_in_user_visiting_login_goes_to_the_inbox(
        system: System, client: FlaskClient, clock: FrozenClock) -> None:
    add_user(system, clock)
    sign_in(client)

    assert client.get("/login").headers["Location"] == "/inbox"


def test_the_login_page_keeps_no_password(system: System, client: FlaskClient,
                                          clock: FrozenClock) -> None:
    add_user(system, clock)

    response = sign_in(client, "clerk", "s3cret-guess")

    assert "s3cret-guess" not in text(response)


def test_a_session_expires_after_a_working_day(system: System, client: FlaskClient,
                                               clock: FrozenClock) -> None:
    add_user(system, clock)

    cookie = sign_in(client).headers["Set-Cookie"]

    assert "Expires=" in cookie
    assert timedelta(hours=12) == create_app(system=system).permanent_session_lifetime
