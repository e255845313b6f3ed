"""Service tasks and completion checks of the return visits (processes/return_visits.bpmn
and processes/return_visit.bpmn).

Each runs inside the engine operation that reached it (``unit_of_work``) and
returns plain JSON for the process data; who completed the task that led here
is the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import FieldError
from engine.return_visits.models import ReturnVisit
from engine.return_visits.orders import Month
from engine.return_visits.rounds import (
    close_round,
    coverage_of,
    current_round,
    extend_round,
    open_round,
    record_shortfall,
)
from engine.return_visits.visits import (
    look_up_visit,
    record_visit,
    reopen_for_visit,
    visit_problems,
)
from engine.workflow.unit_of_work import current

__all__ = ["RETURN_VISIT_CHECKS", "RETURN_VISIT_SERVICES"]


def open_return_visit_round(month: str, percent: str, deadline_day: int) -> dict[str, Any]:
    """Open the round of ``month`` (empty: the month before this one, for the schedule)."""
    work = current()
    visited = Month.parse(month) if month else Month.of(
        work.rt.clock.now(), work.rt.office_zone).previous
    row = open_round(work.session, work.rt, month=visited, instance_id=work.instance.id,
                     actor=work.actor, percent=percent, deadline_day=deadline_day)
    if row is None:
        return {"opened": False, "month": str(visited)}
    return {"opened": True, "id": row.id, "month": row.month,
            "completed_orders": row.completed_orders, "sampled": row.sampled,
            "deadline": row.deadline.isoformat()}


def measure_return_visit_coverage(round_id: int) -> dict[str, Any]:
    work = current()
    figures = coverage_of(work.session, current_round(work.session, round_id))
    share = figures.share
    return {**figures.as_json(),
            "coverage_percent": "-" if share is None else f"{float(share) * 100:.1f} %"}


def extend_return_visit_round(round_id: int, until: str) -> dict[str, Any]:
    work = current()
    row = extend_round(work.session, work.rt, round_id=round_id, until=_moment(until),
                       actor=work.actor)
    return {"opened": True, "id": row.id, "month": row.month,
            "completed_orders": row.completed_orders, "sampled": row.sampled,
            "deadline": row.deadline.isoformat()}


def record_return_visit_shortfall(round_id: int, reason: str) -> dict[str, Any]:
    work = current()
    row = record_shortfall(work.session, work.rt, round_id=round_id, reason=reason,
                           actor=work.actor)
    return {"reason": row.shortfall_reason, "by": row.shortfall_by}


def close_return_visit_round(round_id: int) -> dict[str, Any]:
    work = current()
    row = close_round(work.session, work.rt, round_id=round_id, actor=work.actor)
    return {"coverage": row.report.get("coverage"), "visited": row.report.get("visited"),
            "closed_at": row.closed_at.isoformat() if row.closed_at else None}


def look_up_return_visit(return_visit_id: int) -> dict[str, Any]:
    work = current()
    return look_up_visit(work.session, return_visit_id)


def record_return_visit(return_visit_id: int, method: str, attempts: list[dict[str, Any]],
                        satisfaction: str | None, remarks: str,
                        spoken_to: str) -> dict[str, Any]:
    work = current()
    visit = record_visit(work.session, work.rt, visit_id=return_visit_id, method=method,
                         attempts=attempts, satisfaction=satisfaction, remarks=remarks or "",
                         spoken_to=spoken_to or "", actor=work.actor)
    return {"state": visit.state, "reopen": visit.satisfaction == "dissatisfied"}


def reopen_for_return_visit(return_visit_id: int) -> dict[str, Any]:
    work = current()
    case = reopen_for_visit(work.session, work.rt, visit_id=return_visit_id, actor=work.actor)
    return {"id": case.id, "number": case.number}


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shortfall_problems(session: Session, data: Mapping[str, Any],
                       submitted: Mapping[str, Any]) -> list[FieldError]:
    """More time needs a later deadline and visits still open; closing short needs a reason."""
    decision = submitted.get("shortfall_decision")
    if decision == "close_below_target":
        if not str(submitted.get("shortfall_reason") or "").strip():
            return [FieldError(("shortfall_reason",), "say why the round fell short",
                               code="return_visits.reason_needed")]
        return []
    if decision != "extend":
        return []
    until = submitted.get("extend_until")
    if not until:
        return [FieldError(("extend_until",), "give the new deadline",
                           code="return_visits.deadline_needed")]
    round_info = data.get("round")
    round_id = round_info.get("id") if isinstance(round_info, dict) else None
    still_open = session.scalars(select(ReturnVisit.id).where(
        ReturnVisit.round_id == round_id, ReturnVisit.state == "open")).first()
    if still_open is None:
        return [FieldError(("shortfall_decision",), "every visit is finished, so more time "
                           "changes nothing: close the round and say why it fell short",
                           code="return_visits.nothing_open")]
    return []  # a deadline already past is refused when the round is extended


RETURN_VISIT_SERVICES: dict[str, Callable[..., Any]] = {
    "open_return_visit_round": open_return_visit_round,
    "measure_return_visit_coverage": measure_return_visit_coverage,
    "extend_return_visit_round": extend_return_visit_round,
    "record_return_visit_shortfall": record_return_visit_shortfall,
    "close_return_visit_round": close_return_visit_round,
    "look_up_return_visit": look_up_return_visit,
    "record_return_visit": record_return_visit,
    "reopen_for_return_visit": reopen_for_return_visit,
}

RETURN_VISIT_CHECKS = {("return_visits", "review_shortfall"): shortfall_problems,
                       ("return_visit", "record_visit"): visit_problems}
