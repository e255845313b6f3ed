"""Start, complete and persist instances through the engine, on every database."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.common.errors import Conflict, FormInvalid, PermissionDenied, TaskNotReady
from engine.system import System
from engine.workflow import specs
from engine.workflow.decisions import _BusinessRuleTask
from engine.workflow.deployments import deploy
from engine.workflow.instances import load_workflow, save, start_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, ProcessVersion
from engine.workflow.tasks.complete import complete_task
from tests.support.diagrams import bundle, chain, script_task, user_task

REPAIR = {"location": "Block A lift lobby", "description": "lift button broken",
          "urgency": "urgent"}
DONE = {"result": "repaired", "method": "replaced the button"}


def open_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)))


def start(system: System, process_id: str = "routine_repair", **data: Any) -> int:
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id=process_id, data=data,
                                  actor="clerk")
        session.commit()
        return instance.id


def complete(system: System, task_id: str, data: dict[str, Any], actor: str = "clerk",
             roles: set[str] | None = None) -> ProcessInstance:
    with system.sessions() as session:
        instance = complete_task(session, system.rt, task_id=task_id, data=data, actor=actor,
                                 roles=roles)
        session.commit()
        return instance


def only_task(system: System, instance_id: int) -> HumanTask:
    with system.sessions() as session:
        tasks = open_tasks(session, instance_id)
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_repair_runs_start_to_finish_reloaded_between_steps(shipped: System) -> None:
    instance_id = start(shipped)
    first = only_task(shipped, instance_id)
    assert (first.element_id, first.role) == ("describe_repair", "customer_service")
    assert first.form == "routine_repair/describe_repair.schema.json"

    complete(shipped, first.id, REPAIR, roles={"customer_service"})
    second = only_task(shipped, instance_id)
    assert (second.element_id, second.role) == ("carry_out_repair", "equipment_operations")

    with shipped.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        data = load_workflow(session, shipped.rt, instance).last_task.data
    assert (data["priority"], data["response_hours"]) == ("high", 4)  # the script task ran

    finished = complete(shipped, second.id, DONE, actor="engineer", roles={"equipment_operations"})
    assert finished.status == "completed"
    assert finished.completed_at == shipped.rt.clock.now()
    with shipped.sessions() as session:
        assert open_tasks(session, instance_id) == []
        kinds = list(session.scalars(select(AuditEvent.kind).where(
            AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)))
    assert kinds == ["instance_started", "task_completed", "task_completed"]


def test_state_is_stored_without_the_spec_and_loading_never_parses(
        shipped: System, monkeypatch: pytest.MonkeyPatch) -> None:
    instance_id = start(shipped)

    def no_parsing(*_args: object) -> None:
        raise AssertionError("the spec was parsed again on load")

    monkeypatch.setattr(specs, "compile_versions", no_parsing)
    with shipped.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        stored = json.loads(instance.state)
        workflow = load_workflow(session, shipped.rt, instance)
    assert "spec" not in stored and "subprocess_specs" not in stored
    # The repair calls the escalation, whose limits come from a business rule task of our own.
    config = {**SPIFF_CONFIG, _BusinessRuleTask: SPIFF_CONFIG[BusinessRuleTask]}
    default = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    assert len(instance.state) < len(default.serialize_json(workflow)) / 2


def test_only_one_of_two_clerks_completing_the_same_task_succeeds(shipped: System) -> None:
    task = only_task(shipped, start(shipped))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk(name: str) -> None:
        barrier.wait()
        try:
            complete(shipped, task.id, REPAIR, actor=name)
            outcomes.append("done")
        except TaskNotReady:
            outcomes.append("not ready")

    threads = [threading.Thread(target=clerk, args=(n,)) for n in ("clerk", "reception")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["done", "not ready"]
    with shipped.sessions() as session:
        completions = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task.id, AuditEvent.kind == "task_completed"))
    assert completions == 1


def test_a_stale_write_is_refused_not_applied(shipped: System) -> None:
    instance_id = start(shipped)
    with shipped.sessions() as stale:
        instance = stale.get(ProcessInstance, instance_id)
        assert instance is not None
        workflow = load_workflow(stale, shipped.rt, instance)
        complete(shipped, only_task(shipped, instance_id).id, REPAIR)  # someone else wins
        with pytest.raises(Conflict):
            save(stale, shipped.rt, instance, workflow)
        stale.rollback()
    assert only_task(shipped, instance_id).element_id == "carry_out_repair"


def test_completing_a_completed_task_says_who_did_it(shipped: System) -> None:
    task = only_task(shipped, start(shipped))
    complete(shipped, task.id, REPAIR, actor="clerk")
    with pytest.raises(TaskNotReady, match="already completed by clerk"):
        complete(shipped, task.id, REPAIR, actor="reception")


def test_invalid_form_data_is_refused_with_field_errors_and_nothing_changes(
        shipped: System) -> None:
    instance_id = start(shipped)
    task = only_task(shipped, instance_id)
    with pytest.raises(FormInvalid) as refused:
        complete(shipped, task.id, {"location": "A", "urgency": "whenever"})
    fields = {error.field for error in refused.value.errors}
    assert fields == {"location", "description", "urgency"}
    assert only_task(shipped, instance_id).id == task.id


def test_a_task_outside_the_users_roles_is_refused(shipped: System) -> None:
    task = only_task(shipped, start(shipped))
    with pytest.raises(PermissionDenied):
        complete(shipped, task.id, REPAIR, actor="guard", roles={"security"})


def test_a_new_version_leaves_running_instances_on_theirs(shipped: System) -> None:
    old = start(shipped)
    xml = (Path(__file__).parents[3] / "processes" / "routine_repair.bpmn").read_text()
    changed = xml.replace('response_hours = 4 if', 'response_hours = 2 if')
    forms_dir = Path(__file__).parents[3] / "forms" / "routine_repair"
    new_bundle = bundle("routine_repair", changed)
    new_bundle.forms = {f"routine_repair/{p.name}": p.read_bytes() for p in forms_dir.iterdir()}
    with shipped.sessions() as session:
        [result] = deploy(session, shipped.rt, new_bundle, actor="modeler", note="faster")
        session.commit()
    assert (result.version, result.created) == (2, True)
    new = start(shipped)

    for instance_id in (old, new):
        complete(shipped, only_task(shipped, instance_id).id, REPAIR)
    with shipped.sessions() as session:
        hours = {}
        for instance_id in (old, new):
            instance = session.get(ProcessInstance, instance_id)
            assert instance is not None
            hours[instance_id] = load_workflow(session, shipped.rt, instance).last_task.data[
                "response_hours"]
            version = session.get(ProcessVersion, instance.process_version_id)
            assert version is not None
            assert version.version == (1 if instance_id == old else 2)
    assert hours == {old: 4, new: 2}


def test_deploying_unchanged_content_keeps_the_version(shipped: System) -> None:
    from engine.system import deploy_shipped

    assert {d.created for d in deploy_shipped(shipped)} == {False}
    with shipped.sessions() as session:
        shipped_files = len(list((Path(__file__).parents[3] / "processes").glob("*.bpmn")))
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == shipped_files


def deploy_bundle(system: System, pid: str, xml: str) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml), actor="modeler")
        session.commit()


def test_a_failing_script_opens_an_incident_and_keeps_the_instance(shipped: System) -> None:
    divide = chain("divide", script_task("share", "share = total / people"))
    deploy_bundle(shipped, "divide", divide)
    instance_id = start(shipped, "divide", total=100, people=0)
    with shipped.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        incident = session.scalars(select(Incident)).one()
    assert instance is not None and instance.status == "error"
    assert incident.element_id == "share" and "division by zero" in incident.message


def test_a_runaway_loop_is_stopped_by_the_step_budget(shipped: System) -> None:
    loop = chain("spin", script_task("again", "n = n + 1"), extra=(
        '<bpmn:exclusiveGateway id="more" default="fout"/>'))
    # Rewire: again -> more -> again (forever), more -> end never taken.
    loop = loop.replace('<bpmn:sequenceFlow id="f1" sourceRef="again" targetRef="end"/>',
                        '<bpmn:sequenceFlow id="f1" sourceRef="again" targetRef="more"/>'
                        '<bpmn:sequenceFlow id="back" sourceRef="more" targetRef="again">'
                        '<bpmn:conditionExpression>n &gt; 0</bpmn:conditionExpression>'
                        '</bpmn:sequenceFlow>'
                        '<bpmn:sequenceFlow id="fout" sourceRef="more" targetRef="end"/>')
    deploy_bundle(shipped, "spin", loop)
    instance_id = start(shipped, "spin", n=1)
    with shipped.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        incident = session.scalars(select(Incident)).one()
    assert instance is not None and instance.status == "error"
    assert incident.kind == "script_budget_exceeded"


def test_an_escape_hidden_from_deploy_checks_is_refused_at_run_time(
        shipped: System, tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    sneaky = (f"name = '_' + '_class__'\n"
              f"cls = getattr(path, name)\n"
              f"note = 'wrote {target}'")
    deploy_bundle(shipped, "sneaky", chain("sneaky", script_task("peek", sneaky)))
    instance_id = start(shipped, "sneaky", path=str(target))
    with shipped.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        incident = session.scalars(select(Incident)).one()
    assert instance is not None and instance.status == "error"
    assert incident.kind == "script_refused" and incident.element_id == "peek"
    assert not target.exists()


def test_user_task_without_lane_is_open_to_anyone_with_a_form(shipped: System) -> None:
    deploy_bundle(shipped, "ask", chain("ask", user_task("answer_it", form="answer.schema.json")))
    instance_id = start(shipped, "ask")
    task = only_task(shipped, instance_id)
    assert task.role is None and task.form == "ask/answer.schema.json"
    assert complete(shipped, task.id, {"answer": "yes"}, roles=set()).status == "completed"
