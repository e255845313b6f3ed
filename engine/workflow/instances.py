"""Start, load and save process instances; every save re-derives the indexed tables."""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task, TaskState
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engine.common import audit
from engine.common.errors import (
    Conflict,
    FieldError,
    FormInvalid,
    NotFound,
    ScriptBudgetExceeded,
    ScriptError,
)
from engine.workflow import derived
from engine.workflow.models import Incident, ProcessInstance, ProcessVersion, Timer
from engine.workflow.runtime import Runtime
from engine.workflow.sandbox.limits import data_cap_exceeded
from engine.workflow.serializer import SERIALIZER_VERSION
from engine.workflow.specs import CompiledSpec
from engine.workflow.timeshift import running_on
from engine.workflow.unit_of_work import UnitOfWork, working_on
from engine.workflow.versions import pinned_versions

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def start_instance(session: Session, rt: Runtime, *, process_id: str,
                   data: dict[str, Any] | None = None, actor: str | None = None,
                   business_key: str | None = None,
                   start_event: str | None = None) -> ProcessInstance:
    """Start the latest version of a process with ``data`` and run it to its first wait.

    ``start_event`` names the start event to enter by (a schedule names its
    timer start event); by default a plain start event is preferred.
    """
    versions = pinned_versions(session, process_id)
    compiled = rt.specs.get(versions)
    _check_start_data(compiled, data or {})
    workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs,
                            script_engine=rt.script_engine)
    _enter_by(workflow, compiled, start_event)
    # Start data lands on the start task, so every later task inherits it.
    workflow.get_tasks(spec_name="Start")[0].data.update(data or {})
    now = rt.clock.now()
    instance = ProcessInstance(
        process_id=process_id, process_version_id=versions[0].id,
        called_version_ids=[v.id for v in versions[1:]], status="running", state="",
        serializer_version=SERIALIZER_VERSION, business_key=business_key, started_by=actor,
        created_at=now, updated_at=now)
    session.add(instance)
    session.flush()
    audit.record(session, rt, kind="instance_started", actor=actor, instance_id=instance.id,
                 process_id=process_id, data={"version": versions[0].version,
                                              "data": data or {}})
    advance(session, rt, instance, workflow, actor=actor, compiled=compiled)
    return instance


def _check_start_data(compiled: CompiledSpec, data: object) -> None:
    """Refuse start data the process declares it cannot run on, before an instance exists.

    A process declares its start data in ``forms/<process_id>/start.schema.json``;
    a process without one takes any object.
    """
    process_id = compiled.process_id
    if not isinstance(data, dict):
        raise FormInvalid([FieldError((), "the start data must be an object")],
                          process_id=process_id)
    validator = compiled.start_validator()
    if validator is None:
        return
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise FormInvalid([f for e in errors for f in _field_errors(e)], process_id=process_id)


def _field_errors(error: ValidationError) -> list[FieldError]:
    # Each missing key by its own name; for a failed anyOf/oneOf, the branch that came closest.
    path = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [FieldError((*path, name), f"'{name}' is a required property")
                for name in error.validator_value if name not in error.instance]
    error = best_match([error]) if error.context else error
    return [FieldError(tuple(error.absolute_path), error.message)]


def _enter_by(workflow: BpmnWorkflow, compiled: CompiledSpec, start_event: str | None) -> None:
    """Cancel every start event but the one this instance starts by."""
    if len(compiled.start_events) < 2:
        return
    if start_event is None:
        plain = [s for s in compiled.start_events if s not in compiled.timer_starts]
        start_event = (plain or list(compiled.start_events))[0]
    elif start_event not in compiled.start_events:
        raise NotFound(f"the process has no start event '{start_event}'",
                       process_id=compiled.process_id, element_id=start_event)
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        if task.task_spec.bpmn_id in compiled.start_events and \
                task.task_spec.bpmn_id != start_event:
            task.cancel()


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Load an instance for change, making concurrent writers to it wait their turn.

    PostgreSQL takes a row lock; SQLite has no row locks, so a no-op write
    takes its database write lock before we read. The version check on save
    stays as the safety net.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                        .values(lock_version=ProcessInstance.lock_version)
                        .execution_options(synchronize_session=False))
        query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    else:
        query = select(ProcessInstance).where(ProcessInstance.id == instance_id).with_for_update()
    instance = session.scalars(query.execution_options(populate_existing=True)).first()
    if instance is None:
        raise NotFound(f"no process instance {instance_id}")
    return instance


def compiled_spec(session: Session, rt: Runtime, instance: ProcessInstance) -> CompiledSpec:
    ids = [instance.process_version_id, *instance.called_version_ids]
    # The cache goes by content hash; the diagrams, tables and forms themselves are read
    # only when a version is compiled for the first time in this process.
    rows = {v.id: v for v in session.scalars(
        select(ProcessVersion).where(ProcessVersion.id.in_(ids)).options(
            defer(ProcessVersion.bpmn_xml), defer(ProcessVersion.dmn),
            defer(ProcessVersion.forms), defer(ProcessVersion.note)))}
    return rt.specs.get([rows[i] for i in ids])


