"""The survey's results: tabulation, the report a supervisor approves, year on year.

``campaign_report`` gives a results page everything it draws: the return
rate and how it grew day by day, answers per channel and building, each
question's distribution and mean overall and per building, and the
categorised free text. Published reports are archived as they were shown.
"""

from __future__ import annotations

from collections import Counter
from datetime import tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.clock import office_zone
from engine.common.errors import Conflict
from engine.directory.models import Building, Estate
from engine.surveys.campaigns import campaign, campaign_return_rate
from engine.surveys.feedback import feedback_counts, feedback_items, unconfirmed_items
from engine.surveys.models import RESPONSE_CHANNELS, SampledUnit, SurveyCampaign, SurveyResponse
from engine.surveys.questionnaire import rating_questions
from engine.surveys.tally import tabulate
from engine.workflow.runtime import Runtime

__all__ = ["campaign_report", "finish_categorising", "list_campaigns", "publish_report",
           "tabulate_campaign", "year_on_year"]


def tabulate_campaign(session: Session, rt: Runtime, campaign_id: int, *,
                      actor: str | None) -> dict[str, Any]:
    """Close collection and tabulate; under 75 % only with the supervisor's recorded reason."""
    row = campaign(session, campaign_id)
    if row.state not in ("collecting", "follow_up"):
        raise Conflict(f"survey {row.number} is not collecting answers; it is {row.state}",
                       message_code="surveys.not_collecting", params={"number": row.number})
    rate = campaign_return_rate(session, row.id)
    if not rate.reached and row.below_target_reason is None:
        raise Conflict(f"survey {row.number} has a return rate of {rate.as_json()['percent']} %,"
                       " below 75 %: it closes only with the supervisor's recorded reason",
                       message_code="surveys.below_target",
                       params={"number": row.number, "percent": rate.as_json()["percent"]})
    row.tabulation = _tabulation(session, row)
    row.state = "tabulated"
    session.flush()
    audit.record(session, rt, kind="survey_tabulated", actor=actor, instance_id=row.instance_id,
                 data={"campaign_id": row.id, "responses": row.tabulation["responses"]})
    return row.tabulation


def finish_categorising(session: Session, rt: Runtime, campaign_id: int, *,
                        actor: str | None) -> SurveyCampaign:
    row = campaign(session, campaign_id)
    left = unconfirmed_items(session, row.id)
    if left:
        raise Conflict(f"{left} opinion(s), suggestion(s) or complaint(s) still need their "
                       "category confirmed", message_code="surveys.categories_unconfirmed",
                       params={"left": left})
    if row.state == "tabulated":
        row.state = "categorised"
    session.flush()
    return row


def publish_report(session: Session, rt: Runtime, campaign_id: int, *,
                   actor: str | None) -> SurveyCampaign:
    """Publish the approved report and archive it as it stands now."""
    row = campaign(session, campaign_id)
    if row.state != "categorised":
        raise Conflict(f"survey {row.number} has no categorised report to publish",
                       message_code="surveys.no_report", params={"number": row.number})
    row.report_approved_by, row.published_at, row.state = actor, rt.clock.now(), "published"
    row.archived_report = campaign_report(session, row.id, zone=rt.office_zone)
    session.flush()
    audit.record(session, rt, kind="survey_published", actor=actor, instance_id=row.instance_id,
                 data={"campaign_id": row.id, "number": row.number})
    return row


def list_campaigns(session: Session) -> list[SurveyCampaign]:
    return list(session.scalars(select(SurveyCampaign)
                                .order_by(SurveyCampaign.year.desc(), SurveyCampaign.id.desc())))


