"""User tasks drawn inside a subprocess or repeated per item keep their process's form.

The diagrams are in ``fixtures/processes`` and their forms in ``fixtures/forms``:
``repair_inspection`` draws its ``inspect`` task inside an embedded subprocess,
``parallel_checks`` and ``sequential_checks`` repeat ``check_unit`` once per unit,
and ``estate_round`` calls ``repair_inspection``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.common.errors import FormInvalid
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import load_workflow, save, start_instance
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.progress import instance_progress
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.inbox import TaskFilters, list_tasks
from engine.workflow.tasks.view import TaskView, open_task
from tests.support.people import create_user, viewer_of

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = ["A-1201", "A-1202", "A-1203"]


@pytest.fixture
def estate(system: System) -> System:
    """The fixture processes deployed, and a person for each of their lanes."""
    with system.sessions() as session:
        deploy(session, system.rt, Bundle.from_paths([FIXTURES / "processes"]), actor="tests")
        session.commit()
    create_user(system, "engineer", "equipment_operations")
    create_user(system, "cleaner", "cleaning")
    create_user(system, "boss", "supervisor")
    return system


def start(system: System, process_id: str, data: dict[str, Any] | None = None) -> int:
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id=process_id, data=data,
                                  actor="tests")
        session.commit()
        return instance.id


def open_rows(system: System, instance_id: int) -> list[HumanTask]:
    with system.sessions() as session:
        rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)
                               .order_by(HumanTask.created_at, HumanTask.id))
        return list(rows)


def complete(system: System, task_id: str, data: dict[str, Any], actor: str) -> None:
    with system.sessions() as session:
        complete_task(session, system.rt, task_id=task_id, data=data, actor=actor,
                      roles=viewer_of(system, actor).roles)
        session.commit()


def refused(system: System, task_id: str, data: dict[str, Any], actor: str
            ) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(FormInvalid) as refusal:
        complete(system, task_id, data, actor)
    return [(error.path, error.message) for error in refusal.value.errors]


def view(system: System, task_id: str, username: str) -> TaskView:
    with system.sessions() as session:
        return open_task(session, system.rt, task_id=task_id, viewer=viewer_of(system, username))


def status_of(system: System, instance_id: int) -> str:
    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        return instance.status


# --- a user task inside an embedded subprocess ------------------------------------

def test_a_task_inside_an_embedded_subprocess_has_its_process_and_form(estate: System) -> None:
    instance_id = start(estate, "repair_inspection")
    [row] = open_rows(estate, instance_id)
    now = estate.rt.clock.now()
    assert (row.process_id, row.element_id, row.form, row.title, row.lane, row.role) == (
        "repair_inspection", "inspect", "repair_inspection/inspect.schema.json",
        "Inspect the pump", "Equipment Operations", "equipment_operations")
    assert row.due_at is not None and row.due_at.replace(tzinfo=now.tzinfo) == \
        now + timedelta(hours=4)
    page = view(estate, row.id, "engineer")
    assert (page.form, page.task.title, page.task.process_id) == (
        "repair_inspection/inspect.schema.json", "Inspect the pump", "repair_inspection")
    assert page.schema is not None and page.schema["required"] == ["finding"]
    assert page.ui_schema == {"ui:order": ["finding", "pressure"]}
    with estate.sessions() as session:
        listed = list_tasks(session, viewer=viewer_of(estate, "engineer"),
                            filters=TaskFilters(process_id="repair_inspection"), now=now)
    assert [t.id for t in listed.items] == [row.id]


def test_a_task_inside_an_embedded_subprocess_is_validated_by_its_form(estate: System) -> None:
    instance_id = start(estate, "repair_inspection")
    [row] = open_rows(estate, instance_id)
    assert refused(estate, row.id, {"pressure": -1}, "engineer") == [
        (("finding",), "'finding' is a required property"),
        (("pressure",), "-1 is less than the minimum of 0")]
    assert refused(estate, row.id, {"finding": "maybe"}, "engineer")[0][0] == ("finding",)
    complete(estate, row.id, {"finding": "sound", "pressure": 2.5}, "engineer")
    [sign_off] = open_rows(estate, instance_id)
    assert (sign_off.process_id, sign_off.form, sign_off.role) == (
        "repair_inspection", "repair_inspection/sign_off.schema.json", "supervisor")


def test_the_diagram_marks_a_task_inside_an_embedded_subprocess(estate: System) -> None:
    instance_id = start(estate, "repair_inspection")
    [row] = open_rows(estate, instance_id)
    complete(estate, row.id, {"finding": "faulty"}, "engineer")
    with estate.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        own, called = instance_progress(session, estate.rt, instance)
    assert called == []
    assert own.current_ids == ["sign_off"]
    assert {"inspection", "inspect"} <= set(own.completed_ids)


# --- multi-instance user tasks -------------------------------------------------------

@pytest.mark.parametrize("process_id", ["parallel_checks", "sequential_checks"])
def test_each_instance_of_a_repeated_task_has_the_form_title_role_and_due_time(
        estate: System, process_id: str) -> None:
    instance_id = start(estate, process_id, {"units": UNITS})
    rows = open_rows(estate, instance_id)
    assert len(rows) == (3 if process_id == "parallel_checks" else 1)
    now = estate.rt.clock.now()
    for row in rows:
        assert (row.process_id, row.element_id, row.form, row.title, row.role) == (
            process_id, "check_unit", f"{process_id}/check_unit.schema.json",
            "Check the unit", "cleaning")
        assert row.due_at is not None and row.due_at.replace(tzinfo=now.tzinfo) == \
            now + timedelta(hours=2)
    page = view(estate, rows[0].id, "cleaner")
    assert (page.form, page.task.title) == (f"{process_id}/check_unit.schema.json",
                                            "Check the unit")
    assert page.schema is not None and page.schema["required"] == ["cleaned"]
    assert page.data["unit"] in UNITS


@pytest.mark.parametrize("process_id", ["parallel_checks", "sequential_checks"])
def test_each_instance_of_a_repeated_task_is_validated_until_all_are_done(
        estate: System, process_id: str) -> None:
    instance_id = start(estate, process_id, {"units": UNITS})
    seen: list[str] = []
    for _ in UNITS:
        row = open_rows(estate, instance_id)[0]
        assert refused(estate, row.id, {"cleaned": "perhaps", "remark": "x" * 201},
                       "cleaner") == [
            (("cleaned",), "'perhaps' is not one of ['yes', 'no']"),
            (("remark",), f"'{'x' * 201}' is too long")]
        unit = view(estate, row.id, "cleaner").data["unit"]
        seen.append(unit)
        complete(estate, row.id, {"cleaned": "no" if unit == "A-1202" else "yes"}, "cleaner")
    assert sorted(seen) == UNITS
    assert open_rows(estate, instance_id) == []
    assert status_of(estate, instance_id) == "completed"
    with estate.sessions() as session:  # the answers, in the order they were given
        workflow = load_workflow(session, estate.rt, session.get_one(ProcessInstance, instance_id))
    assert workflow.data["checks"] == ["no" if unit == "A-1202" else "yes" for unit in seen]


# --- a called process keeps its own forms --------------------------------------------

def test_a_called_process_keeps_its_forms_also_inside_its_own_subprocess(
        estate: System) -> None:
    instance_id = start(estate, "estate_round")
    [inspect] = open_rows(estate, instance_id)
    assert (inspect.process_id, inspect.form, inspect.role) == (
        "repair_inspection", "repair_inspection/inspect.schema.json", "equipment_operations")
    assert refused(estate, inspect.id, {}, "engineer") == [
        (("finding",), "'finding' is a required property")]
    complete(estate, inspect.id, {"finding": "sound"}, "engineer")
    [sign_off] = open_rows(estate, instance_id)
    assert (sign_off.process_id, sign_off.form) == (
        "repair_inspection", "repair_inspection/sign_off.schema.json")
    assert view(estate, sign_off.id, "boss").schema == {
        "type": "object", "required": ["accepted"],
        "properties": {"accepted": {"type": "boolean"}}}
    complete(estate, sign_off.id, {"accepted": True}, "boss")
    assert status_of(estate, instance_id) == "completed"


def test_a_task_offered_under_its_subprocess_name_gets_its_form_back(estate: System) -> None:
    # Rows derived before subprocesses had owners carry the subprocess's name.
    instance_id = start(estate, "repair_inspection")
    [row] = open_rows(estate, instance_id)
    with estate.sessions() as session:
        stale = session.get_one(HumanTask, row.id)
        stale.process_id, stale.form = "inspection", "inspection/inspect.schema.json"
        session.commit()
    assert view(estate, row.id, "engineer").form == "repair_inspection/inspect.schema.json"
    assert refused(estate, row.id, {}, "engineer") == [
        (("finding",), "'finding' is a required property")]
    with estate.sessions() as session:
        rt = estate.rt
        instance = session.get_one(ProcessInstance, instance_id)
        save(session, rt, instance, load_workflow(session, rt, instance))
        session.commit()
    [again] = open_rows(estate, instance_id)
    assert (again.id, again.process_id, again.form) == (
        row.id, "repair_inspection", "repair_inspection/inspect.schema.json")
