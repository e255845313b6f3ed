"""What the activity pages and the REST resource read: read models, never rows or ISO strings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.activities.activities import get_activity
from engine.activities.models import ActivitySignUp, CommunityActivity

__all__ = ["ActivityLine", "ActivityView", "SignUpLine", "activities_overview",
           "activity_view"]


@dataclass(frozen=True)
class ActivityLine:
    id: int
    title: str
    festival: str | None
    festival_year: int | None
    starts_at: datetime | None
    place: str
    state: str
    capacity: int | None
    signed_up: int  # people, all sign-ups together


@dataclass(frozen=True)
class SignUpLine:
    name: str
    unit: str
    phone: str
    people: int
    taken_by: str | None
    signed_up_at: datetime


@dataclass(frozen=True)
class BudgetLine:
    item: str
    amount: Decimal


@dataclass(frozen=True)
class ActivityView:
    line: ActivityLine
    instance_id: int | None
    content: str
    target_group: str
    budget: list[BudgetLine]
    budget_total: Decimal
    return_note: str
    approved_by: str | None
    approved_at: datetime | None
    sign_ups_close_at: datetime | None
    announced_at: datetime | None
    attendance: int | None
    actual_spending: Decimal | None
    went_well: str
    to_change: str
    written_by: str | None
    archived_at: datetime | None
    created_at: datetime
    created_by: str | None
    sign_ups: list[SignUpLine]

    @property
    def places_left(self) -> int | None:
        capacity = self.line.capacity
        return None if capacity is None else max(capacity - self.line.signed_up, 0)


def _line(row: CommunityActivity, signed_up: int) -> ActivityLine:
    return ActivityLine(row.id, row.title, row.festival, row.festival_year, row.starts_at,
                        row.place, row.state, row.capacity, signed_up)


def _people(session: Session) -> dict[int, int]:
    rows = session.execute(select(ActivitySignUp.activity_id, func.sum(ActivitySignUp.people))
                           .group_by(ActivitySignUp.activity_id))
    return {activity_id: int(people) for activity_id, people in rows}


def activities_overview(session: Session, now: datetime
                        ) -> tuple[list[ActivityLine], list[ActivityLine]]:
    """The upcoming activities, soonest first, and the past ones, latest first.

    Past: archived, or held, or its time gone; an activity still being planned is upcoming.
    """
    people = _people(session)
    upcoming: list[ActivityLine] = []
    past: list[ActivityLine] = []
    for row in session.scalars(select(CommunityActivity).order_by(CommunityActivity.id)):
        line = _line(row, people.get(row.id, 0))
        gone = row.starts_at is not None and row.starts_at < now
        (past if row.state in ("held", "archived") or gone else upcoming).append(line)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    upcoming.sort(key=lambda line: (line.starts_at or far, line.id))
    past.sort(key=lambda line: (line.starts_at or far, line.id), reverse=True)
    return upcoming, past


def activity_view(session: Session, activity_id: int) -> ActivityView:
    """One activity in full; NotFound for an unknown id."""
    row = get_activity(session, activity_id)
    sign_ups = [SignUpLine(s.name, s.unit, s.phone, s.people, s.taken_by, s.signed_up_at)
                for s in row.sign_ups]
    return ActivityView(
        line=_line(row, sum(s.people for s in sign_ups)), instance_id=row.instance_id,
        content=row.content, target_group=row.target_group,
        budget=[BudgetLine(str(b["item"]), Decimal(str(b["amount"]))) for b in row.budget],
        budget_total=row.budget_total, return_note=row.return_note,
        approved_by=row.approved_by, approved_at=row.approved_at,
        sign_ups_close_at=row.sign_ups_close_at, announced_at=row.announced_at,
        attendance=row.attendance, actual_spending=row.actual_spending,
        went_well=row.went_well, to_change=row.to_change, written_by=row.written_by,
        archived_at=row.archived_at, created_at=row.created_at, created_by=row.created_by,
        sign_ups=sign_ups)
