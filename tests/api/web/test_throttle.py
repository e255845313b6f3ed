"""Limits per client address on public lookups, sign-in and token issue (api/web/throttle.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from engine.system import System
from tests.api.conftest import csrf_token, text
from tests.support.api import API, check_error

OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
LOW = "3 per minute"

Try = Callable[[FlaskClient], TestResponse]

PAGES: dict[str, Try] = {
    "tracking page": lambda c: c.get("/track?code=AB12CD34EF"),
    "survey code page": lambda c: c.get("/survey/ABCDEF123456"),
    "survey answer": lambda c: c.post("/survey/ABCDEF123456", data={}),
    "ballot link": lambda c: c.get("/ballot/not-a-real-ballot-token"),
}


def low_limits(system: System, **config: Any) -> Flask:
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                       "LIAISON_RATELIMIT_LOOKUP": LOW, "LIAISON_RATELIMIT_SIGN_IN": LOW,
                       **config}, system=system)


def client_at(app: Flask, address: str, language: str = "en") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def exhaust(client: FlaskClient, attempt: Try, times: int = 3) -> None:
    for _ in range(times):
        assert attempt(client).status_code != 429


def assert_retry_after(response: TestResponse) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61  # a minute, rounded up


@pytest.mark.parametrize("surface", PAGES)
def test_a_public_page_refuses_an_address_past_its_limit_with_our_own_page(
        system: System, surface: str) -> None:
    app = low_limits(system)
    office = client_at(app, OFFICE)
    exhaust(office, PAGES[surface])

    refused = PAGES[surface](office)

    assert_retry_after(refused)
    assert refused.mimetype == "text/html"
    assert "Too many requests came from your network address" in text(refused)
    office.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-TW"
    assert '<html lang="zh-Hant">' in text(PAGES[surface](office))
    assert PAGES[surface](client_at(app, ELSEWHERE)).status_code != 429


def test_the_lookups_share_one_count_so_switching_surface_does_not_help(
        system: System) -> None:
    office = client_at(low_limits(system), OFFICE)
    for attempt in PAGES.values():
        if attempt(office).status_code == 429:
            break
    else:
        pytest.fail("four lookups against a limit of three were all answered")
    assert_retry_after(office.get(f"{API}/public/cases/AB12CD34EF"))


def test_three_hundred_tracking_guesses_at_the_default_limit_are_refused(
        system: System) -> None:
    app = create_app({"TESTING": True}, system=system)
    office = client_at(app, OFFICE)

    answers = [office.get(f"/track?code=GUESS{n:05d}").status_code for n in range(300)]

    assert 429 in answers
    assert answers.index(429) >= 50  # an owner who mistypes a few times is never refused
    assert client_at(app, ELSEWHERE).get("/track?code=GUESS00000").status_code != 429


def test_the_public_case_api_answers_429_in_the_usual_error_shape(system: System) -> None:
    app = low_limits(system)
    office = client_at(app, OFFICE)
    exhaust(office, lambda c: c.get(f"{API}/public/cases/AB12CD34EF"))

    refused = office.get(f"{API}/public/cases/AB12CD34EF")

    check_error(refused, 429, "too_many_requests")
    assert_retry_after(refused)
    assert client_at(app, ELSEWHERE).get(f"{API}/public/cases/AB12CD34EF").status_code != 429


def test_sign_in_attempts_are_limited_but_opening_the_page_is_not(system: System) -> None:
    app = low_limits(system, WTF_CSRF_ENABLED=True)
    office = client_at(app, OFFICE)
    for _ in range(5):
        assert office.get("/login").status_code == 200

    def attempt(c: FlaskClient) -> TestResponse:
        return c.post("/login", data={"username": "nobody", "password": "wrong",
                                      "csrf_token": csrf_token(c)})

    exhaust(office, attempt)
    refused = attempt(office)

    assert_retry_after(refused)
    assert refused.mimetype == "text/html"
    assert attempt(client_at(app, ELSEWHERE)).status_code == 200


def test_token_issue_shares_the_sign_in_limit(system: System) -> None:
    app = low_limits(system)
    office = client_at(app, OFFICE)
    body = {"username": "nobody", "password": "wrong", "name": "guess"}
    exhaust(office, lambda c: c.post("/login", data={"username": "nobody", "password": "x"}))

    refused = office.post(f"{API}/auth/tokens", json=body)

    check_error(refused, 429, "too_many_requests")
    assert_retry_after(refused)
    check_error(client_at(app, ELSEWHERE).post(f"{API}/auth/tokens", json=body), 401)


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(
        system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_TRUSTED_PROXIES", "1")
    app = low_limits(system)
    proxy = client_at(app, "10.0.0.2")

    def track_from(address: str) -> int:
        return proxy.get("/track?code=AB12CD34EF",
                         headers={"X-Forwarded-For": address}).status_code

    assert [track_from(OFFICE) for _ in range(4)][-1] == 429
    assert track_from(ELSEWHERE) != 429


def test_web_processes_sharing_redis_share_one_count(system: System) -> None:
    assert redis.Redis(host="127.0.0.1", port=6379).ping()
    # Two apps stand for two gunicorn processes; fresh addresses keep runs apart in Redis.
    storage = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}
    first, second = low_limits(system, **storage), low_limits(system, **storage)
    guesser, neighbour = (f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
                          for _ in range(2))
    track: Try = PAGES["tracking page"]

    exhaust(client_at(first, guesser), track)

    assert_retry_after(track(client_at(second, guesser)))
    assert track(client_at(second, neighbour)).status_code != 429


def test_with_its_redis_unreachable_the_limit_counts_in_memory_and_pages_still_answer(
        system: System) -> None:
    app = low_limits(system, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")  # nothing listens
    office = client_at(app, OFFICE)

    answers = [PAGES["tracking page"](office).status_code for _ in range(5)]

    assert 500 not in answers and answers[-1] == 429
