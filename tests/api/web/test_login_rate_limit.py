"""The sign-in limit per network address: counted from the audit log, for pages and tokens alike."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from api.web.security import trusted_proxies
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory.staff import ADDRESS_WINDOW, MAX_FAILED_LOGINS_PER_ADDRESS
from engine.system import System
from tests.api.conftest import add_user, sign_in, text
from tests.support.api import API, check_error

OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


def client_at(app: Flask, address: str) -> FlaskClient:
    """A browser whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess_passwords(client: FlaskClient, times: int) -> None:
    """Sign in with a wrong password, each time as another user: no account is locked."""
    for n in range(times):
        assert "Unknown user name" in text(sign_in(client, f"guess-{n}", "wrong"))


def refusals(system: System) -> list[dict[str, object]]:
    with system.sessions() as session:
        return [e.data for e in session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "login_refused").order_by(AuditEvent.id))]


def failed_addresses(system: System) -> list[object]:
    with system.sessions() as session:
        return [e.data.get("address") for e in session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "login_failed").order_by(AuditEvent.id))]


def test_too_many_failures_from_one_address_block_it_even_for_the_right_password(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    office = client_at(app, OFFICE)
    guess_passwords(office, MAX_FAILED_LOGINS_PER_ADDRESS)

    office.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    blocked = sign_in(office, "clerk")

    assert blocked.status_code == 429
    assert blocked.mimetype == "text/html"
    # 09:00 UTC + 15 minutes, in the office's time zone (UTC+8).
    assert "此網絡位址登入失敗次數過多。請於 2026-03-02 17:15 後再試。" in text(blocked)
    assert blocked.headers["Retry-After"] == str(int(ADDRESS_WINDOW.total_seconds()))
    assert office.get("/inbox").status_code == 302  # not signed in
    assert refusals(system) == [{"reason": "address_blocked", "address": OFFICE,
                                 "username": "clerk",
                                 "blocked_until": "2026-03-02T09:15:00+00:00"}]


def test_one_failure_fewer_is_still_heard(system: System, app: Flask,
                                          clock: FrozenClock) -> None:
    add_user(system, clock)
    office = client_at(app, OFFICE)
    guess_passwords(office, MAX_FAILED_LOGINS_PER_ADDRESS - 1)

    assert sign_in(office).status_code == 302
    assert failed_addresses(system) == [OFFICE] * (MAX_FAILED_LOGINS_PER_ADDRESS - 1)


def test_another_address_is_not_blocked(system: System, app: Flask,
                                        clock: FrozenClock) -> None:
    add_user(system, clock)
    guess_passwords(client_at(app, OFFICE), MAX_FAILED_LOGINS_PER_ADDRESS)

    assert sign_in(client_at(app, ELSEWHERE)).status_code == 302


def test_the_block_lifts_when_the_failures_leave_the_window(system: System, app: Flask,
                                                            clock: FrozenClock) -> None:
    add_user(system, clock)
    office = client_at(app, OFFICE)
    guess_passwords(office, MAX_FAILED_LOGINS_PER_ADDRESS)
    clock.advance(ADDRESS_WINDOW / 2)
    assert sign_in(office).status_code == 429  # refusals while blocked do not extend it

    clock.advance(ADDRESS_WINDOW / 2)

    assert sign_in(office).status_code == 302


def test_the_token_endpoint_shares_the_count_and_answers_429_json(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    office = client_at(app, OFFICE)
    for n in range(MAX_FAILED_LOGINS_PER_ADDRESS - 1):
        wrong = office.post(f"{API}/auth/tokens", json={"username": f"guess-{n}", "password": "x"})
        check_error(wrong, 401, "not_authenticated")
    guess_passwords(office, 1)  # the last one on the sign-in page

    blocked = office.post(f"{API}/auth/tokens",
                          json={"username": "clerk", "password": "clerk-pw"})

    body = check_error(blocked, 429, "too_many_requests")
    assert "2026-03-02 09:15 UTC" in body["message"]
    assert blocked.headers["Retry-After"] == str(int(ADDRESS_WINDOW.total_seconds()))
    assert sign_in(office).status_code == 429
    assert [r["reason"] for r in refusals(system)] == ["address_blocked"] * 2


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(
        system: System, app: Flask, clock: FrozenClock) -> None:
    add_user(system, clock)
    office = client_at(app, OFFICE)
    for n in range(MAX_FAILED_LOGINS_PER_ADDRESS):
        office.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"  # a new lie each time
        guess_passwords(office, 1)

    assert sign_in(office).status_code == 429
    assert set(failed_addresses(system)) == {OFFICE}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(system: System,
                                                              clock: FrozenClock) -> None:
    app = create_app({"TESTING": True, "LIAISON_TRUSTED_PROXIES": 1}, system=system)
    add_user(system, clock)
    proxy = client_at(app, "10.0.0.2")
    # The client sends its own X-Forwarded-For; the proxy appends the address it saw.
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.1, {OFFICE}"
    guess_passwords(proxy, MAX_FAILED_LOGINS_PER_ADDRESS)

    assert sign_in(proxy).status_code == 429
    assert set(failed_addresses(system)) == {OFFICE}
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = ELSEWHERE
    assert sign_in(proxy).status_code == 302  # another client behind the same proxy


@pytest.mark.parametrize(("value", "proxies"), [("", 0), (" 2 ", 2), ("0", 0)])
def test_the_trusted_proxy_count_is_read_from_the_environment(value: str, proxies: int) -> None:
    assert trusted_proxies({"LIAISON_TRUSTED_PROXIES": value}) == proxies
    assert trusted_proxies({}) == 0


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_bad_trusted_proxy_count_is_refused_by_name(value: str) -> None:
    with pytest.raises(ValueError, match="LIAISON_TRUSTED_PROXIES must be a whole number"):
        trusted_proxies({"LIAISON_TRUSTED_PROXIES": value})
