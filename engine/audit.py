"""The append-only audit log: every change says who, when and what."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.models import AuditEvent
from engine.runtime import Runtime


def record(session: Session, rt: Runtime, *, kind: str, actor: str | None,
           instance_id: int | None = None, process_id: str | None = None,
           element_id: str | None = None, task_id: str | None = None,
           data: dict[str, Any] | None = None) -> AuditEvent:
    """Add one audit event to the unit of work (flushed with the change it records)."""
    event = AuditEvent(at=rt.clock.now(), actor=actor, kind=kind, instance_id=instance_id,
                       process_id=process_id, element_id=element_id, task_id=task_id,
                       data=data or {})
    session.add(event)
    return event
