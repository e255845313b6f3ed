"""Monthly return visits (procedure rule 3): the month's round, its visits and call scripts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.cases.models import WorkOrder
from engine.common.db import Base, BigId

__all__ = ["METHODS", "SATISFACTION", "VISIT_STATES", "CallScript", "ReturnVisit",
           "ReturnVisitRound"]

METHODS = ("phone", "door", "on_site", "wechat")
# 滿意 / 基本滿意 / 不滿意
SATISFACTION = ("satisfied", "fairly_satisfied", "dissatisfied")
# open: still to be made; visited: the owner was reached; unreachable: three attempts
# failed; not_visited: the round closed before anyone went.
VISIT_STATES = ("open", "visited", "unreachable", "not_visited")
ROUND_STATES = ("open", "closed")


class ReturnVisitRound(Base):
    """One month's round: the completed orders counted, the sample drawn, how it ended."""

    __tablename__ = "return_visit_rounds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # 2026-11, the month visited
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # Recorded so the sample can be drawn again and checked: same seed, same orders.
    seed: Mapped[int] = mapped_column(BigInteger)
    completed_orders: Mapped[int] = mapped_column(default=0)
    sampled: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_at: Mapped[datetime]
    opened_by: Mapped[str | None] = mapped_column(String(150))
    # Each extension of the deadline: {"from", "to", "by", "at"}.
    extensions: Mapped[list[Any]] = mapped_column(default=list)
    # The supervisor's recorded reason for closing below the target coverage.
    shortfall_reason: Mapped[str | None] = mapped_column(Text)
    shortfall_by: Mapped[str | None] = mapped_column(String(150))
    closed_at: Mapped[datetime | None]
    # The month's written record, as it stood when the round closed.
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)

    visits: Mapped[list[ReturnVisit]] = relationship(back_populates="round",
                                                     order_by="ReturnVisit.id")


class ReturnVisit(Base):
    """A visit or call to the owner about one completed work order."""

    __tablename__ = "return_visits"
    __table_args__ = (UniqueConstraint("round_id", "work_order_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("return_visit_rounds.id"), index=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    department: Mapped[str] = mapped_column(String(50), index=True)
    handled_by: Mapped[str | None] = mapped_column(String(150))
    from_complaint: Mapped[bool] = mapped_column(default=False)
    # Who the sample dealt it to; None: only its handler could have, a supervisor assigns it.
    visitor: Mapped[str | None] = mapped_column(String(150))
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    method: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[list[Any]] = mapped_column(default=list)  # [{"at", "reached"}]
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    remarks: Mapped[str] = mapped_column(Text, default="")
    spoken_to: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str | None] = mapped_column(String(150))
    recorded_at: Mapped[datetime | None]
    # The case reopened (or raised) because the owner was dissatisfied.
    reopened_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    round: Mapped[ReturnVisitRound] = relationship(back_populates="visits")
    work_order: Mapped[WorkOrder] = relationship()


class CallScript(Base):
    """What the visitor says on the phone or at the door, per estate, edited by supervisors."""

    __tablename__ = "return_visit_scripts"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[datetime]