def load_workflow(session: Session, rt: Runtime, instance: ProcessInstance,
                  compiled: CompiledSpec | None = None) -> BpmnWorkflow:
    """Rebuild the workflow from its stored state and the cached spec (never re-parsed)."""
    return rt.serializer.loads(instance.state, instance.serializer_version,
                               compiled or compiled_spec(session, rt, instance),
                               rt.script_engine)


def advance(session: Session, rt: Runtime, instance: ProcessInstance,
            workflow: BpmnWorkflow, *, actor: str | None,
            compiled: CompiledSpec | None = None) -> None:
    """Run engine steps until the workflow waits, then save; a failing script opens an incident.

    ``compiled`` is the instance's spec, when the caller has it at hand.
    """
    try:
        with running_on(rt.clock), working_on(UnitOfWork(session, rt, instance, actor)):
            run_engine_steps(rt, workflow)
    except ScriptError as error:
        _open_incident(session, rt, instance, error, actor=actor)
        save(session, rt, instance, workflow, status="error", compiled=compiled)
        return
    save(session, rt, instance, workflow, compiled=compiled)


def run_engine_steps(rt: Runtime, workflow: BpmnWorkflow) -> None:
    """Do SpiffWorkflow's engine steps, stopping a runaway process at the step budget."""
    steps = 0
    # Scripts and services are refused data past the cap where they write it; this catches
    # data that came in another way (start data, a form) before any step carries it on.
    data_limit: int | None = getattr(rt.script_engine.environment, "data_limit", None)

    def count(task: Task) -> None:
        nonlocal steps
        steps += 1
        if steps > rt.step_budget:
            raise ScriptBudgetExceeded(
                f"the process ran more than {rt.step_budget} steps without waiting for "
                f"anyone; it is probably looping", element_id=task.task_spec.bpmn_id)
        element_id = task.task_spec.bpmn_id  # None for SpiffWorkflow's own Start and End
        problem = data_cap_exceeded(task.data, data_limit) if data_limit and element_id else None
        if problem is not None:
            problem.element_id = element_id
            raise problem

    workflow.refresh_timers()
    try:
        workflow.do_engine_steps(will_complete_task=count)
    except WorkflowTaskException as wrapped:
        # A decision table wraps what its expressions raised: an overrun there is the task's.
        error = _script_error_within(wrapped)
        if error is None:
            raise
        if error.element_id is None and wrapped.task is not None:
            error.element_id = wrapped.task.task_spec.bpmn_id
        raise error from wrapped
    if not workflow.completed and not workflow.get_tasks(state=LIVE):
        stuck = [t for t in workflow.tasks.values() if t.state & LIVE]
        raise ScriptBudgetExceeded(
            "the process has grown too deep to go on (a loop that never ends?)",
            message_code="scripts.process_too_deep",
            element_id=stuck[0].task_spec.bpmn_id if stuck else None)


def _script_error_within(error: BaseException) -> ScriptError | None:
    """The sandbox's error that SpiffWorkflow wrapped, however deep, or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ScriptError):
            return current
        seen.add(id(current))
        inner = getattr(current, "exception", None)
        current = inner if isinstance(inner, BaseException) else (
            current.__cause__ or current.__context__)
    return None


def save(session: Session, rt: Runtime, instance: ProcessInstance, workflow: BpmnWorkflow,
         *, status: str | None = None, compiled: CompiledSpec | None = None) -> None:
    """Store the state and re-derive open tasks and timers, in the caller's transaction."""
    now, process_id = rt.clock.now(), instance.process_id
    instance.state = rt.serializer.dumps(workflow)
    # Always write the row, even with identical state: the UPDATE carries the version check.
    flag_modified(instance, "state")
    instance.serializer_version = SERIALIZER_VERSION
    instance.updated_at = now
    if status is not None:
        instance.status = status
    elif workflow.completed:
        instance.status = "completed"
        instance.completed_at = now
    else:
        instance.status = "running"
    try:
        session.flush()  # the version check comes first: a stale save derives nothing
    except StaleDataError as error:
        raise Conflict("the case was changed by someone else at the same moment; "
                       "reload it and try again", process_id=process_id) from error
    failed = derived.sync(session, rt, instance, workflow,
                          compiled or compiled_spec(session, rt, instance))
    if failed and instance.status != "error":
        # A task's due time that cannot be worked out stops the instance like a failing
        # script: an incident at that task, for a supervisor to fix and retry.
        _open_incident(session, rt, instance, failed[0], actor=None)
        instance.status = "error"
    if instance.status == "error":
        # A stopped instance waits for its retry: a timer whose own expression failed
        # would otherwise fall due at once, and fail again, on every pass of the worker.
        session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    session.flush()


def _open_incident(session: Session, rt: Runtime, instance: ProcessInstance,
                   error: ScriptError, *, actor: str | None) -> None:
    # The engine's own failures keep their code, for each reader to read in their language;
    # a script's own words (its exceptions) have none and are shown as they were raised.
    session.add(Incident(instance_id=instance.id, element_id=error.element_id,
                         kind=error.code, message=error.message, line=error.line,
                         message_code=error.message_code or None,
                         params=dict(error.params) if error.message_code else None,
                         created_at=rt.clock.now()))
    audit.record(session, rt, kind="incident_opened", actor=actor, instance_id=instance.id,
                 process_id=instance.process_id, element_id=error.element_id,
                 data={"message": error.message, "line": error.line, "kind": error.code})
