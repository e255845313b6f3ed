"""An activity from plan to archive, one step per task of processes/community_activity.bpmn.

Each step checks the activity is where the diagram says it is, so a step run
twice (an incident retried) or out of order is refused rather than recorded twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from engine.activities.festivals import BY_CODE
from engine.activities.models import TARGET_GROUPS, CommunityActivity
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.workflow.runtime import Runtime

__all__ = ["ActivityNotThere", "announce_activity", "approve_activity", "archive_activity",
           "get_activity", "open_activity", "plan_activity", "record_held", "return_activity"]

# At most this many budget lines on a plan (the form's fixed rows).
BUDGET_LINES = 5


class ActivityNotThere(Conflict):
    """The activity is not at the step asked of it (planned twice, held before announced)."""


def get_activity(session: Session, activity_id: int) -> CommunityActivity:
    row = session.get(CommunityActivity, activity_id)
    if row is None:
        raise NotFound(f"there is no community activity {activity_id}",
                       message_code="activities.unknown", params={"id": activity_id})
    return row


def _at(row: CommunityActivity, *states: str) -> None:
    if row.state not in states:
        raise ActivityNotThere(f"the activity is {row.state}, not {' or '.join(states)}",
                               message_code="activities.wrong_state",
                               params={"state": row.state})


def open_activity(session: Session, rt: Runtime, *, instance_id: int, festival: str | None,
                  actor: str | None) -> CommunityActivity:
    """The activity's row, at its planning step; ``festival`` a code or None."""
    row = CommunityActivity(instance_id=instance_id, festival=_festival(festival),
                            created_at=rt.clock.now(),
                            created_by=actor)
    session.add(row)
    session.flush()
    return row


def budget_lines(lines: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, str]], Decimal]:
    """The lines with an item, their amounts as decimal strings, and their total."""
    kept: list[dict[str, str]] = []
    total = Decimal(0)
    for index, line in enumerate(lines[:BUDGET_LINES], start=1):
        item = str(line.get("item") or "").strip()
        if not item:
            continue
        try:
            amount = Decimal(str(line.get("amount") or 0)).quantize(Decimal("0.01"))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0:
            raise FormInvalid([FieldError((f"budget_{index}_amount",), "an amount of 0 or more",
                                          code="activities.amount")])
        kept.append({"item": item, "amount": str(amount)})
        total += amount
    return kept, total


def plan_activity(session: Session, *, activity_id: int, plan: Mapping[str, Any],
                  budget: Sequence[Mapping[str, Any]]) -> CommunityActivity:
    """Record the plan and put it before the supervisor."""
    row = get_activity(session, activity_id)
    _at(row, "planning", "returned")
    festival = _festival(plan.get("festival"))
    group = plan.get("target_group") or "everyone"
    if group not in TARGET_GROUPS:
        raise FormInvalid([FieldError(("target_group",), "choose whom the activity is for",
                                      code="activities.target_group")])
    row.festival = festival
    row.title = str(plan.get("title") or "").strip()
    row.starts_at = _moment(plan.get("starts_at"), "starts_at")
    row.place = str(plan.get("place") or "").strip()
    row.content = str(plan.get("content") or "").strip()
    row.target_group = group
    row.capacity = int(plan["capacity"]) if plan.get("capacity") is not None else None
    row.budget, row.budget_total = budget_lines(budget)
    row.state = "submitted"
    return row


def approve_activity(session: Session, rt: Runtime, *, activity_id: int,
                     actor: str | None) -> CommunityActivity:
    row = get_activity(session, activity_id)
    _at(row, "submitted")
    row.state, row.approved_by, row.approved_at = "approved", actor, rt.clock.now()
    row.return_note = ""
    return row


def return_activity(session: Session, *, activity_id: int, note: str) -> CommunityActivity:
    row = get_activity(session, activity_id)
    _at(row, "submitted")
    row.state, row.return_note = "returned", note.strip()
    return row


def announce_activity(session: Session, rt: Runtime, *, activity_id: int,
                      sign_ups_close_at: object) -> CommunityActivity:
    """On the notice boards: sign-ups open until ``sign_ups_close_at``."""
    row = get_activity(session, activity_id)
    _at(row, "approved")
    row.sign_ups_close_at = _moment(sign_ups_close_at, "sign_ups_close_at")
    row.state, row.announced_at = "announced", rt.clock.now()
    return row


def record_held(session: Session, rt: Runtime, *, activity_id: int, attendance: int,
                actual_spending: object, actor: str | None) -> CommunityActivity:
    """Who came (a head count) and what was spent, against the budget."""
    row = get_activity(session, activity_id)
    _at(row, "announced")
    try:
        spent = Decimal(str(actual_spending)).quantize(Decimal("0.01"))
    except InvalidOperation:
        spent = Decimal(-1)
    if attendance < 0 or not spent.is_finite() or spent < 0:
        raise FormInvalid([FieldError(("actual_spending",), "a head count and an amount of 0 "
                                      "or more", code="activities.held_figures")])
    row.attendance, row.actual_spending, row.held_recorded_by = attendance, spent, actor
    row.state = "held"
    return row


def archive_activity(session: Session, rt: Runtime, *, activity_id: int, went_well: str,
                     to_change: str, actor: str | None) -> CommunityActivity:
    """The staff's write-up, kept with the activity: the written record of rule 7."""
    row = get_activity(session, activity_id)
    _at(row, "held")
    row.went_well, row.to_change = went_well.strip(), to_change.strip()
    row.written_by, row.archived_at, row.state = actor, rt.clock.now(), "archived"
    return row


def _festival(value: object) -> str | None:
    """A festival's code, or None for "none" (any other occasion)."""
    if value in (None, "", "none"):
        return None
    if value not in BY_CODE:
        raise FormInvalid([FieldError(("festival",), f"there is no festival {value!r}",
                                      code="activities.festival", params={"festival": value})])
    return str(value)


def _moment(value: object, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise FormInvalid([FieldError((field,), "a time with its zone",
                                      code="activities.time_zone")])
    return moment
