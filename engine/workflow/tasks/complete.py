"""Complete a human task: validate its form, run the process on, persist in one unit of work."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from jsonschema.exceptions import best_match
from SpiffWorkflow.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import FieldError, FormInvalid, PermissionDenied, TaskNotReady
from engine.workflow.derived import form_of
from engine.workflow.extensions import CompletedStep
from engine.workflow.incidents import refuse_if_stopped
from engine.workflow.instances import advance, compiled_spec, load_workflow, lock_instance
from engine.workflow.models import HumanTask, ProcessInstance, TaskDraft
from engine.workflow.runtime import Runtime
from engine.workflow.specs import CompiledSpec
from engine.workflow.tasks.completions import why_not_open
from engine.workflow.timeshift import running_on


def complete_task(session: Session, rt: Runtime, *, task_id: str, data: dict[str, Any],
                  actor: str | None, roles: set[str] | None = None) -> ProcessInstance:
    """Complete a ready user task with ``data`` and advance its instance.

    A task of an instance an incident stopped is refused (``CaseStopped``),
    with nothing changed: the process would run on past a failure nobody fixed.
    ``roles`` are the actor's roles; ``None`` means the caller has already
    checked permission (the worker, the command line).
    """
    row = session.get(HumanTask, task_id)
    if row is None:
        raise why_not_open(session, task_id)
    instance = lock_instance(session, row.instance_id)
    # Re-read under the lock: another clerk may have completed it meanwhile.
    row = session.scalars(select(HumanTask).where(HumanTask.id == task_id)
                          .execution_options(populate_existing=True)).first()
    if row is None:
        raise why_not_open(session, task_id)
    if roles is not None and not _may_complete(row, actor, roles):
        raise PermissionDenied("this task is offered to another role or person",
                               process_id=row.process_id, element_id=row.element_id)
    refuse_if_stopped(session, instance, element_id=row.element_id)
    compiled = compiled_spec(session, rt, instance)
    workflow = load_workflow(session, rt, instance, compiled)
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise TaskNotReady("this task is no longer waiting for anyone",
                           process_id=row.process_id, element_id=row.element_id)
    clean = _validated(compiled, form_of(compiled, task), data,
                       element_id=row.element_id)
    problems = rt.extensions.check_completion(
        session, process_id=row.process_id, element_id=row.element_id, data=task.data,
        submitted=clean)
    if problems:
        raise FormInvalid(problems, element_id=row.element_id)
    task.data.update(clean)
    with running_on(rt.clock):
        task.run()
    step = CompletedStep(task=row, data=task.data, submitted=clean, actor=actor,
                         at=rt.clock.now())
    for hook in rt.extensions.completion_hooks:
        hook(session, step)
    audit.record(session, rt, kind="task_completed", actor=actor, instance_id=instance.id,
                 process_id=row.process_id, element_id=row.element_id, task_id=task_id,
                 data={"data": clean, "title": row.title}, at=step.at)
    session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))  # nobody resumes it
    advance(session, rt, instance, workflow, actor=actor, compiled=compiled)
    return instance


def _may_complete(row: HumanTask, actor: str | None, roles: set[str]) -> bool:
    if row.assignee is not None:
        return row.assignee == actor
    return row.role is None or row.role in roles


def _validated(compiled: CompiledSpec, form: str | None, data: dict[str, Any], *,
               element_id: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise FormInvalid([FieldError((), "the submitted data must be an object")],
                          element_id=element_id)
    validator = compiled.form_validator(form) if form else None
    if validator is None:
        return data
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        fields: list[FieldError] = []
        for error in errors:
            # For a failed anyOf/oneOf, name the branch that came closest.
            error = best_match([error]) if error.context else error
            path = tuple(error.absolute_path)
            if error.validator == "required" and isinstance(error.instance, dict):
                # jsonschema reports each missing name on its own; name each field once.
                fields += [FieldError((*path, m), f"'{m}' is a required property")
                           for m in error.validator_value if m not in error.instance
                           and not any(f.path == (*path, m) for f in fields)]
                continue
            fields.append(FieldError(path, error.message))
        raise FormInvalid(fields, element_id=element_id)
    # A read-only field shows what the process holds; no submission changes it.
    shown = {name for name, prop in validator.schema.get("properties", {}).items()
             if isinstance(prop, dict) and prop.get("readOnly")}
    return {name: value for name, value in data.items() if name not in shown}
