"""The case page, and the look-ups the registration page makes.

A case of another estate is reported as not found: staff of one estate do
not learn that another estate's case exists. Nor do department staff learn of
a case not dispatched to them, and they read its complainant masked
(``engine/cases/access.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from engine.cases.access import may_read_case, summary_for, timeline_for
from engine.cases.history import CaseSummary, case_events, case_records
from engine.cases.models import ArchiveEntry, Case, ReplyLetter, WorkOrder
from engine.cases.outcomes import OutcomeView, case_outcomes
from engine.common.errors import NotFound
from engine.common.privacy import mask_address, sees_personal_data
from engine.directory.models import Building, Unit
from engine.directory.ordering import unit_order
from engine.workflow.history import HistoryEntry, audit_timeline
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.progress import ProcessProgress, instance_progress
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.inbox import TaskSummary, summaries_of
from engine.workflow.viewer import Viewer


@dataclass(frozen=True)
class ArchiveView:
    id: int
    archived_at: datetime
    archived_by: str | None
    method: str
    result: str
    satisfied: bool | None
    correction_reason: str
    supersedes_id: int | None
    current: bool  # not superseded by a later correction


@dataclass(frozen=True)
class LetterView:
    id: int
    written_at: datetime
    written_by: str | None
    addressee: str
    address: str
    body: str


@dataclass(frozen=True)
class WorkOrderView:
    number: str
    department: str
    status: str
    dispatched_at: datetime
    completed_at: datetime | None
    handled_by: str | None
    method: str
    result: str


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    records: list[HistoryEntry]
    archive: list[ArchiveView]
    letters: list[LetterView]
    work_orders: list[WorkOrderView]
    outcomes: list[OutcomeView]          # what each escalation's superior decided, oldest first
    open_tasks: list[TaskSummary]
    process: ProcessProgress | None      # the case's own run (P1)
    called: list[ProcessProgress]        # each escalation (P2) it called, in order
    timeline: list[HistoryEntry]         # audit events, oldest first


@dataclass(frozen=True)
class OwnerView:
    name: str
    phone: str


@dataclass(frozen=True)
class UnitView:
    id: int
    label: str
    building: str
    number: str
    floor: int
    estate_id: int
    owners: list[OwnerView]


def case_view(session: Session, rt: Runtime, *, number: str, viewer: Viewer) -> CaseView:
    """Gather everything about one case the viewer's estate may see."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None or not viewer.sees_estate(case.estate_id) \
            or not may_read_case(session, case, viewer):
        raise NotFound(f"no case {number}")
    instance = session.get(ProcessInstance, case.instance_id) if case.instance_id else None
    process, called = (instance_progress(session, rt, instance) if instance is not None
                       else (None, []))
    now = rt.clock.now()
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                 .order_by(HumanTask.created_at))) if instance else []
    letters = _letters(session, case.id)
    if not sees_personal_data(viewer.roles):
        letters = [replace(x, address=mask_address(x.address)) for x in letters]
    return CaseView(
        case=summary_for(CaseSummary.of(case), viewer),
        records=timeline_for(case_records(session, case.id), viewer),
        archive=_archive(session, case.id), letters=letters,
        work_orders=_work_orders(session, case.id), outcomes=case_outcomes(session, case.id),
        open_tasks=summaries_of(session, tasks, now), process=process, called=called,
        timeline=timeline_for(audit_timeline(session, instance_id=case.instance_id,
                                             also=case_events(case.id)), viewer))


def find_cases(session: Session, *, viewer: Viewer, complainant_phone: str | None = None,
               unit_id: int | None = None, limit: int = 10) -> list[CaseSummary]:
    """The complainant's or the unit's earlier cases, newest first."""
    phone = (complainant_phone or "").strip()
    criteria = [*([Case.complainant_phone == phone] if phone else []),
                *([Case.unit_id == unit_id] if unit_id is not None else [])]
    if not criteria:
        return []
    cases = session.scalars(select(Case).where(or_(*criteria), _estate(viewer, Case.estate_id))
                            .order_by(Case.received_at.desc(), Case.id.desc())
                            .limit(min(max(1, limit), 50)))
    return [CaseSummary.of(case) for case in cases]


def search_units(session: Session, *, viewer: Viewer, building: str | None = None,
                 number_prefix: str | None = None, limit: int = 20) -> list[UnitView]:
    """Units of the viewer's estate by building code and the start of their number."""
    query = (select(Unit).join(Building).options(selectinload(Unit.owners))
             .where(_estate(viewer, Building.estate_id)))
    if building:
        query = query.where(Building.code == building)
    prefix = (number_prefix or "").strip()
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Unit.number.like(escaped + "%", escape="\\"))
    # Shorter numbers first keeps 101 before 1001 in SQL, so the limit cuts the right rows;
    # the page of rows is then put in full natural order.
    units = sorted(session.scalars(
        query.order_by(Building.code, func.length(Unit.number), Unit.number)
        .limit(min(max(1, limit), 100))), key=lambda u: (u.building.code, unit_order(u.number)))
    return [UnitView(id=u.id, label=u.label, building=u.building.code,
                     number=u.number, floor=u.floor, estate_id=u.building.estate_id,
                     owners=[OwnerView(o.name, o.phone) for o in u.owners]) for u in units]


def _estate(viewer: Viewer, column: Any) -> ColumnElement[bool]:
    if viewer.estate_id is None:
        return true()
    return or_(column == viewer.estate_id, column.is_(None))


def _archive(session: Session, case_id: int) -> list[ArchiveView]:
    entries = list(session.scalars(select(ArchiveEntry).where(ArchiveEntry.case_id == case_id)
                                   .order_by(ArchiveEntry.id)))
    superseded = {e.supersedes_id for e in entries if e.supersedes_id is not None}
    return [ArchiveView(id=e.id, archived_at=e.archived_at, archived_by=e.archived_by,
                        method=e.method, result=e.result, satisfied=e.satisfied,
                        correction_reason=e.correction_reason, supersedes_id=e.supersedes_id,
                        current=e.id not in superseded) for e in entries]


def _letters(session: Session, case_id: int) -> list[LetterView]:
    return [LetterView(id=x.id, written_at=x.written_at, written_by=x.written_by,
                       addressee=x.addressee, address=x.address, body=x.body)
            for x in session.scalars(select(ReplyLetter).where(ReplyLetter.case_id == case_id)
                                     .order_by(ReplyLetter.id))]


def _work_orders(session: Session, case_id: int) -> list[WorkOrderView]:
    return [WorkOrderView(number=w.number, department=w.department, status=w.status,
                          dispatched_at=w.dispatched_at, completed_at=w.completed_at,
                          handled_by=w.handled_by, method=w.method, result=w.result)
            for w in session.scalars(select(WorkOrder).where(WorkOrder.case_id == case_id)
                                     .order_by(WorkOrder.id))]
