"""The follow-up round: one visit or call per sampled unit that has not answered.

Each round starts one ``survey_follow_up`` instance per unit still missing,
in the campaign's own transaction, giving it only the campaign's and the
unit's ids (``open_follow_up_round``). Visits are instances of their own
rather than children of the campaign's, so a completion costs the same with 3
visits open or 300 and a round has no size limit. The instance looks the unit
up, offers one task for it, and completing it records the outcome and, when
the owner answered, enters the answers as a ``follow_up`` response; the last
visit of the round tells the campaign by message. A unit answers once: if it
answered meanwhile (a paper form handed in late), the task is finished with
the outcome ``answered_already``.

Campaigns started on the earlier diagram still run their visits as children
of their own instance (``follow_up_units`` gives them the list); those visits
have no row here and send no message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import FieldError, NotFound
from engine.surveys.campaigns import campaign
from engine.surveys.models import SampledUnit, SurveyFollowUp, SurveyResponse
from engine.surveys.questionnaire import answer_errors
from engine.surveys.responses import enter_response, non_respondents
from engine.workflow.instances import lock_instance, start_instance
from engine.workflow.messages import deliver_message
from engine.workflow.runtime import Runtime

__all__ = ["ANSWERED", "FOLLOW_UPS_DONE_MESSAGE", "FOLLOW_UP_PROCESS", "OUTCOMES",
           "follow_up_units", "follow_up_visit", "open_follow_up_round", "open_follow_ups",
           "record_visit", "visit_problems"]

ANSWERED = ("answered_on_paper", "answered_by_phone")
OUTCOMES = (*ANSWERED, "not_reachable", "refused", "answered_already")
FOLLOW_UP_PROCESS = "survey_follow_up"
# The message the last visit of a round sends the campaign (its name in yearly_survey.bpmn).
FOLLOW_UPS_DONE_MESSAGE = "survey_follow_ups_done"


def follow_up_units(session: Session, campaign_id: int) -> list[int]:
    """Who to visit or call this round: the sampled units still without an answer."""
    return [sampled.id for sampled in non_respondents(session, campaign(session, campaign_id).id)]


def open_follow_up_round(session: Session, rt: Runtime, *, campaign_id: int,
                         actor: str | None) -> tuple[int, int]:
    """Start a visit per unit still missing; the round's number and how many were opened.

    Each instance gets only the two ids (it looks the unit up when it opens) and
    the business key "<campaign number>-<unit>", so the inbox and the instance
    list show whose visit it is.
    """
    row = campaign(session, campaign_id)
    last = session.scalar(select(func.max(SurveyFollowUp.round_number))
                          .where(SurveyFollowUp.campaign_id == row.id))
    number = (last or 0) + 1
    missing = non_respondents(session, row.id)
    for sampled in missing:
        visit = SurveyFollowUp(campaign_id=row.id, sampled_unit_id=sampled.id,
                               round_number=number)
        session.add(visit)
        session.flush()
        visit.instance_id = start_instance(
            session, rt, process_id=FOLLOW_UP_PROCESS, actor=actor,
            business_key=f"{row.number}-{sampled.unit.label}",
            data={"campaign_id": row.id, "sampled_unit_id": sampled.id}).id
    audit.record(session, rt, kind="survey_follow_up_round_opened", actor=actor,
                 instance_id=row.instance_id, process_id="yearly_survey",
                 data={"campaign_id": row.id, "round": number, "visits": len(missing)})
    return number, len(missing)


def open_follow_ups(session: Session, campaign_id: int) -> list[SurveyFollowUp]:
    """The visits of the campaign not recorded yet, oldest first."""
    return list(session.scalars(select(SurveyFollowUp).where(
        SurveyFollowUp.campaign_id == campaign_id, SurveyFollowUp.outcome.is_(None))
        .order_by(SurveyFollowUp.id)))


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
    visit = session.scalars(select(SurveyFollowUp).where(
        SurveyFollowUp.campaign_id == row.id, SurveyFollowUp.sampled_unit_id == sampled_unit_id,
        SurveyFollowUp.outcome.is_(None))).first()
    if visit is not None:
        visit.outcome, visit.recorded_by, visit.recorded_at = outcome, actor, rt.clock.now()
        session.flush()
        if row.instance_id is not None:
            # Two visits recorded at once must not each see the other still open and
            # both stay silent: the campaign's instance is taken first, so the later
            # one waits, then counts with the earlier one's visit recorded.
            lock_instance(session, row.instance_id)
            if not open_follow_ups(session, row.id):
                # The round's last visit: the campaign counts the return rate again.
                deliver_message(session, rt, instance_id=row.instance_id,
                                name=FOLLOW_UPS_DONE_MESSAGE, actor=actor)
    return {"sampled_unit_id": sampled_unit_id, "outcome": outcome, "response_id": response_id}


def visit_problems(session: Session, data: Mapping[str, Any],
                   submitted: Mapping[str, Any]) -> list[FieldError]:
    """Refuse a second answer for a unit, and answers the campaign's questionnaire rejects."""
    # The campaign's id: given at the start, or (on the earlier diagram) the parent's survey.
    survey = data.get("survey")
    campaign_id = data.get("campaign_id", survey.get("id") if isinstance(survey, dict) else None)
    visit = data.get("visit")
    if not isinstance(campaign_id, int) or not isinstance(visit, dict):
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
        schema = campaign(session, campaign_id).questionnaire.schema
        return [FieldError(("answers", *e.path), e.message)
                for e in answer_errors(schema, submitted.get("answers", {}))]
    return []
