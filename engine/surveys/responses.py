"""Answers to the survey: by the owner through a one-time code or link, or entered by staff.

A code is one-time: the first accepted answer uses it, any later one is
refused with ``SurveyCodeUsed``; after the deadline the owner's code is
refused with ``SurveyCodeExpired``. Staff enter paper forms and follow-up
answers (visits, calls) until collection is closed for good. Whatever is
refused leaves nothing behind, and the answers come back in the error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import (
    Conflict,
    FieldError,
    FormInvalid,
    NotFound,
    SurveyCodeExpired,
    SurveyCodeUsed,
)
from engine.surveys.campaigns import accepts_staff_entries, campaign
from engine.surveys.models import Questionnaire, SampledUnit, SurveyCampaign, SurveyResponse
from engine.surveys.questionnaire import answer_errors
from engine.workflow.runtime import Runtime

__all__ = ["STAFF_CHANNELS", "PaperForm", "SurveyForm", "enter_response", "non_respondents",
           "open_form", "paper_forms", "submit_by_code"]

STAFF_CHANNELS = ("paper", "follow_up")


@dataclass(frozen=True)
class SurveyForm:
    """What the public page shows for a valid code: the questionnaire and the deadline."""

    campaign_number: str
    year: int
    unit_label: str
    deadline: datetime
    questionnaire: Questionnaire
    sampled_unit_id: int


@dataclass(frozen=True)
class PaperForm:
    """One printable questionnaire: whom it goes to, and the code that answers it."""

    sampled_unit_id: int
    unit_label: str
    owner_name: str
    address: str
    response_code: str
    link_token: str
    deadline: datetime


def paper_forms(session: Session, campaign_id: int) -> list[PaperForm]:
    """The distributed campaign's paper forms, one per sampled unit, in building order."""
    row = campaign(session, campaign_id)
    if row.deadline is None:
        raise Conflict(f"survey {row.number} has not been distributed yet",
                       message_code="surveys.not_distributed", params={"number": row.number})
    forms = []
    for sampled in session.scalars(select(SampledUnit).where(SampledUnit.campaign_id == row.id)
                                   .order_by(SampledUnit.building_id, SampledUnit.unit_id)):
        owner = sampled.unit.owners[0] if sampled.unit.owners else None
        assert sampled.response_code is not None and sampled.link_token is not None
        forms.append(PaperForm(sampled.id, sampled.unit.label, owner.name if owner else "",
                               owner.address if owner else "", sampled.response_code,
                               sampled.link_token, row.deadline))
    return forms


def open_form(session: Session, rt: Runtime, code: str) -> SurveyForm:
    """The form a response code or link token opens; refuses unknown, used, expired codes."""
    sampled = _by_code(session, code)
    row = campaign(session, sampled.campaign_id)
    _check_open_to_owner(row, sampled, rt.clock.now())
    assert row.deadline is not None
    return SurveyForm(campaign_number=row.number, year=row.year,
                      unit_label=sampled.unit.label, deadline=row.deadline,
                      questionnaire=row.questionnaire, sampled_unit_id=sampled.id)


def submit_by_code(session: Session, rt: Runtime, *, code: str,
                   answers: dict[str, Any]) -> SurveyResponse:
    """Record the owner's own answers (the "link" channel) and use up the code."""
    sampled = _by_code(session, code, lock=True)
    row = campaign(session, sampled.campaign_id)
    _check_open_to_owner(row, sampled, rt.clock.now())
    return _record(session, rt, row, sampled, answers, channel="link", actor=None)


