"""Opinions, suggestions and complaints from the survey's free text (seed rule 7).

Each point of a free-text answer becomes a feedback item with a suggested kind
and category; staff confirm or change them, and every confirmed complaint
opens an owner case (P1) whose first record names the survey it came from.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.models import CATEGORIES, Case, CaseRecord
from engine.cases.registration import Complainant, register_case
from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.directory.models import Unit
from engine.surveys.campaigns import campaign
from engine.surveys.models import FEEDBACK_KINDS, FeedbackItem, SurveyResponse
from engine.surveys.questionnaire import text_questions
from engine.surveys.text import split_points, suggest
from engine.workflow.runtime import Runtime

__all__ = ["confirm_item", "feedback_counts", "feedback_items", "open_complaint_cases",
           "suggest_items", "unconfirmed_items"]

# A complaint answered online is a web case; one on paper or at a visit, in person.
CASE_CHANNEL = {"link": "web", "paper": "in_person", "follow_up": "in_person"}


def suggest_items(session: Session, rt: Runtime, campaign_id: int, *,
                  actor: str | None) -> list[FeedbackItem]:
    """Split every response's free text into items with a suggested kind and category.

    Responses already split are left alone, so running it again adds only new ones.
    """
    row = campaign(session, campaign_id)
    done = set(session.scalars(select(FeedbackItem.response_id)
                               .where(FeedbackItem.campaign_id == row.id)))
    questions = text_questions(row.questionnaire.schema)
    added = []
    for response in session.scalars(select(SurveyResponse).where(
            SurveyResponse.campaign_id == row.id).order_by(SurveyResponse.id)):
        if response.id in done:
            continue
        for question in questions:
            text = response.answers.get(question)
            for point in split_points(text) if isinstance(text, str) else []:
                guess = suggest(point, asked_for=_asked_for(question))
                added.append(FeedbackItem(campaign_id=row.id, response_id=response.id,
                                          question=question, text=point,
                                          suggested_kind=guess.kind,
                                          suggested_category=guess.category))
    session.add_all(added)
    session.flush()
    audit.record(session, rt, kind="survey_feedback_suggested", actor=actor,
                 instance_id=row.instance_id, data={"campaign_id": row.id, "items": len(added)})
    return added


def feedback_items(session: Session, campaign_id: int) -> list[FeedbackItem]:
    return list(session.scalars(select(FeedbackItem).where(
        FeedbackItem.campaign_id == campaign_id).order_by(FeedbackItem.id)))


def unconfirmed_items(session: Session, campaign_id: int) -> int:
    return session.scalar(select(func.count()).select_from(FeedbackItem).where(
        FeedbackItem.campaign_id == campaign_id, FeedbackItem.confirmed_kind.is_(None))) or 0


def confirm_item(session: Session, rt: Runtime, *, item_id: int, kind: str,
                 category: str | None = None, actor: str) -> FeedbackItem:
    """Confirm (or change) an item's kind and category; a complaint's case keeps its kind."""
    item = session.get(FeedbackItem, item_id)
    if item is None:
        raise NotFound(f"there is no survey feedback item {item_id}")
    category = category or item.suggested_category
    errors = []
    if kind not in FEEDBACK_KINDS:
        errors.append(FieldError(("kind",), f"must be one of: {', '.join(FEEDBACK_KINDS)}"))
    if category not in CATEGORIES:
        errors.append(FieldError(("category",), f"must be one of: {', '.join(CATEGORIES)}"))
    if errors:
        raise FormInvalid(errors)
    if item.case_id is not None and kind != "complaint":
        raise Conflict("this complaint has opened an owner case already; it stays a complaint")
    item.confirmed_kind, item.confirmed_category = kind, category
    item.confirmed_by, item.confirmed_at = actor, rt.clock.now()
    session.flush()
    audit.record(session, rt, kind="survey_feedback_confirmed", actor=actor,
                 data={"campaign_id": item.campaign_id, "item_id": item.id, "kind": kind,
                       "category": category, "suggested": item.suggested_kind})
    return item


def open_complaint_cases(session: Session, rt: Runtime, campaign_id: int, *,
                         actor: str | None) -> list[Case]:
    """Open an owner case (P1) for every confirmed complaint that has none yet."""
    row = campaign(session, campaign_id)
    opened = []
    for item in session.scalars(select(FeedbackItem).where(
            FeedbackItem.campaign_id == row.id, FeedbackItem.confirmed_kind == "complaint",
            FeedbackItem.case_id.is_(None)).order_by(FeedbackItem.id)):
        response = session.get(SurveyResponse, item.response_id)
        assert response is not None
        unit = session.get(Unit, response.unit_id)
        assert unit is not None
        case = register_case(
            session, rt, channel=CASE_CHANNEL[response.channel], type="complaint",
            category=item.confirmed_category or item.suggested_category,
            description=item.text, complainant=_complainant(unit), unit_id=unit.id,
            received_at=response.submitted_at, actor=actor)
        item.case_id = case.id
        # The case's first record says where it came from: this survey, this answer.
        session.add(CaseRecord(case_id=case.id, at=rt.clock.now(), actor=actor,
                               kind="survey_complaint", step=f"Survey {row.number}",
                               data={"campaign_id": row.id, "campaign": row.number,
                                     "item_id": item.id}))
        opened.append(case)
    session.flush()
    return opened


def _complainant(unit: Unit) -> Complainant:
    owner = unit.owners[0] if unit.owners else None
    if owner is None:
        # No owner on record: name the unit the way the office's own letters do.
        return Complainant(f"{unit.label} 業主")
    return Complainant(owner.name, owner.phone, owner.address)


def _asked_for(question: str) -> str:
    return "suggestion" if "suggest" in question else "opinion"


def feedback_counts(items: list[FeedbackItem]) -> dict[str, dict[str, int]]:
    """Confirmed items counted by kind and category, for the report."""
    counts: dict[str, dict[str, int]] = {kind: {} for kind in FEEDBACK_KINDS}
    for item in items:
        kind = item.confirmed_kind or item.suggested_kind
        category = item.confirmed_category or item.suggested_category
        counts[kind][category] = counts[kind].get(category, 0) + 1
    return counts
