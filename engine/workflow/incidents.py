"""Incidents: what stopped an instance, for a supervisor to see and retry."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task, TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import CaseStopped, Conflict, NotFound
from engine.workflow.instances import (
    LIVE,
    advance,
    compiled_spec,
    load_workflow,
    lock_instance,
)
from engine.workflow.models import Incident, ProcessInstance
from engine.workflow.runtime import Runtime


def open_incidents(session: Session, *, instance_id: int | None = None,
                   limit: int = 100) -> list[Incident]:
    """The unresolved incidents, oldest first."""
    query = select(Incident).where(Incident.resolved_at.is_(None))
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    return list(session.scalars(query.order_by(Incident.created_at, Incident.id).limit(limit)))


def stopping_incident(session: Session, instance_id: int) -> Incident | None:
    """The newest unresolved incident of an instance: the one a retry must start from."""
    return session.scalars(select(Incident).where(Incident.instance_id == instance_id,
                                                  Incident.resolved_at.is_(None))
                           .order_by(Incident.id.desc()).limit(1)).first()


def refuse_if_stopped(session: Session, instance: ProcessInstance, *,
                      element_id: str | None = None) -> None:
    """Refuse to work on an instance an incident stopped, naming the incident to retry."""
    if instance.status != "error":
        return
    incident = stopping_incident(session, instance.id)
    named = f" #{incident.id} ({incident.message})" if incident is not None else ""
    raise CaseStopped(f"this case is stopped by incident{named}; a supervisor must retry it "
                      "first", incident_id=incident.id if incident is not None else None,
                      message_code="incidents.case_stopped",
                      params={"incident": incident.id if incident is not None else ""},
                      process_id=instance.process_id, element_id=element_id)


def retry_incident(session: Session, rt: Runtime, *, incident_id: int, actor: str | None,
                   data: dict[str, Any] | None = None) -> ProcessInstance:
    """Resolve the incident and run its instance on from where it stopped.

    ``data`` (e.g. a corrected value a script or timer needed) is given to the
    task the incident names, whatever its state, before it runs again. A
    failure on the retry opens a new incident, so the history shows every attempt.
    """
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}", message_code="incidents.unknown",
                       params={"incident": incident_id})
    instance = lock_instance(session, incident.instance_id)
    session.refresh(incident)
    if incident.resolved_at is not None:
        raise Conflict(f"this incident was already resolved by {incident.resolved_by or 'someone'}"
                       f" at {incident.resolved_at:%Y-%m-%d %H:%M} UTC",
                       message_code="incidents.resolved_already",
                       params={"incident": incident.id, "by": incident.resolved_by or "",
                               "at": incident.resolved_at},
                       process_id=instance.process_id, element_id=incident.element_id)
    compiled = compiled_spec(session, rt, instance)
    workflow = load_workflow(session, rt, instance, compiled)
    failed = _tasks_named(workflow, incident.element_id)
    for task in failed:
        task.data.update(data or {})
        if task.state == TaskState.ERROR:
            task._set_state(TaskState.READY)  # run the failed script again, not the whole branch
        elif task.state == TaskState.WAITING and task.parent is not None:
            # A timer whose expression failed still waits, with no due time. Each time it is
            # looked at again it merges its parent's data over its own: correct both.
            task.parent.data.update(data or {})
    incident.resolved_at, incident.resolved_by = rt.clock.now(), actor
    audit.record(session, rt, kind="incident_retried", actor=actor, instance_id=instance.id,
                 process_id=instance.process_id, element_id=incident.element_id,
                 data={"incident_id": incident.id, "data": data or {},
                       "tasks": [t.task_spec.bpmn_id for t in failed]})
    advance(session, rt, instance, workflow, actor=actor, compiled=compiled)
    return instance


def _tasks_named(workflow: BpmnWorkflow, element_id: str | None) -> list[Task]:
    """The tasks an incident stopped at: those of its element still open, else any that failed.

    A failed script leaves its task in ERROR, but a failed timer expression
    leaves its timer WAITING; either way the task is the incident's element.
    """
    named = [task for task in workflow.get_tasks(state=LIVE | TaskState.ERROR)
             if element_id is not None and task.task_spec.bpmn_id == element_id]
    return named or workflow.get_tasks(state=TaskState.ERROR)
