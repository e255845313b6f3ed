"""Answers to the survey: one-time codes and links, paper forms entered by staff, one per unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.common.errors import Conflict, FormInvalid, NotFound, SurveyCodeExpired, SurveyCodeUsed
from engine.surveys.campaigns import close_below_target
from engine.surveys.models import SampledUnit, SurveyResponse
from engine.surveys.responses import (
    enter_response,
    non_respondents,
    open_form,
    paper_forms,
    submit_by_code,
)
from engine.system import System
from tests.engine.surveys.conftest import OpenSurvey, Survey
from tests.support.surveys import GOOD


def code_of(sampled: SampledUnit) -> str:
    assert sampled.response_code is not None
    return sampled.response_code


def responses(system: System, survey: Survey) -> list[tuple[int, str, str | None]]:
    """Each stored answer as (sampled unit, channel, entered by)."""
    with system.sessions() as session:
        return [tuple(r) for r in session.execute(  # type: ignore[misc]
            select(SurveyResponse.sampled_unit_id, SurveyResponse.channel,
                   SurveyResponse.entered_by).where(SurveyResponse.campaign_id == survey.id)
            .order_by(SurveyResponse.id))]


def test_paper_forms_print_each_sampled_units_owner_and_code(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    with system.sessions() as session:
        forms = paper_forms(session, survey.id)
    sampled = survey.sampled()
    assert [f.sampled_unit_id for f in forms] == [s.id for s in sampled]
    assert [f.response_code for f in forms] == [s.response_code for s in sampled]
    assert [f.unit_label[0] for f in forms] == ["A", "A", "B", "B"]
    assert all(f.owner_name == f"Owner of {f.unit_label}" for f in forms)
    assert {f.deadline for f in forms} == {survey.campaign().deadline}


def test_no_paper_forms_before_distribution(system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey(days=None)
    with system.sessions() as session, pytest.raises(Conflict, match="not been distributed"):
        paper_forms(session, survey.id)


@pytest.mark.parametrize("typed", [str.lower, lambda c: f" {c[:4]}-{c[4:8]} {c[8:]} "])
def test_a_code_opens_the_form_however_it_was_typed(
        system: System, open_survey: OpenSurvey, typed: object) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    with system.sessions() as session:
        form = open_form(session, system.rt, typed(code_of(sampled)))  # type: ignore[operator]
        assert (form.sampled_unit_id, form.campaign_number, form.year) == (
            sampled.id, survey.number, 2026)
        assert form.deadline == survey.campaign().deadline
        assert form.questionnaire.code == "standard" and form.unit_label.startswith("A-")


@pytest.mark.parametrize("code", ["", "   ", "NOSUCHCODE99"])
def test_an_unknown_or_blank_code_opens_nothing(system: System, open_survey: OpenSurvey,
                                                code: str) -> None:
    open_survey()
    with system.sessions() as session, pytest.raises(NotFound, match="no survey form"):
        open_form(session, system.rt, code)


def test_the_owners_answer_by_link_uses_up_the_code(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    sampled = survey.sampled()[1]
    assert sampled.link_token is not None
    with system.sessions() as session:
        response = submit_by_code(session, system.rt, code=sampled.link_token,
                                  answers=dict(GOOD))
        session.commit()
    assert response.submitted_at == clock.now() and response.answers == GOOD
    assert responses(system, survey) == [(sampled.id, "link", None)]
    assert survey.sampled()[1].used_at == clock.now()
    for code in (sampled.link_token, code_of(sampled)):
        with system.sessions() as session, pytest.raises(SurveyCodeUsed, match="already"):
            open_form(session, system.rt, code)


def test_refused_answers_come_back_and_leave_the_code_unused(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        submit_by_code(session, system.rt, code=code_of(sampled),
                       answers={**GOOD, "security": 9, "colour": "blue"})
    assert [e.field for e in refused.value.errors] == ["", "security"]  # colour: not asked
    assert responses(system, survey) == [] and survey.sampled()[0].used_at is None
    with system.sessions() as session:
        submit_by_code(session, system.rt, code=code_of(sampled), answers={"overall": 5})


def test_the_owners_code_expires_at_the_deadline(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey(days=21)
    sampled = survey.sampled()[0]
    clock.advance(timedelta(days=21) - timedelta(seconds=1))
    with system.sessions() as session:
        open_form(session, system.rt, code_of(sampled))  # the last second still counts
    clock.advance(timedelta(seconds=1))
    with system.sessions() as session, pytest.raises(SurveyCodeExpired) as refused:
        submit_by_code(session, system.rt, code=code_of(sampled), answers=dict(GOOD))
    assert refused.value.message == (f"survey {survey.number} closed on 2026-03-23; "
                                     "this code can no longer be used")


def test_staff_enter_a_paper_form_by_its_code_even_after_the_deadline(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey(days=21)
    sampled = survey.sampled()[2]
    clock.advance(timedelta(days=30))  # handed in late, while the follow-up round runs
    with system.sessions() as session:
        enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                       channel="paper", actor="clerk", code=code_of(sampled).lower())
        session.commit()
    assert responses(system, survey) == [(sampled.id, "paper", "clerk")]


def test_a_second_answer_for_a_unit_is_refused(system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    survey.answer([sampled], channel="paper")
    for channel in ("paper", "follow_up"):
        with system.sessions() as session, pytest.raises(SurveyCodeUsed) as refused:
            enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                           channel=channel, actor="clerk2", sampled_unit_id=sampled.id)
        assert "a unit answers once" in refused.value.message
    with system.sessions() as session, pytest.raises(SurveyCodeUsed):
        submit_by_code(session, system.rt, code=code_of(sampled), answers=dict(GOOD))
    assert responses(system, survey) == [(sampled.id, "paper", "clerk")]


def test_staff_enter_answers_only_as_paper_or_follow_up(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    with system.sessions() as session:
        with pytest.raises(FormInvalid) as refused:
            enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                           channel="link", actor="clerk", sampled_unit_id=survey.sampled()[0].id)
        assert refused.value.errors[0].field == "channel"
        with pytest.raises(FormInvalid) as refused:
            enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                           channel="paper", actor="clerk")
        assert refused.value.errors[0].field == "code"


def test_a_form_of_another_survey_is_not_entered_into_this_one(
        system: System, open_survey: OpenSurvey) -> None:
    this, other = open_survey(), open_survey()
    with system.sessions() as session, pytest.raises(NotFound) as refused:
        enter_response(session, system.rt, campaign_id=this.id, answers=dict(GOOD),
                       channel="paper", actor="clerk", code=code_of(other.sampled()[0]))
    assert refused.value.message == f"this form does not belong to survey {this.number}"


def test_no_answers_are_entered_once_collection_is_closed_for_good(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    first, second, *_ = survey.sampled()
    survey.answer([first])
    with system.sessions() as session:
        close_below_target(session, system.rt, survey.id, reason="owners abroad", actor="boss")
        session.commit()
    with system.sessions() as session, pytest.raises(Conflict, match="no longer takes answers"):
        enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                       channel="follow_up", actor="clerk", sampled_unit_id=second.id)


def test_the_non_respondents_are_the_sampled_units_without_an_answer(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()
    survey.answer([sampled[1], sampled[3]])
    with system.sessions() as session:
        assert [s.id for s in non_respondents(session, survey.id)] == [sampled[0].id,
                                                                        sampled[2].id]
