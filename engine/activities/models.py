"""Community activities (procedure rule 2): the activity from plan to archive, and its sign-ups."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.common.db import Base, BigId

__all__ = ["ACTIVITY_STATES", "TARGET_GROUPS", "ActivitySignUp", "CommunityActivity"]

TARGET_GROUPS = ("everyone", "elderly", "children", "new_owners")
# planning: customer service writes the plan; submitted: the supervisor reviews it;
# returned: sent back with a note; approved; announced: on the notice boards, sign-ups open
# until sign_ups_close_at; held: attendance and spending recorded; archived: written up.
ACTIVITY_STATES = ("planning", "submitted", "returned", "approved", "announced", "held",
                   "archived")


class CommunityActivity(Base):
    __tablename__ = "community_activities"
    # The festival schedule starts one activity per festival and year (schedule.py).
    __table_args__ = (UniqueConstraint("festival", "festival_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    # A festival's code (engine/activities/festivals.py), or None: a sports day, a safety talk.
    festival: Mapped[str | None] = mapped_column(String(30))
    # The year of the festival the schedule started this for; None: started by hand.
    festival_year: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(String(20), default="everyone")
    capacity: Mapped[int | None]
    # The planned spending: [{"item", "amount"}], amounts as decimal strings.
    budget: Mapped[list[Any]] = mapped_column(default=list)
    budget_total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20), default="planning", index=True)
    # The supervisor's last note when returning the plan.
    return_note: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str | None] = mapped_column(String(150))
    approved_at: Mapped[datetime | None]
    sign_ups_close_at: Mapped[datetime | None]
    announced_at: Mapped[datetime | None]
    attendance: Mapped[int | None]
    actual_spending: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    held_recorded_by: Mapped[str | None] = mapped_column(String(150))
    # The written record (procedure rule 7): what went well, what to change next time.
    went_well: Mapped[str] = mapped_column(Text, default="")
    to_change: Mapped[str] = mapped_column(Text, default="")
    written_by: Mapped[str | None] = mapped_column(String(150))
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(150))

    sign_ups: Mapped[list[ActivitySignUp]] = relationship(back_populates="activity",
                                                          order_by="ActivitySignUp.id")


class ActivitySignUp(Base):
    """A household signed up for an activity: on the public page, by phone or at the counter."""

    __tablename__ = "activity_sign_ups"
    # One sign-up per unit: a household brings its people on one line.
    __table_args__ = (UniqueConstraint("activity_id", "unit"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("community_activities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Capitals without spaces (sign_ups.unit_key): "a - 1203" and "A-1203" are one unit.
    unit: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(40))
    people: Mapped[int]
    # The staff member who took it by phone or at the counter; None: the owner, online.
    taken_by: Mapped[str | None] = mapped_column(String(150))
    signed_up_at: Mapped[datetime]

    activity: Mapped[CommunityActivity] = relationship(back_populates="sign_ups")
