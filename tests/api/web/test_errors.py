"""Error pages: HTML in the layout and the person's language, JSON for the API, no traces."""

from __future__ import annotations

from flask.testing import FlaskClient

from api import create_app
from api.web.permissions import PUBLIC, declare
from engine.common.errors import NotFound
from engine.system import System
from tests.api.conftest import text


def test_a_missing_page_is_a_404_page_in_the_layout(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "找不到頁面" in text(response)
    assert 'class="topbar"' in text(response)


def test_the_api_and_the_health_probe_keep_the_json_shape(system: System) -> None:
    app = create_app({"TESTING": True}, system=system)

    @app.get("/api/test/missing")
    def missing() -> str:
        raise NotFound("no such case", process_id="owner_case")

    declare(app, "missing", PUBLIC)
    client = app.test_client()
    body = client.get("/api/test/missing").get_json()
    assert body == {"code": "not_found", "message": "no such case", "errors": [],
                    "context": {"process_id": "owner_case"}}
    assert client.post("/healthz").get_json()["code"] == "method_not_allowed"


def test_an_engine_error_on_a_page_becomes_its_page(system: System) -> None:
    app = create_app({"TESTING": True}, system=system)

    @app.get("/test/missing")
    def missing() -> str:
        raise NotFound("no such case")

    declare(app, "missing", PUBLIC)
    response = app.test_client().get("/test/missing")

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_a_crash_shows_a_calm_500_page_without_a_trace(system: System) -> None:
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False}, system=system)

    @app.get("/test/crash")
    def crash() -> str:
        raise RuntimeError("secret internals: password=hunter2")

    declare(app, "crash", PUBLIC)
    response = app.test_client().get("/test/crash", headers={"Accept-Language": "zh-CN"})

    page = text(response)
    assert response.status_code == 500
    assert "系統發生錯誤" in page
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals", ".py"):
        assert leak not in page


def test_a_crash_under_the_api_answers_json(system: System) -> None:
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False}, system=system)

    @app.get("/api/test/crash")
    def crash() -> str:
        raise RuntimeError("secret internals")

    declare(app, "crash", PUBLIC)
    response = app.test_client().get("/api/test/crash")

    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_server_error"
    assert "secret internals" not in text(response)