def campaign_report(session: Session, campaign_id: int, *,
                    zone: tzinfo | None = None) -> dict[str, Any]:
    """Everything a results page shows for one campaign, as plain JSON.

    Answers are counted per day of the office's calendar (``zone``), not of UTC.
    """
    row = campaign(session, campaign_id)
    responses = list(session.scalars(select(SurveyResponse).where(
        SurveyResponse.campaign_id == row.id).order_by(SurveyResponse.submitted_at)))
    sent = [s for s in session.scalars(select(SampledUnit)
                                       .where(SampledUnit.campaign_id == row.id))]
    codes = _building_names(session, row.id)
    rate = campaign_return_rate(session, row.id) if sent else None
    items = feedback_items(session, row.id)
    questionnaire = row.questionnaire
    return {
        "campaign": {
            "id": row.id, "number": row.number, "year": row.year, "state": row.state,
            "estate_id": row.estate_id, "target_percent": str(row.target_percent),
            "seed": row.seed, "units_total": row.units_total,
            "units_excluded": dict(row.units_excluded), "repeat_reason": row.repeat_reason,
            "distributed_at": _iso(row.distributed_at), "deadline": _iso(row.deadline),
            "published_at": _iso(row.published_at), "approved_by": row.approved_by,
            "report_approved_by": row.report_approved_by,
            "below_target_reason": row.below_target_reason,
            "below_target_by": row.below_target_by,
            "questionnaire": {"code": questionnaire.code, "version": questionnaire.version,
                              "title": questionnaire.title},
        },
        "return_rate": rate.as_json() if rate else None,
        "by_channel": {c: sum(1 for r in responses if r.channel == c)
                       for c in RESPONSE_CHANNELS},
        "by_building": _by_building(sent, responses, codes),
        "rate_over_time": _over_time(responses, len(sent), zone or office_zone()),
        "questions": {q: questionnaire.ui.get("labels", {}).get(q, {})
                      for q in questionnaire.ui.get("order", [])},
        "tabulation": row.tabulation or _tabulation(session, row),
        "feedback": {"counts": feedback_counts(items),
                     "items": [{"id": i.id, "question": i.question, "text": i.text,
                                "kind": i.confirmed_kind or i.suggested_kind,
                                "category": i.confirmed_category or i.suggested_category,
                                "confirmed": i.confirmed_kind is not None,
                                "case_id": i.case_id} for i in items]},
    }


NO_RATE: dict[str, Any] = {"satisfied": 0, "answered": 0, "percent": None, "exact": None}


def year_on_year(session: Session, *, estate_id: int | None = None) -> list[dict[str, Any]]:
    """One line per campaign, oldest first: rate, satisfaction, and each question's mean."""
    lines = []
    for row in reversed(list_campaigns(session)):
        if row.estate_id != estate_id or row.state in ("planned", "sampled"):
            continue
        tabulation = row.tabulation or _tabulation(session, row)
        lines.append({"year": row.year, "number": row.number, "state": row.state,
                      "return_rate": campaign_return_rate(session, row.id).as_json(),
                      # a tabulation stored before satisfaction was counted has none
                      "satisfaction": tabulation.get("satisfaction") or NO_RATE,
                      "means": {q: d["mean"] for q, d in tabulation["overall"].items()},
                      "satisfaction_by_question": {q: d.get("satisfaction") or NO_RATE
                                                   for q, d in tabulation["overall"].items()}})
    return lines


def _tabulation(session: Session, row: SurveyCampaign) -> dict[str, Any]:
    codes = _building_names(session, row.id)
    answers = session.execute(select(SurveyResponse.building_id, SurveyResponse.answers)
                              .where(SurveyResponse.campaign_id == row.id)
                              .order_by(SurveyResponse.id))
    return tabulate(rating_questions(row.questionnaire.schema),
                    ((codes[b], a) for b, a in answers)).as_json()


def _by_building(sent: list[SampledUnit], responses: list[SurveyResponse],
                 codes: dict[int, str]) -> list[dict[str, Any]]:
    sampled = Counter(s.building_id for s in sent)
    returned = Counter(r.building_id for r in responses)
    return [{"building": codes[b], "sampled": n, "returned": returned[b]}
            for b, n in sorted(sampled.items(), key=lambda item: codes[item[0]])]


def _over_time(responses: list[SurveyResponse], sent: int,
               zone: tzinfo) -> list[dict[str, Any]]:
    """Cumulative returns at the end of each office day an answer came in."""
    days: dict[str, int] = {}
    for count, response in enumerate(responses, start=1):
        days[response.submitted_at.astimezone(zone).date().isoformat()] = count
    return [{"date": day, "returned": n, "percent": round(100 * n / sent, 1) if sent else None}
            for day, n in days.items()]


def _building_names(session: Session, campaign_id: int) -> dict[int, str]:
    """Each building's name in the campaign's report: its code, after the estate's name
    when the sample spans estates — two estates may both have a block A, never merged."""
    rows = session.execute(select(Building.id, Building.code, Estate.name).join(Estate)
                           .where(Building.id.in_(select(SampledUnit.building_id).where(
                               SampledUnit.campaign_id == campaign_id)))).all()
    if len({estate for _, _, estate in rows}) <= 1:
        return {building: code for building, code, _ in rows}
    return {building: f"{estate} {code}" for building, code, estate in rows}


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
