"""A hostile script behind a task, completed over the REST API: the completion is accepted,
the instance stops with an incident, the allocation never happens, and the server goes on."""

from __future__ import annotations

import tracemalloc

import pytest
from sqlalchemy import select

from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.incidents import open_incidents
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from tests.support.api import Caller, check_error
from tests.support.diagrams import bundle, chain, script_task, user_task, with_deadline

COPIES_FORM = {"type": "object", "required": ["copies"],
               "properties": {"copies": {"type": "integer", "minimum": 0}}}


def open_task(system: System, pid: str, script: str) -> str:
    """Deploy ``fill`` followed by ``script`` and start it; return the open task's id."""
    xml = chain(pid, user_task("fill"), script_task("print_copies", script), user_task("post"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml, {"fill.schema.json": COPIES_FORM}),
               actor="modeler")
        instance = start_instance(session, system.rt, process_id=pid, actor="clerk")
        session.commit()
        return session.scalars(select(HumanTask.id)
                               .where(HumanTask.instance_id == instance.id)).one()


@pytest.mark.parametrize(("script", "kind", "reason"), [
    ("sheet = 'x' * copies", "script_budget_exceeded",
     "the result would hold 1,000,000,000 items or characters"),
    ("rows = [0] * 10**6\nfor _ in range(copies):\n    rows.extend(rows)",
     "script_budget_exceeded", "the result would hold 2,000,000 items"),
    ("total = 0\nwhile copies:\n    total += 1", "script_budget_exceeded",
     "the script took more than 100,000 steps"),
    ("name = '_' + '_class__'\nleak = getattr(copies, name)",
     "script_refused", "the attribute '__class__' is private"),
])
def test_a_hostile_script_after_a_completion_stops_its_instance_not_the_server(
        system: System, clerk: Caller, script: str, kind: str, reason: str) -> None:
    hostile = open_task(system, "hostile", script)
    ordinary = open_task(system, "ordinary", "sheet = 'x' * copies")

    tracemalloc.start()
    try:
        done = clerk.ok("POST", f"/tasks/{hostile}/complete",
                        json={"data": {"copies": 10**9}})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The completion is kept (the person's work is not lost); the instance waits for a retry.
    assert done["status"] == "error" and done["open_tasks"] == []
    assert peak < 64 * 2**20  # refused before it was built: no gigabyte was ever allocated
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert (incident.element_id, incident.kind) == ("print_copies", kind)
    assert reason in incident.message

    # The same app answers the next ordinary requests as ever.
    inbox = clerk.ok("GET", "/tasks")
    assert [task["id"] for task in inbox["items"]] == [ordinary]
    finished = clerk.ok("POST", f"/tasks/{ordinary}/complete", json={"data": {"copies": 2}})
    assert finished["status"] == "running"
    assert [task["element_id"] for task in finished["open_tasks"]] == ["post"]


def test_a_task_of_a_case_an_incident_stopped_is_marked_and_refused_with_409(
        system: System, clerk: Caller) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle("reply_sla", with_deadline("reply_sla", "'soon'")),
               actor="modeler")
        instance = start_instance(session, system.rt, process_id="reply_sla", actor="clerk")
        session.commit()
        [incident] = open_incidents(session)
    [task] = clerk.ok("GET", "/tasks")["items"]
    assert (task["instance_id"], task["element_id"], task["blocked"]) == \
        (instance.id, "reply", True)

    refused = check_error(clerk.post(f"/tasks/{task['id']}/complete",
                                     json={"data": {"answer": "done"}}), 409, "case_stopped")
    assert f"stopped by incident #{incident.id}" in refused["message"]
    assert "a supervisor must retry it first" in refused["message"]
    assert clerk.ok("GET", f"/tasks/{task['id']}")["task"]["blocked"] is True
