"""The yearly owner survey (seed rule 5): questionnaires, campaigns, samples, responses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.common.db import Base, BigId
from engine.directory.models import Unit

RESPONSE_CHANNELS = ("link", "paper", "follow_up")
FEEDBACK_KINDS = ("opinion", "suggestion", "complaint")
# A campaign moves through these in order; "published" is the archived end.
CAMPAIGN_STATES = ("planned", "sampled", "collecting", "follow_up", "tabulated",
                   "categorised", "published")


class Questionnaire(Base):
    """One version of a questionnaire: the JSON Schema of a response, its order and labels."""

    __tablename__ = "survey_questionnaires"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"en": ..., "zh": ...}
    intro: Mapped[dict[str, Any]] = mapped_column(default=dict)
    schema: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ui: Mapped[dict[str, Any]] = mapped_column(default=dict)     # order, labels, scale
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(150))


class SurveyCampaign(Base):
    """One year's survey (意見徵詢): its plan, sample seed, deadline and how it ended."""

    __tablename__ = "survey_campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # S-2026-000001
    year: Mapped[int] = mapped_column(index=True)
    # None: every estate the office manages.
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("survey_questionnaires.id"))
    target_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # Recorded so the sample can be drawn again and checked: same seed, same units.
    seed: Mapped[int | None] = mapped_column(BigInteger)
    units_total: Mapped[int] = mapped_column(default=0)
    # Units left out of the sample, counted by reason ("undelivered", "unsold", "vacant").
    units_excluded: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The supervisor's recorded reason for a second survey of the same estate and year.
    repeat_reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    approved_by: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[datetime]
    distributed_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    collection_closed_at: Mapped[datetime | None]
    # The supervisor's recorded reason for closing below the 75 % return rate.
    below_target_reason: Mapped[str | None] = mapped_column(Text)
    below_target_by: Mapped[str | None] = mapped_column(String(150))
    below_target_at: Mapped[datetime | None]
    tabulation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report_approved_by: Mapped[str | None] = mapped_column(String(150))
    published_at: Mapped[datetime | None]
    # The report as published, kept as it was for later review (seed rule 7).
    archived_report: Mapped[dict[str, Any]] = mapped_column(default=dict)

    questionnaire: Mapped[Questionnaire] = relationship()


class SampledUnit(Base):
    """A unit drawn into a campaign's sample, with its one-time response code and link."""

    __tablename__ = "survey_sampled_units"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    # Printed on the paper form and typed by the owner; the link carries the token.
    response_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    link_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    # Reminders recorded as due; none is sent until the office has notifications.
    # The column keeps its first name so no data moves.
    reminders_recorded: Mapped[int] = mapped_column("reminders_sent", default=0)
    last_reminded_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()


class SurveyResponse(Base):
    """One returned questionnaire; a unit answers a campaign once."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("sampled_unit_id"),
                      UniqueConstraint("campaign_id", "unit_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    sampled_unit_id: Mapped[int] = mapped_column(ForeignKey("survey_sampled_units.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # link | paper | follow_up
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_at: Mapped[datetime] = mapped_column(index=True)
    entered_by: Mapped[str | None] = mapped_column(String(150))  # None: the owner, by link

    unit: Mapped[Unit] = relationship()


class FeedbackItem(Base):
    """One point of a free-text answer: an opinion, a suggestion or a complaint."""

    __tablename__ = "survey_feedback_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), index=True)
    question: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    suggested_kind: Mapped[str] = mapped_column(String(20))
    suggested_category: Mapped[str] = mapped_column(String(30))
    confirmed_kind: Mapped[str | None] = mapped_column(String(20), index=True)
    confirmed_category: Mapped[str | None] = mapped_column(String(30))
    confirmed_by: Mapped[str | None] = mapped_column(String(150))
    confirmed_at: Mapped[datetime | None]
    # The owner case (P1) a confirmed complaint opened.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)


class SurveyFollowUp(Base):
    """One follow-up visit or call of a round: the unit, its own instance and how it went.

    Each visit is an instance of ``survey_follow_up`` of its own; the campaign
    waits for the last open one of its round by message, not as their parent.
    """

    __tablename__ = "survey_follow_ups"
    __table_args__ = (UniqueConstraint("sampled_unit_id", "round_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    sampled_unit_id: Mapped[int] = mapped_column(ForeignKey("survey_sampled_units.id"))
    round_number: Mapped[int]  # 1 for the first follow-up round of the campaign, then 2, …
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    # None while the visit is open; then one of engine.surveys.follow_up.OUTCOMES.
    outcome: Mapped[str | None] = mapped_column(String(30))
    recorded_by: Mapped[str | None] = mapped_column(String(150))
    recorded_at: Mapped[datetime | None]
