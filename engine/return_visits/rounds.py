"""A month's round of return visits: open it, measure its coverage, extend it, close it.

The round counts the month's completed work orders, draws the sample (see
``sample``) and starts one ``return_visit`` instance per sampled order, in the
round's own transaction: the round and its visits exist together or not at all.
Visits are instances of their own rather than children of the round's, so a
completion costs the same with 3 visits open or 300. Coverage is read from the
visits' rows, never from process data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.return_visits.models import ReturnVisit, ReturnVisitRound
from engine.return_visits.orders import Month, completed_orders, visitors
from engine.return_visits.sample import DEFAULT_PERCENT, MIN_PERCENT, draw_sample
from engine.workflow.instances import start_instance
from engine.workflow.messages import deliver_message
from engine.workflow.runtime import Runtime

__all__ = ["DEADLINE_DAY", "DEADLINE_HOUR", "ROUND_PROCESS", "VISIT_PROCESS", "Coverage",
           "RoundOpen", "close_round", "coverage_of", "current_round", "extend_round", "open_round",
           "record_shortfall", "report_of", "round_of_month", "start_round"]

ROUND_PROCESS = "return_visits"
VISIT_PROCESS = "return_visit"
# The messages between the round and its visits (the names in the two diagrams).
VISITS_DONE_MESSAGE = "return_visits_done"
ROUND_CLOSED_MESSAGE = "return_visit_round_closed"
# The visits are due by the 20th of the month the round runs in, at the end of the office day.
DEADLINE_DAY = 20
DEADLINE_HOUR = 18
LAST_DEADLINE_DAY = 28  # every month has it


class RoundOpen(Conflict):
    """The month has its round already: a month is revisited once."""

    code = "return_visit_round_open"


@dataclass(frozen=True)
class Coverage:
    """Visited orders over completed ones, overall and by department; None: no orders."""

    completed: int
    sampled: int
    visited: int
    unreachable: int
    open: int
    share: Fraction | None
    target: Fraction
    by_department: dict[str, tuple[int, int, int]]  # department -> (completed, sampled, visited)

    @property
    def below_target(self) -> bool:
        return self.share is not None and self.share * 100 < self.target

    def as_json(self) -> dict[str, object]:
        return {"completed_orders": self.completed, "sampled": self.sampled,
                "visited": self.visited, "unreachable": self.unreachable, "open": self.open,
                "coverage": None if self.share is None else round(float(self.share), 4),
                "below_target": self.below_target}


def round_of_month(session: Session, month: Month) -> ReturnVisitRound | None:
    return session.scalars(select(ReturnVisitRound)
                           .where(ReturnVisitRound.month == str(month))).first()


def _check_month(rt: Runtime, month: Month) -> None:
    """A round revisits a month that is over: this month's orders are still being done."""
    if month >= Month.of(rt.clock.now(), rt.office_zone):
        raise FormInvalid([FieldError(("month",), f"{month} is not over yet; a round revisits "
                                      "a month that has ended", code="return_visits.month_open",
                                      params={"month": str(month)})])


def start_round(session: Session, rt: Runtime, *, month: Month, actor: str | None,
                percent: Decimal | int | str = DEFAULT_PERCENT,
                deadline_day: int = DEADLINE_DAY) -> ReturnVisitRound:
    """Start the round of ``month`` by hand (a supervisor, the CLI, the API)."""
    _check_month(rt, month)
    _check_percent(percent)
    if round_of_month(session, month) is not None:
        raise RoundOpen(f"the return visits of {month} were opened already",
                        message_code="return_visits.round_open", params={"month": str(month)})
    instance = start_instance(session, rt, process_id=ROUND_PROCESS, actor=actor,
                              business_key=f"RV-{month}", start_event="started_by_hand",
                              data={"month": str(month), "percent": str(percent),
                                    "deadline_day": deadline_day})
    row = round_of_month(session, month)
    if row is None or row.instance_id != instance.id:
        # The diagram did not open the round (an incident at its first step): say so.
        raise NotFound(f"the round of {month} did not open; see the process's incident",
                       message_code="return_visits.not_opened", params={"month": str(month)})
    return row


