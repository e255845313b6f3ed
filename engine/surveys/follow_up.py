"""The follow-up round: one visit or call per sampled unit that has not answered.

Each round lists the units still missing (``follow_up_units``, ids only: every
called process gets a copy of the list); the process ``survey_follow_up``
looks the unit up, offers one task for it, and completing it records the
outcome and, when the owner answered, enters the answers as a ``follow_up``
response. A unit answers once: if it answered meanwhile (a paper form handed
in late), the task is finished with the outcome ``answered_already``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import FieldError, NotFound
from engine.surveys.campaigns import campaign
from engine.surveys.models import SampledUnit, SurveyResponse
from engine.surveys.questionnaire import answer_errors
from engine.surveys.responses import enter_response, non_respondents
from engine.workflow.runtime import Runtime

__all__ = ["ANSWERED", "OUTCOMES", "follow_up_units", "follow_up_visit", "record_visit",
           "visit_problems"]

ANSWERED = ("answered_on_paper", "answered_by_phone")
OUTCOMES = (*ANSWERED, "not_reachable", "refused", "answered_already")


def follow_up_units(session: Session, campaign_id: int) -> list[int]:
    """Who to visit or call this round: the sampled units still without an answer."""
    return [sampled.id for sampled in non_respondents(session, campaign(session, campaign_id).id)]


def follow_up_visit(session: Session, campaign_id: int, sampled_unit_id: int) -> dict[str, Any]:
    """What the visit or call task shows: the unit, its owner, phone, address and code."""
    sampled = session.get(SampledUnit, sampled_unit_id)
    if sampled is None or sampled.campaign_id != campaign_id:
        raise NotFound(f"sampled unit {sampled_unit_id} is not in survey {campaign_id}")
    owner = sampled.unit.owners[0] if sampled.unit.owners else None
    return {"sampled_unit_id": sampled.id, "unit": sampled.unit.label,
            "owner": owner.name if owner else "", "phone": owner.phone if owner else "",
            "address": owner.address if owner else "",
            "response_code": sampled.response_code or "",
            "estate_id": sampled.unit.building.estate_id}


def record_visit(session: Session, rt: Runtime, *, campaign_id: int, sampled_unit_id: int,
                 outcome: str, answers: Mapping[str, Any], actor: str | None
                 ) -> dict[str, Any]:
    """Note how the visit or call went; an owner's answers become a follow-up response."""
    row = campaign(session, campaign_id)
    response_id = None
    if outcome in ANSWERED:
        response_id = enter_response(session, rt, campaign_id=row.id, answers=dict(answers),
                                     channel="follow_up", actor=actor or "",
                                     sampled_unit_id=sampled_unit_id).id
    audit.record(session, rt, kind="survey_follow_up_visit", actor=actor,
                 instance_id=row.instance_id, process_id="yearly_survey",
                 data={"campaign_id": row.id, "sampled_unit_id": sampled_unit_id,
                       "outcome": outcome, "response_id": response_id})
    return {"sampled_unit_id": sampled_unit_id, "outcome": outcome, "response_id": response_id}


def visit_problems(session: Session, data: Mapping[str, Any],
                   submitted: Mapping[str, Any]) -> list[FieldError]:
    """Refuse a second answer for a unit, and answers the campaign's questionnaire rejects."""
    survey, visit = data.get("survey"), data.get("visit")
    if not isinstance(survey, dict) or not isinstance(visit, dict):
        return []
    sampled = session.get(SampledUnit, visit.get("sampled_unit_id"))
    if sampled is None:
        raise NotFound(f"unit {visit.get('unit')} is not in this survey's sample")
    outcome = submitted.get("visit_outcome")
    answered = session.scalars(select(SurveyResponse)
                               .where(SurveyResponse.sampled_unit_id == sampled.id)).first()
    if outcome in ANSWERED and answered is not None:
        return [FieldError(("visit_outcome",), (
            f"unit {sampled.unit.label} answered already ({answered.channel}, "
            f"{answered.submitted_at:%Y-%m-%d}) and a unit answers once: "
            "choose 'had answered already' and finish the task"))]
    if outcome == "answered_already" and answered is None:
        return [FieldError(("visit_outcome",),
                           f"unit {sampled.unit.label} has not answered yet")]
    if outcome in ANSWERED:
        schema = campaign(session, survey["id"]).questionnaire.schema
        return [FieldError(("answers", *e.path), e.message)
                for e in answer_errors(schema, submitted.get("answers", {}))]
    return []