def enter_response(session: Session, rt: Runtime, *, campaign_id: int, answers: dict[str, Any],
                   channel: str, actor: str, code: str | None = None,
                   sampled_unit_id: int | None = None) -> SurveyResponse:
    """Enter a paper form or a follow-up answer for a sampled unit, by its code or id."""
    if channel not in STAFF_CHANNELS:
        raise FormInvalid([FieldError(("channel",),
                                      f"staff enter answers as: {', '.join(STAFF_CHANNELS)}")])
    row = campaign(session, campaign_id)
    if code is not None:
        sampled = _by_code(session, code, lock=True)
    elif sampled_unit_id is not None:
        sampled = _locked(session, select(SampledUnit).where(SampledUnit.id == sampled_unit_id))
    else:
        raise FormInvalid([FieldError(("code",), "give the code printed on the form",
                                      "surveys.code_missing")])
    if sampled.campaign_id != row.id:
        raise NotFound(f"this form does not belong to survey {row.number}",
                       message_code="surveys.form_of_another", params={"number": row.number})
    if not accepts_staff_entries(row):
        raise Conflict(f"survey {row.number} no longer takes answers: its collection is closed",
                       message_code="surveys.collection_closed", params={"number": row.number})
    if sampled.used_at is not None:
        raise SurveyCodeUsed(f"unit {sampled.unit.label} has answered survey {row.number} "
                             "already; a unit answers once",
                             message_code="surveys.unit_answered",
                             params={"unit": sampled.unit.label, "number": row.number})
    return _record(session, rt, row, sampled, answers, channel=channel, actor=actor)


def non_respondents(session: Session, campaign_id: int) -> list[SampledUnit]:
    """The sampled units that have not answered: the follow-up round's visit and call list."""
    return list(session.scalars(select(SampledUnit).where(
        SampledUnit.campaign_id == campaign_id, SampledUnit.used_at.is_(None))
        .order_by(SampledUnit.building_id, SampledUnit.unit_id)))


def _record(session: Session, rt: Runtime, row: SurveyCampaign, sampled: SampledUnit,
            answers: dict[str, Any], *, channel: str, actor: str | None) -> SurveyResponse:
    errors = answer_errors(row.questionnaire.schema, answers)
    if errors:
        raise FormInvalid(errors)
    now = rt.clock.now()
    response = SurveyResponse(campaign_id=row.id, sampled_unit_id=sampled.id,
                              unit_id=sampled.unit_id, building_id=sampled.building_id,
                              channel=channel, answers=answers, submitted_at=now,
                              entered_by=actor)
    try:
        with session.begin_nested():  # a concurrent answer for the unit wins; this one says so
            session.add(response)
            sampled.used_at = now
            session.flush()
    except IntegrityError as error:
        raise SurveyCodeUsed("this survey form has been answered already; "
                             "a unit answers once") from error
    audit.record(session, rt, kind="survey_answered", actor=actor, instance_id=row.instance_id,
                 data={"campaign_id": row.id, "response_id": response.id, "channel": channel,
                       "unit_id": sampled.unit_id})
    return response


def _check_open_to_owner(row: SurveyCampaign, sampled: SampledUnit, now: datetime) -> None:
    if sampled.used_at is not None:
        raise SurveyCodeUsed("this survey form has been answered already; thank you",
                             message_code="surveys.form_answered")
    if row.deadline is None or row.state not in ("collecting", "follow_up") \
            or now >= row.deadline:
        raise SurveyCodeExpired(f"survey {row.number} closed on "
                                f"{row.deadline:%Y-%m-%d}; this code can no longer be used"
                                if row.deadline else "this survey is not open",
                                message_code="surveys.closed_on" if row.deadline
                                else "surveys.not_open", params={"deadline": row.deadline})


def _by_code(session: Session, code: str, *, lock: bool = False) -> SampledUnit:
    typed = re.sub(r"[\s-]", "", code).upper()  # "ABCD-EFGH 2345" as read off the paper
    query = select(SampledUnit).where(or_(SampledUnit.response_code == typed,
                                          SampledUnit.link_token == code.strip()))
    if not code.strip():
        raise NotFound("no survey form has this code; check it against the paper form",
                       message_code="surveys.code_unknown")
    return _locked(session, query) if lock else _found(session.scalars(query).first())


def _locked(session: Session, query: Any) -> SampledUnit:
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two answers for one code: the second waits, then sees
    return _found(session.scalars(query.execution_options(populate_existing=True)).first())


def _found(sampled: SampledUnit | None) -> SampledUnit:
    if sampled is None:
        raise NotFound("no survey form has this code; check it against the paper form",
                       message_code="surveys.code_unknown")
    return sampled
