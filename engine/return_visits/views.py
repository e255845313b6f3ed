"""Read models of the return visits: the months with their coverage, one month in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case, WorkOrder
from engine.common.errors import NotFound
from engine.directory.models import User
from engine.return_visits.models import ReturnVisit, ReturnVisitRound
from engine.return_visits.orders import Month
from engine.return_visits.rounds import Coverage, coverage_of, round_of_month

__all__ = ["DepartmentFigures", "MonthView", "OrderLine", "RoundLine", "VisitLine",
           "month_view", "rounds_overview"]


@dataclass(frozen=True)
class RoundLine:
    """A month on the list: its round's state and coverage."""

    month: str
    state: str
    completed_orders: int
    sampled: int
    visited: int
    coverage: Fraction | None
    target: Fraction
    deadline: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class DepartmentFigures:
    department: str
    completed_orders: int
    sampled: int
    visited: int
    coverage: Fraction | None
    satisfaction: dict[str, int]


@dataclass(frozen=True)
class VisitLine:
    """One sampled order and how its visit went."""

    order_number: str
    department: str
    unit: str
    case_number: str
    from_complaint: bool
    handled_by: str
    visitor: str
    state: str
    method: str | None
    attempts: int
    satisfaction: str | None
    remarks: str
    recorded_at: datetime | None
    reopened_case: str | None


@dataclass(frozen=True)
class OrderLine:
    """A completed order the sample left out."""

    order_number: str
    department: str
    completed_at: datetime | None


@dataclass(frozen=True)
class MonthView:
    month: str
    state: str
    opened_at: datetime
    opened_by: str
    deadline: datetime
    closed_at: datetime | None
    percent: Fraction
    figures: Coverage
    by_department: list[DepartmentFigures]
    visits: list[VisitLine]
    left_out: list[OrderLine]
    reopened: list[str]
    shortfall_reason: str | None
    shortfall_by: str
    extended_to: list[datetime]  # each new deadline a supervisor gave

    @property
    def satisfaction(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for visit in self.visits:
            if visit.satisfaction:
                counts[visit.satisfaction] = counts.get(visit.satisfaction, 0) + 1
        return counts


def rounds_overview(session: Session) -> list[RoundLine]:
    """Every month with a round, newest first."""
    lines = []
    for row in session.scalars(select(ReturnVisitRound).order_by(ReturnVisitRound.month.desc())):
        figures = coverage_of(session, row)
        lines.append(RoundLine(month=row.month, state=row.state,
                               completed_orders=row.completed_orders, sampled=row.sampled,
                               visited=figures.visited, coverage=figures.share,
                               target=figures.target, deadline=row.deadline,
                               closed_at=row.closed_at))
    return lines


def month_view(session: Session, month: Month) -> MonthView:
    """The month's round in full: figures by department, each visit, the orders left out."""
    row = round_of_month(session, month)
    if row is None:
        raise NotFound(f"the return visits of {month} have not been opened",
                       message_code="return_visits.no_round", params={"month": str(month)})
    figures = coverage_of(session, row)
    names = dict(session.execute(select(User.username, User.display_name)).all())
    visits = list(session.scalars(select(ReturnVisit).where(ReturnVisit.round_id == row.id)
                                  .order_by(ReturnVisit.id)))
    cases = _cases(session, {c for v in visits for c in (v.work_order.case_id,
                                                            v.reopened_case_id) if c})
    lines = []
    for visit in visits:
        order = visit.work_order
        case = cases.get(order.case_id) if order.case_id else None
        reopened = cases.get(visit.reopened_case_id) if visit.reopened_case_id else None
        lines.append(VisitLine(
            order_number=order.number, department=visit.department,
            unit=case.unit.label if case is not None and case.unit is not None else "",
            case_number=case.number if case is not None else "",
            from_complaint=visit.from_complaint,
            handled_by=names.get(visit.handled_by or "", visit.handled_by or ""),
            visitor=names.get(visit.visitor or "", visit.visitor or ""), state=visit.state,
            method=visit.method, attempts=len(visit.attempts), satisfaction=visit.satisfaction,
            remarks=visit.remarks, recorded_at=visit.recorded_at,
            reopened_case=reopened.number if reopened is not None else None))
    satisfaction: dict[str, dict[str, int]] = {}
    for visit in visits:
        if visit.satisfaction:
            counts = satisfaction.setdefault(visit.department, {})
            counts[visit.satisfaction] = counts.get(visit.satisfaction, 0) + 1
    sampled_ids = {v.work_order_id for v in visits}
    return MonthView(
        month=row.month, state=row.state, opened_at=row.opened_at,
        opened_by=names.get(row.opened_by or "", row.opened_by or ""), deadline=row.deadline,
        closed_at=row.closed_at, percent=Fraction(str(row.percent)), figures=figures,
        by_department=[DepartmentFigures(d, c, s, v, Fraction(v, c) if c else None,
                                         satisfaction.get(d, {}))
                       for d, (c, s, v) in figures.by_department.items()],
        visits=lines, left_out=_left_out(session, row, sampled_ids),
        reopened=[line.reopened_case for line in lines if line.reopened_case],
        shortfall_reason=row.shortfall_reason,
        shortfall_by=names.get(row.shortfall_by or "", row.shortfall_by or ""),
        extended_to=[datetime.fromisoformat(e["to"]) for e in row.extensions])


def _cases(session: Session, ids: set[int]) -> dict[int, Case]:
    if not ids:
        return {}
    return {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(ids)))}


def _left_out(session: Session, row: ReturnVisitRound, sampled: set[int]) -> list[OrderLine]:
    ids = row.report.get("completed_order_ids", []) if row.report else []
    if not ids:
        return []
    orders = session.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids))
                             .order_by(WorkOrder.id))
    return [OrderLine(o.number, o.department, o.completed_at)
            for o in orders if o.id not in sampled]