def _check_percent(percent: Decimal | int | str) -> Fraction:
    try:
        share = Fraction(str(percent))
    except (ValueError, ZeroDivisionError):
        share = Fraction(-1)
    if not MIN_PERCENT <= share <= 100:
        raise FormInvalid([FieldError(("percent",), f"the sample is between {MIN_PERCENT} % "
                                      "and 100 % of the orders (procedure rule 3)",
                                      code="return_visits.percent",
                                      params={"least": MIN_PERCENT})])
    return share


def open_round(session: Session, rt: Runtime, *, month: Month, instance_id: int,
               actor: str | None, percent: Decimal | int | str = DEFAULT_PERCENT,
               deadline_day: int = DEADLINE_DAY, seed: int | None = None
               ) -> ReturnVisitRound | None:
    """Count the month's orders, draw the sample and start a visit per sampled order.

    The visits are due by ``deadline_day`` of the next month (the diagram's setting).

    None when the month has its round already (the schedule fired after a
    supervisor opened the month by hand): the scheduled instance then ends.
    """
    share = _check_percent(percent)
    if not 1 <= deadline_day <= LAST_DEADLINE_DAY:
        raise FormInvalid([FieldError(("deadline_day",), f"the deadline is a day between 1 and "
                                      f"{LAST_DEADLINE_DAY} of the month",
                                      code="return_visits.deadline_day",
                                      params={"last": LAST_DEADLINE_DAY})])
    if round_of_month(session, month) is not None:
        return None
    orders = completed_orders(session, month, rt.office_zone)
    seed = secrets.randbits(48) if seed is None else seed
    sample = draw_sample(orders, visitors(session), seed=seed, percent=share)
    now = rt.clock.now()
    row = ReturnVisitRound(month=str(month), instance_id=instance_id,
                           percent=Decimal(share.numerator) / Decimal(share.denominator),
                           seed=seed, completed_orders=len(orders), sampled=len(sample.sampled),
                           deadline=month.next.day(deadline_day, rt.office_zone, DEADLINE_HOUR),
                           opened_at=now, opened_by=actor)
    by_department: dict[str, int] = {}
    for order in orders:
        by_department[order.department] = by_department.get(order.department, 0) + 1
    # Counted once: the month is over, and the page lists the orders the sample left out.
    row.report = {"completed_by_department": by_department,
                  "completed_order_ids": [order.order_id for order in orders]}
    session.add(row)
    session.flush()
    for drawn in sample.sampled:
        order = drawn.order
        visit = ReturnVisit(round_id=row.id, work_order_id=order.order_id,
                            department=order.department, handled_by=order.handled_by,
                            from_complaint=order.from_complaint, visitor=drawn.visitor)
        session.add(visit)
        session.flush()
        # Only the ids: the visit looks up the order when it opens.
        visit.instance_id = start_instance(
            session, rt, process_id=VISIT_PROCESS, actor=actor,
            business_key=f"RV-{month}-{order.order_id}",
            data={"return_visit_id": visit.id, "round_id": row.id}).id
    audit.record(session, rt, kind="return_visit_round_opened", actor=actor,
                 instance_id=instance_id, process_id=ROUND_PROCESS,
                 data={"round_id": row.id, "month": str(month), "completed": len(orders),
                       "sampled": len(sample.sampled), "seed": seed})
    return row


def coverage_of(session: Session, row: ReturnVisitRound) -> Coverage:
    """The round's figures as its visits stand now."""
    counts = session.execute(select(ReturnVisit.department, ReturnVisit.state, func.count())
                             .where(ReturnVisit.round_id == row.id)
                             .group_by(ReturnVisit.department, ReturnVisit.state)).all()
    completed = _completed_by_department(session, row)
    by_department: dict[str, list[int]] = {d: [n, 0, 0] for d, n in completed.items()}
    visited = unreachable = still_open = 0
    for department, state, count in counts:
        figures = by_department.setdefault(department, [0, 0, 0])
        figures[1] += count
        if state == "visited":
            figures[2] += count
            visited += count
        elif state == "unreachable":
            unreachable += count
        elif state == "open":
            still_open += count
    total = row.completed_orders
    return Coverage(completed=total, sampled=row.sampled, visited=visited,
                    unreachable=unreachable, open=still_open,
                    share=Fraction(visited, total) if total else None,
                    target=Fraction(str(row.percent)),
                    by_department={d: (f[0], f[1], f[2]) for d, f in sorted(by_department.items())})


