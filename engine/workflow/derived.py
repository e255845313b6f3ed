"""Derive the open-task and timer tables from a workflow, so readers never deserialise one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task, TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.common.errors import ScriptError
from engine.workflow.models import HumanTask, ProcessInstance, Timer
from engine.workflow.runtime import Runtime
from engine.workflow.specs import CompiledSpec
from engine.workflow.timers.iso8601 import after, is_literal
from engine.workflow.timers.values import timer_value_problem


def sync(session: Session, rt: Runtime, instance: ProcessInstance, workflow: BpmnWorkflow,
         compiled: CompiledSpec) -> list[ScriptError]:
    """Bring ``human_tasks`` and ``timers`` in line with the workflow's current state.

    Returns the ``dueIn`` expressions that failed (the task is offered with no due
    time), so the caller stops the instance as it does for a failing script.
    """
    failed = _sync_human_tasks(session, rt, instance, workflow, compiled)
    _sync_timers(session, rt, instance, workflow)
    return failed


def properties_of(task: Task) -> dict[str, str]:
    extensions = getattr(task.task_spec, "extensions", None) or {}
    properties: dict[str, str] = extensions.get("properties", {})
    return properties


def form_of(compiled: CompiledSpec, task: Task) -> str | None:
    """The task's form as deployed, ``process_id/file``; subprocesses use their owner's."""
    form = properties_of(task).get("formJsonSchemaFilename")
    return f"{compiled.owner_of(task)}/{form}" if form else None


def role_of(rt: Runtime, task: Task) -> str | None:
    """The lane's role, unless the task names a data variable that holds the role.

    ``roleFrom`` lets one diagram send a work order to whichever department
    the routing table chose, without a lane per department.
    """
    variable = properties_of(task).get("roleFrom")
    if variable and isinstance(task.data.get(variable), str):
        return str(task.data[variable])
    return rt.role_for_lane(task.task_spec.lane)


def due_of(rt: Runtime, task: Task, offered_at: datetime) -> datetime | None:
    """When the task is due: its ``dueIn`` property (an ISO duration) after it was offered."""
    expression = properties_of(task).get("dueIn")
    if not expression:
        return None
    value = expression if is_literal(expression) else rt.script_engine.evaluate(task, expression)
    problem = timer_value_problem(value, "duration")  # P100000000Y would take hours to add
    if problem is not None:
        raise ScriptError(f"dueIn: {problem}", element_id=task.task_spec.bpmn_id)
    try:
        return after(offered_at, str(value))
    except ValueError as error:
        raise ScriptError(str(error), element_id=task.task_spec.bpmn_id) from error


def _sync_human_tasks(session: Session, rt: Runtime, instance: ProcessInstance,
                      workflow: BpmnWorkflow, compiled: CompiledSpec) -> list[ScriptError]:
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    existing = {row.id: row for row in session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id))}
    for task_id, row in existing.items():
        if task_id not in ready:
            session.delete(row)
    now, failed = rt.clock.now(), []
    for task_id, task in ready.items():
        owner, form = compiled.owner_of(task), form_of(compiled, task)
        offered = existing.get(task_id)
        if offered is not None:  # keep who claimed it and when it was offered
            if (offered.process_id, offered.form) != (owner, form):
                # Derived before subprocesses had owners: under the subprocess's name.
                offered.process_id, offered.form = owner, form
            continue
        spec = task.task_spec
        try:
            due_at = due_of(rt, task, now)
        except ScriptError as error:  # an overrun or a bad expression: the task still exists
            failed.append(error)
            due_at = None
        session.add(HumanTask(
            id=task_id, instance_id=instance.id, process_id=owner,
            element_id=spec.bpmn_id, title=spec.bpmn_name or spec.bpmn_id, lane=spec.lane,
            role=role_of(rt, task), form=form, due_at=due_at,
            created_at=now, **rt.extensions.columns_of(session, task.data)))
    return failed


def _sync_timers(session: Session, rt: Runtime, instance: ProcessInstance,
                 workflow: BpmnWorkflow) -> None:
    session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    for task in workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task, rt.clock.now())
        if due is not None:
            session.add(Timer(instance_id=instance.id, task_id=str(task.id),
                              element_id=task.task_spec.bpmn_id, due_at=due))


def timer_due(task: Task, now: datetime) -> datetime | None:
    """When a waiting task's timer falls due; None if it waits for no timer.

    SpiffWorkflow keeps the due time in the task's internal data, in three
    shapes: an ISO date for dates and durations; for a cycle, a dict whose
    ``next`` counts until ``cycles`` reaches 0 — exhausted, the task still
    waits for one more wake-up to finish, due since its last occurrence; and an
    event-based gateway holds its timers' value on the gateway task itself.
    """
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        if not any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions):
            return None
    elif not isinstance(definition, TimerEventDefinition):
        return None
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        due = _utc(datetime.fromisoformat(value["next"]))
        return due - timedelta(seconds=value["duration"]) if value.get("cycles") == 0 else due
    if isinstance(value, str):
        due = TimerEventDefinition.get_datetime(value)
        return due if isinstance(due, datetime) else None
    return now  # not yet evaluated: wake it so SpiffWorkflow works out when


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
