"""Owners' free text as feedback items: suggested, confirmed by staff, complaints become cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.models import Case, CaseRecord
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import Conflict, FormInvalid, NotFound
from engine.surveys.feedback import (
    confirm_item,
    feedback_counts,
    feedback_items,
    open_complaint_cases,
    suggest_items,
    unconfirmed_items,
)
from engine.surveys.models import FeedbackItem, SurveyResponse
from engine.surveys.responses import submit_by_code
from engine.system import System
from tests.engine.surveys.conftest import OpenSurvey, Survey
from tests.support.surveys import GOOD

LIFT = "The lift is broken again"
PARKING = "建議增加停車位"


def suggested(system: System, survey: Survey) -> list[FeedbackItem]:
    with system.sessions() as session:
        suggest_items(session, system.rt, survey.id, actor="clerk")
        session.commit()
        return feedback_items(session, survey.id)


def confirm(system: System, item: FeedbackItem, kind: str, category: str | None = None
            ) -> FeedbackItem:
    with system.sessions() as session:
        confirmed = confirm_item(session, system.rt, item_id=item.id, kind=kind,
                                 category=category, actor="clerk")
        session.commit()
        return confirmed


def test_each_point_of_the_free_text_becomes_an_item_with_a_guess(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    [response] = survey.answer(survey.sampled()[:1], {
        "overall": 2, "opinions": f"Staff are friendly。{LIFT}", "suggestions": "More benches"})
    items = suggested(system, survey)
    assert [(i.response_id, i.question, i.text, i.suggested_kind, i.suggested_category)
            for i in items] == [
        (response, "opinions", "Staff are friendly", "opinion", "other"),
        (response, "opinions", LIFT, "complaint", "facilities"),
        (response, "suggestions", "More benches", "suggestion", "other")]
    assert all(i.confirmed_kind is None and i.case_id is None for i in items)
    with system.sessions() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "survey_feedback_suggested")).one()
        assert event.data == {"campaign_id": survey.id, "items": 3}


def test_suggesting_again_adds_only_the_new_answers_items(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    first, second, third, _ = survey.sampled()
    survey.answer([first], {**GOOD, "opinions": "Well run"})
    survey.answer([second], {"overall": 4})  # ratings only: nothing to categorise
    assert [i.text for i in suggested(system, survey)] == ["Well run"]
    survey.answer([third], {"suggestions": PARKING})
    assert [i.text for i in suggested(system, survey)] == ["Well run", PARKING]
    with system.sessions() as session:
        assert suggest_items(session, system.rt, survey.id, actor="clerk") == []


def test_staff_confirm_the_guess_or_change_it(system: System, open_survey: OpenSurvey,
                                              clock: FrozenClock) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:1], {"opinions": f"{LIFT}\nThe guard sleeps at night"})
    lift, guard = suggested(system, survey)
    with system.sessions() as session:
        assert unconfirmed_items(session, survey.id) == 2
    clock.advance(timedelta(hours=2))
    kept = confirm(system, lift, "complaint")
    assert (kept.confirmed_kind, kept.confirmed_category) == ("complaint", "facilities")
    assert (kept.confirmed_by, kept.confirmed_at) == ("clerk", clock.now())
    changed = confirm(system, guard, "complaint", "security")
    assert (guard.suggested_kind, changed.confirmed_kind) == ("opinion", "complaint")
    with system.sessions() as session:
        assert unconfirmed_items(session, survey.id) == 0


def test_an_unknown_kind_or_category_is_refused_field_by_field(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:1], {"opinions": LIFT})
    [item] = suggested(system, survey)
    with system.sessions() as session:
        with pytest.raises(FormInvalid) as refused:
            confirm_item(session, system.rt, item_id=item.id, kind="praise", category="lifts",
                         actor="clerk")
        assert [e.field for e in refused.value.errors] == ["kind", "category"]
        assert refused.value.errors[0].message == (
            "must be one of: opinion, suggestion, complaint")
        with pytest.raises(NotFound, match="there is no survey feedback item"):
            confirm_item(session, system.rt, item_id=item.id + 100, kind="opinion",
                         actor="clerk")
        assert unconfirmed_items(session, survey.id) == 1


def test_every_confirmed_complaint_opens_one_owner_case_from_the_survey(
        shipped: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    on_paper, by_link, *_ = survey.sampled()
    survey.answer([on_paper], {"opinions": f"{LIFT}；Too noisy at night", "suggestions": PARKING})
    with shipped.sessions() as session:
        assert by_link.link_token is not None
        submit_by_code(session, shipped.rt, code=by_link.link_token,
                       answers={"opinions": "The bins are dirty"})
        session.commit()
    lift, _noise, parking, bins = suggested(shipped, survey)
    confirm(shipped, lift, "complaint")
    confirm(shipped, parking, "suggestion")
    confirm(shipped, bins, "complaint", "hygiene")  # noise stays unconfirmed: no case yet

    with shipped.sessions() as session:
        cases = open_complaint_cases(session, shipped.rt, survey.id, actor="clerk")
        session.commit()
        assert [(c.description, c.category, c.channel, c.type) for c in cases] == [
            (LIFT, "facilities", "in_person", "complaint"),
            ("The bins are dirty", "hygiene", "web", "complaint")]
        answered = {r.unit_id: r.submitted_at for r in session.scalars(select(SurveyResponse))}
        assert [(c.unit_id, c.received_at) for c in cases] == [
            (u, answered[u]) for u in (on_paper.unit_id, by_link.unit_id)]
        assert cases[0].complainant_name.startswith("Owner of A-")
        assert all(c.instance_id is not None for c in cases)
        origin = session.scalars(select(CaseRecord).where(
            CaseRecord.case_id == cases[0].id, CaseRecord.kind == "survey_complaint")).one()
        assert origin.data == {"campaign_id": survey.id, "campaign": survey.number,
                               "item_id": lift.id}
        linked = {i.text: i.case_id for i in feedback_items(session, survey.id)}
        assert linked == {LIFT: cases[0].id, "Too noisy at night": None, PARKING: None,
                          "The bins are dirty": cases[1].id}
        assert open_complaint_cases(session, shipped.rt, survey.id, actor="clerk") == []
        assert len(session.scalars(select(Case)).all()) == 2


def test_a_complaint_that_opened_a_case_stays_a_complaint(
        shipped: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:1], {"opinions": LIFT})
    [item] = suggested(shipped, survey)
    confirm(shipped, item, "complaint")
    with shipped.sessions() as session:
        open_complaint_cases(session, shipped.rt, survey.id, actor="clerk")
        session.commit()
    with shipped.sessions() as session, pytest.raises(Conflict, match="stays a complaint"):
        confirm_item(session, shipped.rt, item_id=item.id, kind="opinion", actor="clerk")
    assert confirm(shipped, item, "complaint", "other").confirmed_category == "other"


def test_confirmed_items_are_counted_by_their_confirmed_kind_and_category(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:1], {"opinions": f"{LIFT}；The lift light is broken",
                                         "suggestions": PARKING})
    lift, light, parking = suggested(system, survey)
    confirm(system, lift, "complaint")
    confirm(system, light, "suggestion", "facilities")  # the guess was a complaint
    confirm(system, parking, "suggestion", "parking")
    with system.sessions() as session:
        counts = feedback_counts(feedback_items(session, survey.id))
    assert counts == {"opinion": {}, "suggestion": {"facilities": 1, "parking": 1},
                      "complaint": {"facilities": 1}}