def _completed_by_department(session: Session, row: ReturnVisitRound) -> dict[str, int]:
    """The month's orders by department, as counted when the round opened."""
    counted = row.report.get("completed_by_department", {}) if row.report else {}
    return {str(k): int(v) for k, v in counted.items()}


def current_round(session: Session, round_id: int) -> ReturnVisitRound:
    row = session.get(ReturnVisitRound, round_id)
    if row is None:
        raise NotFound(f"there is no return-visit round {round_id}",
                       message_code="return_visits.unknown_round", params={"id": round_id})
    return row


def extend_round(session: Session, rt: Runtime, *, round_id: int, until: datetime,
                 actor: str | None) -> ReturnVisitRound:
    """Give the open visits until ``until``; recorded with who and when."""
    row = current_round(session, round_id)
    now = rt.clock.now()
    if until <= now:
        raise FormInvalid([FieldError(("extend_until",), "the new deadline must be later than "
                                      "now", code="return_visits.deadline_past")])
    row.extensions = [*row.extensions, {"from": row.deadline.isoformat(),
                                        "to": until.isoformat(), "by": actor,
                                        "at": now.isoformat()}]
    row.deadline = until
    audit.record(session, rt, kind="return_visit_round_extended", actor=actor,
                 instance_id=row.instance_id, process_id=ROUND_PROCESS,
                 data={"round_id": row.id, "until": until.isoformat()})
    return row


def record_shortfall(session: Session, rt: Runtime, *, round_id: int, reason: str,
                     actor: str | None) -> ReturnVisitRound:
    """The supervisor's reason for closing the round below its target, kept with its report."""
    row = current_round(session, round_id)
    if not (reason or "").strip():
        raise FormInvalid([FieldError(("shortfall_reason",), "say why the round fell short",
                                      code="return_visits.reason_needed")])
    row.shortfall_reason, row.shortfall_by = reason.strip(), actor
    audit.record(session, rt, kind="return_visit_shortfall_recorded", actor=actor,
                 instance_id=row.instance_id, process_id=ROUND_PROCESS,
                 data={"round_id": row.id, "reason": row.shortfall_reason})
    return row


def close_round(session: Session, rt: Runtime, *, round_id: int,
                actor: str | None) -> ReturnVisitRound:
    """Close the round: visits not made are marked so, the month's report is archived."""
    row = current_round(session, round_id)
    now = rt.clock.now()
    for visit in session.scalars(select(ReturnVisit).where(ReturnVisit.round_id == row.id,
                                                           ReturnVisit.state == "open")):
        visit.state = "not_visited"
        session.flush()
        if visit.instance_id is not None:
            # The visit's task goes from the inbox; the visit ends as "not visited".
            deliver_message(session, rt, instance_id=visit.instance_id,
                            name=ROUND_CLOSED_MESSAGE, actor=actor)
    row.state, row.closed_at = "closed", now
    row.report = {**row.report, **report_of(session, row)}
    audit.record(session, rt, kind="return_visit_round_closed", actor=actor,
                 instance_id=row.instance_id, process_id=ROUND_PROCESS,
                 data={"round_id": row.id, "coverage": row.report.get("coverage")})
    return row


def report_of(session: Session, row: ReturnVisitRound) -> dict[str, object]:
    """The month's written record: orders, sample, visits, coverage, satisfaction, reopenings."""
    figures = coverage_of(session, row)
    visits = list(session.scalars(select(ReturnVisit).where(ReturnVisit.round_id == row.id)
                                  .order_by(ReturnVisit.id)))
    satisfaction: dict[str, dict[str, int]] = {}
    for visit in visits:
        if visit.satisfaction:
            counts = satisfaction.setdefault(visit.department, {})
            counts[visit.satisfaction] = counts.get(visit.satisfaction, 0) + 1
    return {
        "month": row.month, **figures.as_json(),
        "not_visited": sum(1 for v in visits if v.state == "not_visited"),
        "target_percent": str(row.percent),
        "by_department": [
            {"department": department, "completed_orders": completed, "sampled": sampled,
             "visited": visited,
             "coverage": round(visited / completed, 4) if completed else None,
             "satisfaction": satisfaction.get(department, {})}
            for department, (completed, sampled, visited) in figures.by_department.items()],
        "reopened_cases": [v.reopened_case_id for v in visits if v.reopened_case_id],
        "shortfall_reason": row.shortfall_reason, "extensions": row.extensions,
    }
