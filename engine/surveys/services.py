"""Service tasks of the yearly survey (processes/yearly_survey.bpmn).

Each one runs inside the engine operation that reached it (``unit_of_work``),
calls the survey operation of the same name, and returns plain JSON for the
process data. Who completed the task that led here is the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.common.errors import FieldError
from engine.surveys.campaigns import (
    REPEAT_REFUSAL,
    close_below_target,
    distribute,
    end_collection,
    open_campaign,
    record_reminders,
    sample_units,
    surveyed_already,
)
from engine.surveys.feedback import open_complaint_cases, suggest_items, unconfirmed_items
from engine.surveys.follow_up import (
    follow_up_units,
    follow_up_visit,
    open_follow_up_round,
    record_visit,
    visit_problems,
)
from engine.surveys.report import finish_categorising, publish_report, tabulate_campaign
from engine.workflow.unit_of_work import current

__all__ = ["SURVEY_CHECKS", "SURVEY_SERVICES"]


def open_survey_campaign(survey_year: int, target_percent: Any, questionnaire_code: str,
                         repeat_reason: str = "") -> dict[str, Any]:
    work = current()
    row = open_campaign(work.session, work.rt, year=survey_year, target_percent=target_percent,
                        questionnaire_code=questionnaire_code, instance_id=work.instance.id,
                        repeat_reason=repeat_reason, actor=work.actor)
    return {"id": row.id, "number": row.number}


def draw_survey_sample(campaign_id: int) -> dict[str, Any]:
    work = current()
    sampled = sample_units(work.session, work.rt, campaign_id, actor=work.actor)
    return {"sample_size": len(sampled)}


def distribute_survey(campaign_id: int, collection_days: int) -> dict[str, Any]:
    work = current()
    row = distribute(work.session, work.rt, campaign_id, collection_days=collection_days,
                     actor=work.actor)
    assert row.deadline is not None
    return {"deadline": row.deadline.isoformat()}


def remind_survey_non_respondents(campaign_id: int) -> dict[str, Any]:
    work = current()
    return {"recorded": record_reminders(work.session, work.rt, campaign_id, actor=None),
            "sent": 0}


def check_survey_return_rate(campaign_id: int) -> dict[str, Any]:
    work = current()
    return end_collection(work.session, work.rt, campaign_id, actor=work.actor).as_json()


def open_survey_follow_ups(campaign_id: int) -> dict[str, Any]:
    work = current()
    number, opened = open_follow_up_round(work.session, work.rt, campaign_id=campaign_id,
                                          actor=work.actor)
    return {"round": number, "opened": opened}


def list_survey_follow_up_units(campaign_id: int) -> list[int]:
    """The earlier diagram's list of units, for campaigns still running on it."""
    work = current()
    return follow_up_units(work.session, campaign_id)


def look_up_survey_follow_up_visit(campaign_id: int, sampled_unit_id: int) -> dict[str, Any]:
    work = current()
    return follow_up_visit(work.session, campaign_id, sampled_unit_id)


def record_survey_follow_up_visit(campaign_id: int, sampled_unit_id: int, outcome: str,
                                  answers: dict[str, Any]) -> dict[str, Any]:
    work = current()
    return record_visit(work.session, work.rt, campaign_id=campaign_id,
                        sampled_unit_id=sampled_unit_id, outcome=outcome, answers=answers,
                        actor=work.actor)


def close_survey_below_target(campaign_id: int, reason: str) -> dict[str, Any]:
    work = current()
    row = close_below_target(work.session, work.rt, campaign_id, reason=reason,
                             actor=work.actor)
    return {"closed_below_target": True, "reason": row.below_target_reason}


def tabulate_survey(campaign_id: int) -> dict[str, Any]:
    work = current()
    tabulation = tabulate_campaign(work.session, work.rt, campaign_id, actor=work.actor)
    return {"responses": tabulation["responses"]}


def suggest_survey_feedback(campaign_id: int) -> dict[str, Any]:
    work = current()
    return {"items": len(suggest_items(work.session, work.rt, campaign_id, actor=work.actor))}


def open_survey_complaint_cases(campaign_id: int) -> dict[str, Any]:
    work = current()
    finish_categorising(work.session, work.rt, campaign_id, actor=work.actor)
    cases = open_complaint_cases(work.session, work.rt, campaign_id, actor=work.actor)
    return {"cases": [case.number for case in cases]}


def publish_survey_report(campaign_id: int) -> dict[str, Any]:
    work = current()
    row = publish_report(work.session, work.rt, campaign_id, actor=work.actor)
    assert row.published_at is not None
    return {"published_at": row.published_at.isoformat()}


def every_item_confirmed(session: Session, data: Mapping[str, Any],
                         submitted: Mapping[str, Any]) -> list[FieldError]:
    """The categorisation is done only when staff have confirmed every item."""
    survey = data.get("survey")
    if not isinstance(survey, dict) or not isinstance(survey.get("id"), int):
        return []
    left = unconfirmed_items(session, survey["id"])
    if not left:
        return []
    return [FieldError(("categorise_notes",),
                       f"{left} item(s) of the owners' free text still need their kind and "
                       "category confirmed")]


def repeat_survey_explained(session: Session, data: Mapping[str, Any],
                            submitted: Mapping[str, Any]) -> list[FieldError]:
    """Approving a second survey of the same year needs the supervisor's reason for it.

    Checked as the supervisor submits, so the refusal comes back on the form and
    the plan waits, instead of the campaign failing to open after approval.
    """
    year = data.get("survey_year")
    if (submitted.get("plan_decision") != "approve" or not isinstance(year, int)
            or str(submitted.get("repeat_reason") or "").strip()
            or not surveyed_already(session, year, None)):
        return []
    return [FieldError(("repeat_reason",), REPEAT_REFUSAL.format(year=year))]


SURVEY_SERVICES: dict[str, Callable[..., Any]] = {
    "open_survey_campaign": open_survey_campaign,
    "draw_survey_sample": draw_survey_sample,
    "distribute_survey": distribute_survey,
    "remind_survey_non_respondents": remind_survey_non_respondents,
    "check_survey_return_rate": check_survey_return_rate,
    "open_survey_follow_ups": open_survey_follow_ups,
    "list_survey_follow_up_units": list_survey_follow_up_units,
    "look_up_survey_follow_up_visit": look_up_survey_follow_up_visit,
    "record_survey_follow_up_visit": record_survey_follow_up_visit,
    "close_survey_below_target": close_survey_below_target,
    "tabulate_survey": tabulate_survey,
    "suggest_survey_feedback": suggest_survey_feedback,
    "open_survey_complaint_cases": open_survey_complaint_cases,
    "publish_survey_report": publish_survey_report,
}

SURVEY_CHECKS = {("yearly_survey", "approve_plan"): repeat_survey_explained,
                 ("yearly_survey", "categorise_feedback"): every_item_confirmed,
                 ("survey_follow_up", "visit_unit"): visit_problems}
