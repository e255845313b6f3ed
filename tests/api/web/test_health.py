"""The app factory and /healthz."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api import create_app
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from tests.support.diagrams import boundary_timer, bundle, chain, script_task, user_task


def health(system: System) -> dict[str, Any]:
    response = create_app({"TESTING": True}, system=system).test_client().get("/healthz")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_without_a_worker_healthz_says_degraded(system: System) -> None:
    body = health(system)
    assert body["status"] == "degraded"
    assert body["open_incidents"] == 0
    assert body["database"] == {"ok": True, "dialect": system.db.dialect.name}
    assert body["worker"] == {"ok": False, "embedded": False, "last_heartbeat": None,
                              "heartbeat_age_s": None, "workers_alive": 0,
                              "oldest_overdue_timer_age_s": 0.0}


def test_healthz_reports_the_last_heartbeat_of_a_worker_in_any_process(
        system: System, clock: FrozenClock) -> None:
    system.worker().run_once()  # its heartbeat goes to the database, not to this app
    clock.advance(timedelta(seconds=20))
    worker = health(system)["worker"]
    assert worker["ok"] is True and worker["workers_alive"] == 1
    assert worker["heartbeat_age_s"] == 20.0
    clock.advance(timedelta(minutes=2))
    worker = health(system)["worker"]
    assert (worker["ok"], worker["workers_alive"]) == (False, 0)


def test_healthz_reports_the_age_of_the_oldest_overdue_timer(system: System,
                                                             clock: FrozenClock) -> None:
    xml = chain("reply_sla", user_task("reply"), extra=boundary_timer("reply", "PT1H", "end"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle("reply_sla", xml), actor="modeler")
        start_instance(session, system.rt, process_id="reply_sla", actor="clerk")
        session.commit()
    clock.advance(timedelta(minutes=30))
    system.worker().run_once()
    assert health(system)["worker"]["oldest_overdue_timer_age_s"] == 0.0  # nothing due yet
    clock.advance(timedelta(hours=2))  # no worker since: due at 1 h, now 2.5 h in
    body = health(system)
    assert body["worker"]["oldest_overdue_timer_age_s"] == 5400.0
    assert body["status"] == "degraded"


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


def test_healthz_counts_the_open_incidents(system: System) -> None:
    xml = chain("fees", script_task("share", "share = total / households"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle("fees", xml), actor="modeler")
        start_instance(session, system.rt, process_id="fees", data={"total": 9, "households": 0})
        session.commit()
    assert health(system)["open_incidents"] == 1
