"""Service tasks and completion checks of processes/community_activity.bpmn.

Each runs inside the engine operation that reached it (``unit_of_work``) and
returns plain JSON for the process data; who completed the task that led here
is the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.activities.activities import (
    announce_activity,
    approve_activity,
    archive_activity,
    open_activity,
    plan_activity,
    record_held,
    return_activity,
)
from engine.activities.models import CommunityActivity
from engine.common.errors import FieldError
from engine.workflow.unit_of_work import current

__all__ = ["ACTIVITY_CHECKS", "ACTIVITY_SERVICES", "PROCESS"]

PROCESS = "community_activity"


def _summary(row: CommunityActivity) -> dict[str, Any]:
    """The plan as the supervisor reads it on the review form."""
    budget = "\n".join(f"{line['item']}: {line['amount']}" for line in row.budget)
    return {"id": row.id, "title": row.title, "festival": row.festival or "none",
            "starts_at": row.starts_at.isoformat() if row.starts_at else None,
            "place": row.place, "content": row.content, "target_group": row.target_group,
            "capacity": row.capacity, "budget": budget,
            "budget_total": str(row.budget_total), "state": row.state}


def open_community_activity(festival: str | None) -> dict[str, Any]:
    work = current()
    row = open_activity(work.session, work.rt, instance_id=work.instance.id,
                        festival=festival, actor=work.actor)
    return {"id": row.id, "festival": row.festival or "none"}


def save_activity_plan(activity_id: int, plan: dict[str, Any],
                       budget: list[dict[str, Any]]) -> dict[str, Any]:
    work = current()
    return _summary(plan_activity(work.session, activity_id=activity_id, plan=plan,
                                  budget=budget))


def approve_activity_plan(activity_id: int) -> dict[str, Any]:
    work = current()
    row = approve_activity(work.session, work.rt, activity_id=activity_id, actor=work.actor)
    return {"approved_by": row.approved_by}


def return_activity_plan(activity_id: int, note: str) -> dict[str, Any]:
    work = current()
    row = return_activity(work.session, activity_id=activity_id, note=note or "")
    return {"note": row.return_note}


def announce_community_activity(activity_id: int, sign_ups_close_at: str) -> dict[str, Any]:
    work = current()
    row = announce_activity(work.session, work.rt, activity_id=activity_id,
                            sign_ups_close_at=sign_ups_close_at)
    return {"state": row.state}


def record_activity_held(activity_id: int, attendance: int,
                         actual_spending: str) -> dict[str, Any]:
    work = current()
    row = record_held(work.session, work.rt, activity_id=activity_id,
                      attendance=int(attendance), actual_spending=actual_spending,
                      actor=work.actor)
    return {"attendance": row.attendance, "actual_spending": str(row.actual_spending),
            "budget_total": str(row.budget_total)}


def archive_community_activity(activity_id: int, went_well: str,
                               to_change: str) -> dict[str, Any]:
    work = current()
    row = archive_activity(work.session, work.rt, activity_id=activity_id,
                           went_well=went_well or "", to_change=to_change or "",
                           actor=work.actor)
    return {"state": row.state}


def review_problems(session: Session, data: Mapping[str, Any],
                    submitted: Mapping[str, Any]) -> list[FieldError]:
    """A plan sent back says what to change."""
    if submitted.get("decision") == "return" and not str(submitted.get("review_note")
                                                         or "").strip():
        return [FieldError(("review_note",), "say what to change in the plan",
                           code="activities.note_needed")]
    return []


def announce_problems(session: Session, data: Mapping[str, Any],
                      submitted: Mapping[str, Any]) -> list[FieldError]:
    """Sign-ups close no later than the activity starts."""
    closes = _moment(submitted.get("sign_ups_close_at"))
    plan = data.get("plan")
    starts = _moment(plan.get("starts_at")) if isinstance(plan, Mapping) else None
    if closes is None:
        return []  # the form's own "required" says so
    if starts is not None and closes > starts:
        return [FieldError(("sign_ups_close_at",), "sign-ups close before the activity starts",
                           code="activities.close_after_start", params={"starts_at": starts})]
    return []


def _moment(value: object) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


ACTIVITY_SERVICES: dict[str, Callable[..., Any]] = {
    "open_community_activity": open_community_activity,
    "save_activity_plan": save_activity_plan,
    "approve_activity_plan": approve_activity_plan,
    "return_activity_plan": return_activity_plan,
    "announce_community_activity": announce_community_activity,
    "record_activity_held": record_activity_held,
    "archive_community_activity": archive_community_activity,
}

ACTIVITY_CHECKS = {(PROCESS, "review_plan"): review_problems,
                   (PROCESS, "announce"): announce_problems}
