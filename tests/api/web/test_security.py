"""CSRF on every form, the exemption for a token-authenticated API, and security headers."""

from __future__ import annotations

import pytest
from flask import Blueprint
from flask.testing import FlaskClient

from api import create_app
from api.web.permissions import PUBLIC, declare
from api.web.security import HEADERS, exempt_from_csrf
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import add_user, csrf_token, sign_in, text

FILES = ["/assets/htmx.org/dist/htmx.min.js", "/static/liaison.css",
         "/api/v1/reference/assets/swagger-ui.css", "/healthz"]


def test_a_post_without_the_token_gets_a_clear_400_page(system: System, client: FlaskClient,
                                                        clock: FrozenClock) -> None:
    add_user(system, clock)

    response = client.post("/login", data={"username": "clerk", "password": "clerk-pw"},
                           headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "表單已失效" in text(response)
    assert "Traceback" not in text(response) and "CSRF" not in text(response)
    assert client.get("/inbox").status_code == 302  # not signed in


def test_a_token_from_another_session_is_refused(system: System, clock: FrozenClock) -> None:
    app = create_app({"TESTING": True}, system=system)
    add_user(system, clock)
    stolen = csrf_token(app.test_client())

    response = app.test_client().post("/login", data={
        "username": "clerk", "password": "clerk-pw", "csrf_token": stolen})

    assert response.status_code == 400


def test_htmx_may_send_the_token_in_a_header(system: System, client: FlaskClient,
                                             clock: FrozenClock) -> None:
    add_user(system, clock)
    token = csrf_token(client)

    response = client.post("/login", data={"username": "clerk", "password": "clerk-pw"},
                           headers={"X-CSRFToken": token})

    assert response.status_code == 302


def test_a_token_authenticated_api_blueprint_can_be_exempted(system: System) -> None:
    app = create_app({"TESTING": True}, system=system)
    api = Blueprint("test_api", __name__, url_prefix="/api/test")

    @api.post("/echo")
    def echo() -> dict[str, str]:
        return {"ok": "yes"}

    app.register_blueprint(exempt_from_csrf(api))
    declare(app, "test_api.echo", PUBLIC)

    assert app.test_client().post("/api/test/echo").get_json() == {"ok": "yes"}
    assert app.test_client().post("/logout").status_code == 400  # the rest stays protected


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/healthz",
                                  "/assets/htmx.org/dist/htmx.min.js", "/static/liaison.css",
                                  "/api/v1/openapi.json", "/api/v1/tasks", "/api/v1/no-such"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        headers = response.headers

    for name, value in HEADERS.items():
        assert headers[name] == value
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_have_no_inline_script_or_external_url(client: FlaskClient) -> None:
    for path in ("/", "/login"):
        page = text(client.get(path))
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize("path", FILES)
def test_files_and_the_probe_set_no_session_cookie(system: System, client: FlaskClient,
                                                   clock: FrozenClock, path: str) -> None:
    with client.get(path) as anonymous:
        assert anonymous.status_code == 200 and "Set-Cookie" not in anonymous.headers
    add_user(system, clock)
    sign_in(client)

    with client.get(path) as signed_in:
        assert signed_in.status_code == 200
        assert "Set-Cookie" not in signed_in.headers  # cached for a year: no session in it
    assert "Set-Cookie" in client.get("/inbox").headers  # pages still renew the session


@pytest.mark.parametrize(("method", "path", "mimetype"), [
    ("POST", "/", "text/html"), ("DELETE", "/login", "text/html"),
    ("PUT", "/api/v1/tasks", "application/json"), ("POST", "/healthz", "application/json")])
def test_a_wrong_method_is_a_405_with_the_headers_and_no_trace(
        client: FlaskClient, method: str, path: str, mimetype: str) -> None:
    response = client.open(path, method=method)

    assert response.status_code == 405
    assert response.mimetype == mimetype
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    assert "Traceback" not in text(response) and ".py" not in text(response)
