"""What a case is and what was written about it, as plain values for the task and case pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from engine.cases.models import Case, CaseRecord
from engine.common.audit import AuditEvent
from engine.workflow.history import HistoryEntry, audit_timeline

# Audit events about a case that carry no instance: corrections come after it ended.
CASE_EVENTS = ("archive_corrected",)


@dataclass(frozen=True)
class CaseSummary:
    id: int
    number: str
    type: str
    channel: str
    category: str
    urgency: str
    unit_label: str
    complainant_name: str
    complainant_phone: str
    complainant_email: str
    reply_channel: str | None  # how the owner asked to be answered; None: as the case came
    description: str
    received_at: datetime
    status: str
    estate_id: int | None
    instance_id: int | None
    tracking_code: str
    registered_by: str | None
    first_reply_at: datetime | None
    replied_by_channel: str | None
    closed_at: datetime | None

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        unit = case.unit
        return cls(id=case.id, number=case.number, type=case.type, channel=case.channel,
                   category=case.category, urgency=case.urgency,
                   unit_label=unit.label if unit else "",
                   complainant_name=case.complainant_name,
                   complainant_phone=case.complainant_phone,
                   complainant_email=case.complainant_email, reply_channel=case.reply_channel,
                   description=case.description,
                   received_at=case.received_at, status=case.status, estate_id=case.estate_id,
                   instance_id=case.instance_id, tracking_code=case.tracking_code,
                   registered_by=case.registered_by, first_reply_at=case.first_reply_at,
                   replied_by_channel=case.replied_by_channel, closed_at=case.closed_at)


def case_events(case_id: int) -> ColumnElement[bool]:
    """The audit events about a case that carry no instance."""
    return and_(AuditEvent.kind.in_(CASE_EVENTS),
                AuditEvent.data["case_id"].as_integer() == case_id)


def case_records(session: Session, case_id: int) -> list[HistoryEntry]:
    """The written records of a case, oldest first."""
    records = session.scalars(select(CaseRecord).where(CaseRecord.case_id == case_id)
                              .order_by(CaseRecord.at, CaseRecord.id))
    return [HistoryEntry(at=r.at, actor=r.actor, kind=r.kind, source="record", step=r.step,
                         process_id=None, element_id=r.data.get("element_id"),
                         data=dict(r.data)) for r in records]


def case_history(session: Session, *, case_id: int | None,
                 instance_id: int | None) -> list[HistoryEntry]:
    """Case records and audit events merged, newest last; a completion shows once."""
    records = case_records(session, case_id) if case_id is not None else []
    written = {(r.element_id, r.at) for r in records if r.kind == "task"}
    also = case_events(case_id) if case_id is not None else None
    events = [e for e in audit_timeline(session, instance_id=instance_id, also=also)
              if not (e.kind == "task_completed" and (e.element_id, e.at) in written)]
    # Records first on a tie: the step is written in the same instant its event is.
    return sorted([*records, *events], key=lambda h: (h.at, h.source != "record"))
