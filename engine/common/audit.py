"""The append-only audit log: every change says who, when and what."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.common.clock import Clock
from engine.common.db import Base, BigId
from engine.common.errors import LiaisonError


class HasClock(Protocol):
    """Whatever carries the clock: the workflow runtime, or a test's stand-in."""

    @property
    def clock(self) -> Clock: ...


class AuditEvent(Base):
    """Who did what, when, with what data: written once, never changed."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str | None] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(50), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    process_id: Mapped[str | None] = mapped_column(String(200))
    element_id: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper: Any, _connection: Any, audit_event: AuditEvent) -> None:
    # The database refuses it too (migration 0005); this says so before any SQL is sent.
    raise LiaisonError(f"audit event {audit_event.id} is never changed or deleted; "
                       "record a new event instead")


def record(session: Session, rt: HasClock, *, kind: str, actor: str | None,
           instance_id: int | None = None, process_id: str | None = None,
           element_id: str | None = None, task_id: str | None = None,
           data: dict[str, Any] | None = None, at: datetime | None = None) -> AuditEvent:
    """Add one audit event to the unit of work (flushed with the change it records).

    ``at`` is for an event that records a moment already written elsewhere (a task's
    completion is also a case record): one instant keeps the two recognisably the same.
    """
    entry = AuditEvent(at=at or rt.clock.now(), actor=actor, kind=kind, instance_id=instance_id,
                       process_id=process_id, element_id=element_id, task_id=task_id,
                       data=data or {})
    session.add(entry)
    return entry
