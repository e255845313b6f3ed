"""Incidents: what stopped an instance, for a supervisor to see and retry."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Conflict, NotFound
from engine.instances import advance, load_workflow, lock_instance
from engine.models import Incident, ProcessInstance
from engine.runtime import Runtime


def open_incidents(session: Session, *, instance_id: int | None = None,
                   limit: int = 100) -> list[Incident]:
    """The unresolved incidents, oldest first."""
    query = select(Incident).where(Incident.resolved_at.is_(None))
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    return list(session.scalars(query.order_by(Incident.created_at, Incident.id).limit(limit)))


def retry_incident(session: Session, rt: Runtime, *, incident_id: int, actor: str | None,
                   data: dict[str, Any] | None = None) -> ProcessInstance:
    """Resolve the incident and run its instance on from where it stopped.

    ``data`` (e.g. a corrected value a script needed) is given to the task
    that failed before it runs again. A failure on the retry opens a new
    incident, so the history shows every attempt.
    """
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    instance = lock_instance(session, incident.instance_id)
    session.refresh(incident)
    if incident.resolved_at is not None:
        raise Conflict(f"this incident was already resolved by {incident.resolved_by or 'someone'}"
                       f" at {incident.resolved_at:%Y-%m-%d %H:%M} UTC",
                       process_id=instance.process_id, element_id=incident.element_id)
    workflow = load_workflow(session, rt, instance)
    failed = workflow.get_tasks(state=TaskState.ERROR)
    for task in failed:
        task.data.update(data or {})
        task._set_state(TaskState.READY)  # run the failed script again, not the whole branch
    incident.resolved_at, incident.resolved_by = rt.clock.now(), actor
    audit.record(session, rt, kind="incident_retried", actor=actor, instance_id=instance.id,
                 process_id=instance.process_id, element_id=incident.element_id,
                 data={"incident_id": incident.id, "data": data or {},
                       "tasks": [t.task_spec.bpmn_id for t in failed]})
    advance(session, rt, instance, workflow, actor=actor)
    return instance
