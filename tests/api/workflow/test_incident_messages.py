"""An incident reads in the reader's language when the engine said it, by its code and
parameters; a script's own error is shown as the script raised it, in every language."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.models import Incident
from tests.support.api import Caller, caller, make_app
from tests.support.diagrams import bundle, chain, script_task, user_task

PROCESSES = {
    # The engine refuses what the script left: a set is no process data (a coded message).
    "tags": chain("tags", script_task("collect", "tags = {'lift', 'lobby'}"), user_task("plan")),
    # The evaluator stops a script that never ends: the code crosses from its process.
    "loop": chain("loop", script_task("spin", "n = 0\nwhile True:\n    n += 1"),
                  user_task("plan")),
    # The script fails on its own: Python's words, no code.
    "fees": chain("fees", script_task("share", "share = total / households"), user_task("plan")),
}


@pytest.fixture
def app(shipped: System) -> Flask:
    with shipped.sessions() as session:
        for process_id, xml in PROCESSES.items():
            deploy(session, shipped.rt, bundle(process_id, xml), actor="modeler")
        session.commit()
    return make_app(shipped)


def incident_in(clerk: Caller, instance_id: int, language: str) -> dict[str, object]:
    shown = clerk.ok("GET", f"/instances/{instance_id}", headers={"Accept-Language": language})
    [incident] = shown["incidents"]
    return incident  # type: ignore[no-any-return]


def test_an_engine_failure_is_stored_by_code_and_read_in_each_language(
        shipped: System, app: Flask) -> None:
    clerk = caller(shipped, app, "desk", "customer_service")
    started = clerk.ok("POST", "/instances", 201, json={"process_id": "tags", "data": {}})
    assert started["instance"]["status"] == "error"
    with shipped.sessions() as session:
        stored = session.scalars(select(Incident)).one()
        assert (stored.message_code, stored.params) == (
            "scripts.not_storable.set", {"variable": "tags", "kind": "set"})

    chinese = incident_in(clerk, started["instance"]["id"], "zh-TW")
    english = incident_in(clerk, started["instance"]["id"], "en")

    assert chinese["message_code"] == english["message_code"] == "scripts.not_storable.set"
    assert chinese["message"] == "變數 tags 是 set，流程資料無法儲存；請改存為排序後的列表。"
    assert english["message"] == ("Variable tags holds a set, which process data cannot "
                                  "store; store sorted(...) instead.")


def test_a_scripts_own_error_is_shown_as_raised_in_every_language(
        shipped: System, app: Flask) -> None:
    clerk = caller(shipped, app, "desk", "customer_service")
    started = clerk.ok("POST", "/instances", 201, json={
        "process_id": "fees", "data": {"total": 9, "households": 0}})

    for language in ("zh-TW", "en"):
        incident = incident_in(clerk, started["instance"]["id"], language)
        assert incident["message_code"] is None
        assert "division by zero" in str(incident["message"])


def test_a_code_given_in_the_evaluators_process_reaches_the_reader(
        shipped: System, app: Flask) -> None:
    clerk = caller(shipped, app, "desk", "customer_service")
    started = clerk.ok("POST", "/instances", 201, json={"process_id": "loop", "data": {}})

    chinese = incident_in(clerk, started["instance"]["id"], "zh-TW")
    english = incident_in(clerk, started["instance"]["id"], "en")

    assert chinese["message_code"] == "scripts.too_many_steps"
    assert chinese["message"] == "腳本執行超過 100000 步（迴圈次數及呼叫），已被停止。"
    assert english["message"] == ("The script took more than 100000 steps (loop rounds and "
                                  "calls) and was stopped.")
