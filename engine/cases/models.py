"""Owner cases and what handling them leaves behind: work orders, records, letters, archive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.common.db import Base, BigId
from engine.directory.models import Unit

# The ways a case reaches the office that staff register by hand.
STAFF_CHANNELS = ("in_person", "phone", "letter", "email", "web", "referral_superior",
                  "referral_department")
# And a case the office raises itself: an owner dissatisfied on a return visit.
CHANNELS = (*STAFF_CHANNELS, "return_visit")
CASE_TYPES = ("complaint", "repair", "suggestion", "inquiry", "move_in", "praise")
# What the superior may decide when a case is escalated to them, and whom a case is referred to.
ESCALATION_DECISIONS = ("instruct", "refer", "final_position")
AUTHORITIES = ("street_office", "housing_department", "utility", "developer")
CATEGORIES = ("noise", "hygiene", "security", "parking", "facilities", "fees", "neighbours",
              "developer_defect", "service_attitude", "renovation", "landscaping", "pets",
              "utility_outage", "other")
URGENCIES = ("normal", "urgent")
# The ways an owner raising a case on the web may ask to be answered.
REPLY_CHANNELS = ("phone", "email", "letter")


class Case(Base):
    """The intake record (受理記錄) of whatever an owner raised, by any channel."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)         # C-2026-000123
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)  # for the owner
    type: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(30), index=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    description: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_phone: Mapped[str] = mapped_column(String(50), default="", index=True)
    complainant_address: Mapped[str] = mapped_column(String(300), default="")
    complainant_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # How the owner asked to be answered; None: by the channel the case came by (seed IV.2).
    reply_channel: Mapped[str | None] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(index=True)
    registered_by: Mapped[str | None] = mapped_column(String(150))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    first_reply_at: Mapped[datetime | None]
    replied_by_channel: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()


class WorkOrder(Base):
    """A job dispatched to a department (派工單), from a case or on its own."""

    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # W-2026-000045
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    department: Mapped[str] = mapped_column(String(50), index=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    dispatched_at: Mapped[datetime] = mapped_column(index=True)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    handled_by: Mapped[str | None] = mapped_column(String(150))
    method: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(30), default="")


class CaseRecord(Base):
    """One written step of handling a case (who, when, what); never edited."""

    __tablename__ = "case_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(50))
    step: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReplyLetter(Base):
    """The printable letter that answers a case that came by letter."""

    __tablename__ = "reply_letters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    contacts: Mapped[list[Any]] = mapped_column(default=list)  # the directory as printed
    written_by: Mapped[str | None] = mapped_column(String(150))
    written_at: Mapped[datetime]


class ArchiveEntry(Base):
    """The archived handling method and result; a correction is a new entry."""

    __tablename__ = "archive_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("archive_entries.id"))
    archived_at: Mapped[datetime]
    archived_by: Mapped[str | None] = mapped_column(String(150))
    method: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    satisfied: Mapped[bool | None]
    steps: Mapped[list[Any]] = mapped_column(default=list)  # [{step, actor, at, ...}]
    correction_reason: Mapped[str] = mapped_column(Text, default="")


class EscalationOutcome(Base):
    """What the superior decided on an escalation, and how a referral or final position ended."""

    __tablename__ = "escalation_outcomes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)  # a repair has no case
    decision: Mapped[str] = mapped_column(String(20))  # one of ESCALATION_DECISIONS
    final_round: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[str | None] = mapped_column(String(150))
    decided_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")  # the instruction or the position
    authority: Mapped[str | None] = mapped_column(String(30))  # one of AUTHORITIES
    authority_reference: Mapped[str] = mapped_column(String(100), default="")
    referred_on: Mapped[date | None] = mapped_column(Date)
    follow_ups: Mapped[int] = mapped_column(default=0)
    authority_answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    reply_text: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
