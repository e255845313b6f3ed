"""What happened to an instance, as plain values for the task, case and instance pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened: a written record of a feature's or an audit event."""

    at: datetime
    actor: str | None
    kind: str
    source: Literal["record", "event"]
    step: str
    process_id: str | None
    element_id: str | None
    data: dict[str, Any]


def audit_timeline(session: Session, *, instance_id: int | None,
                   also: ColumnElement[bool] | None = None) -> list[HistoryEntry]:
    """Every audit event of the instance, and those ``also`` selects, oldest first."""
    conditions = [] if also is None else [also]
    if instance_id is not None:
        conditions.append(AuditEvent.instance_id == instance_id)
    if not conditions:
        return []
    events = session.scalars(select(AuditEvent).where(or_(*conditions))
                             .order_by(AuditEvent.at, AuditEvent.id))
    return [HistoryEntry(at=e.at, actor=e.actor, kind=e.kind, source="event",
                         step=str(e.data.get("title") or e.kind), process_id=e.process_id,
                         element_id=e.element_id, data=dict(e.data)) for e in events]
