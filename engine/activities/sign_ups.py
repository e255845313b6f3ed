"""Sign-ups for an announced activity: a household each, within the capacity, before the close."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.activities.activities import get_activity
from engine.activities.models import ActivitySignUp
from engine.common.errors import Conflict, FieldError, FormInvalid
from engine.workflow.runtime import Runtime

__all__ = ["ActivityFull", "SignUpsClosed", "UnitSignedUp", "people_signed_up", "sign_up",
           "unit_key"]

# A household brings at most this many people on one sign-up.
MAX_PEOPLE = 20


class ActivityFull(Conflict):
    """The people signed up, with these, would pass the activity's capacity."""


class UnitSignedUp(Conflict):
    """The unit has signed up for this activity already."""


class SignUpsClosed(Conflict):
    """The activity is not announced, or its sign-ups have closed."""


def unit_key(unit: str) -> str:
    """A unit as one spelling, capitals without spaces: "a - 1203" is "A-1203"."""
    return re.sub(r"\s+", "", unit).upper()


def people_signed_up(session: Session, activity_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(ActivitySignUp.people), 0))
                          .where(ActivitySignUp.activity_id == activity_id)) or 0


def sign_up(session: Session, rt: Runtime, *, activity_id: int, name: str, unit: str,
            phone: str, people: int, taken_by: str | None) -> ActivitySignUp:
    """Sign a household up; ``taken_by`` the staff member who took it by phone or at the counter.

    The activity's row is locked while the places are counted, so two last sign-ups
    at once cannot both take the last places.
    """
    activity = get_activity(session, activity_id)
    session.refresh(activity, with_for_update=True)
    problems = _field_problems(name, unit, phone, people)
    if problems:
        raise FormInvalid(problems)
    now = rt.clock.now()
    if activity.state != "announced" or (activity.sign_ups_close_at is not None
                                         and now >= activity.sign_ups_close_at):
        raise SignUpsClosed(f"sign-ups for {activity.title!r} are closed",
                            message_code="activities.sign_ups_closed",
                            params={"title": activity.title,
                                    "closed_at": activity.sign_ups_close_at})
    key = unit_key(unit)
    taken = session.scalar(select(ActivitySignUp.id).where(
        ActivitySignUp.activity_id == activity_id, ActivitySignUp.unit == key))
    if taken is not None:
        raise UnitSignedUp(f"unit {key} has signed up for {activity.title!r} already",
                           message_code="activities.unit_signed_up",
                           params={"unit": key, "title": activity.title})
    if activity.capacity is not None:
        left = activity.capacity - people_signed_up(session, activity_id)
        if people > left:
            raise ActivityFull(f"{activity.title!r} has {max(left, 0)} places left",
                               message_code="activities.full",
                               params={"title": activity.title, "left": max(left, 0),
                                       "people": people})
    row = ActivitySignUp(activity_id=activity_id, name=name.strip(), unit=key,
                         phone=phone.strip(), people=people, taken_by=taken_by,
                         signed_up_at=now)
    session.add(row)
    session.flush()
    return row


def _field_problems(name: str, unit: str, phone: str, people: int) -> list[FieldError]:
    problems = []
    if not name.strip() or len(name) > 100:
        problems.append(FieldError(("name",), "give a name of up to 100 characters",
                                   code="activities.name"))
    if not unit.strip() or len(unit_key(unit)) > 40:
        problems.append(FieldError(("unit",), "give the unit, e.g. A-1203",
                                   code="activities.unit"))
    if not re.fullmatch(r"\+?[0-9 ()-]{6,30}", phone.strip()):
        problems.append(FieldError(("phone",), "give a phone number of digits",
                                   code="activities.phone"))
    if not 1 <= people <= MAX_PEOPLE:
        problems.append(FieldError(("people",), f"between 1 and {MAX_PEOPLE} people",
                                   code="activities.people", params={"most": MAX_PEOPLE}))
    return problems
