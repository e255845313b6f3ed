"""The app factory and /healthz."""

from __future__ import annotations

from api import create_app
from engine.bootstrap import System


def test_healthz_reports_the_database_and_no_embedded_worker(system: System) -> None:
    app = create_app({"TESTING": True}, system=system)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "dialect": system.db.dialect.name}
    assert body["worker"] == {"ok": True, "embedded": False}


def test_the_secret_key_is_generated_once_and_kept(system: System) -> None:
    first = create_app(system=system).config["SECRET_KEY"]
    second = create_app(system=system).config["SECRET_KEY"]
    key_file = system.settings.instance_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) == 64
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only


def test_unknown_api_routes_answer_in_the_json_error_shape(system: System) -> None:
    response = create_app(system=system).test_client().get("/api/no-such-resource")
    assert response.status_code == 404
    assert set(response.get_json()) == {"code", "message", "errors"}
