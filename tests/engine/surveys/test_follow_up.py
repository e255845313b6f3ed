"""The follow-up round: whom to visit or call, what the task shows, how a visit is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.errors import NotFound, SurveyCodeUsed
from engine.directory.models import Unit
from engine.surveys.follow_up import (
    follow_up_units,
    follow_up_visit,
    open_follow_up_round,
    open_follow_ups,
    record_visit,
    visit_problems,
)
from engine.surveys.models import SampledUnit, SurveyFollowUp, SurveyResponse
from engine.system import System
from engine.workflow.instances import load_workflow
from engine.workflow.models import ProcessInstance
from tests.engine.surveys.conftest import Estates, OpenSurvey, Survey
from tests.support.surveys import GOOD


def visit(system: System, survey: Survey, sampled: SampledUnit, outcome: str,
          answers: dict[str, Any] | None = None) -> dict[str, Any]:
    with system.sessions() as session:
        result = record_visit(session, system.rt, campaign_id=survey.id,
                              sampled_unit_id=sampled.id, outcome=outcome,
                              answers=answers or {}, actor="clerk2")
        session.commit()
    return result


def problems(system: System, survey: Survey, sampled: SampledUnit,
             submitted: dict[str, Any]) -> list[tuple[str, str]]:
    """What the completion check says of the visit task's ``submitted`` data."""
    with system.sessions() as session:
        data = {"survey": {"id": survey.id, "number": survey.number},
                "visit": follow_up_visit(session, survey.id, sampled.id)}
        return [(e.field, e.message) for e in visit_problems(session, data, submitted)]


def test_each_round_visits_the_units_still_without_an_answer(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()
    with system.sessions() as session:
        assert follow_up_units(session, survey.id) == [s.id for s in sampled]
    survey.answer([sampled[0]])
    visit(system, survey, sampled[1], "answered_by_phone", GOOD)
    visit(system, survey, sampled[2], "not_reachable")
    with system.sessions() as session:
        assert follow_up_units(session, survey.id) == [sampled[2].id, sampled[3].id]
        with pytest.raises(NotFound, match="there is no survey campaign"):
            follow_up_units(session, survey.id + 100)


def open_round(system: System, survey: Survey) -> tuple[int, int]:
    with system.sessions() as session:
        opened = open_follow_up_round(session, system.rt, campaign_id=survey.id, actor="boss")
        session.commit()
    return opened


def test_a_round_starts_an_instance_per_unit_still_missing_given_only_the_ids(
        shipped: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()
    survey.answer([sampled[0]])
    assert open_round(shipped, survey) == (1, 3)
    with shipped.sessions() as session:
        visits = open_follow_ups(session, survey.id)
        instances = [session.get_one(ProcessInstance, v.instance_id) for v in visits]
        labels = [session.get_one(Unit, s.unit_id).label for s in sampled[1:]]
        data = [dict(load_workflow(session, shipped.rt, i).last_task.data) for i in instances]
    assert [v.sampled_unit_id for v in visits] == [s.id for s in sampled[1:]]
    assert [i.business_key for i in instances] == [f"{survey.number}-{x}" for x in labels]
    assert {(i.process_id, i.status) for i in instances} == {("survey_follow_up", "running")}
    assert [(d["campaign_id"], d["sampled_unit_id"], d["visit"]["unit"]) for d in data] == [
        (survey.id, s.id, x) for s, x in zip(sampled[1:], labels, strict=True)]


def test_recording_a_visit_closes_its_row_and_the_next_round_visits_who_is_left(
        shipped: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()
    open_round(shipped, survey)
    visit(shipped, survey, sampled[0], "answered_by_phone", GOOD)
    visit(shipped, survey, sampled[1], "refused")
    with shipped.sessions() as session:
        assert [v.sampled_unit_id for v in open_follow_ups(session, survey.id)] == [
            s.id for s in sampled[2:]]
        done = session.scalars(select(SurveyFollowUp).where(
            SurveyFollowUp.outcome.is_not(None)).order_by(SurveyFollowUp.id)).all()
    assert [(v.sampled_unit_id, v.outcome, v.recorded_by) for v in done] == [
        (sampled[0].id, "answered_by_phone", "clerk2"), (sampled[1].id, "refused", "clerk2")]
    visit(shipped, survey, sampled[2], "not_reachable")
    visit(shipped, survey, sampled[3], "not_reachable")
    assert open_round(shipped, survey) == (2, 3)  # the unit that answered is not visited again
    with shipped.sessions() as session:
        second = open_follow_ups(session, survey.id)
    assert [(v.sampled_unit_id, v.round_number) for v in second] == [
        (s.id, 2) for s in sampled[1:]]


def test_the_visit_task_shows_the_unit_its_owner_and_code(
        system: System, estates: Estates, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[3]
    with system.sessions() as session:
        shown = follow_up_visit(session, survey.id, sampled.id)
        unit = session.get_one(Unit, sampled.unit_id)
        label, phone = unit.label, unit.owners[0].phone
    assert shown == {"sampled_unit_id": sampled.id, "unit": label, "owner": f"Owner of {label}",
                     "phone": phone, "address": "", "response_code": sampled.response_code,
                     "estate_id": estates.harmony}
    assert label.startswith("B-") and phone


def test_a_unit_of_another_survey_has_no_visit_here(
        system: System, open_survey: OpenSurvey) -> None:
    this, other = open_survey(), open_survey()
    stranger = other.sampled()[0]
    with system.sessions() as session, pytest.raises(NotFound) as refused:
        follow_up_visit(session, this.id, stranger.id)
    assert refused.value.message == f"sampled unit {stranger.id} is not in survey {this.id}"


def test_an_owner_who_answers_at_the_visit_gets_a_follow_up_response(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    result = visit(system, survey, sampled, "answered_on_paper", {**GOOD, "overall": 2})
    with system.sessions() as session:
        response = session.scalars(select(SurveyResponse)).one()
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "survey_follow_up_visit")).one()
    assert result == {"sampled_unit_id": sampled.id, "outcome": "answered_on_paper",
                      "response_id": response.id}
    assert (response.sampled_unit_id, response.channel, response.entered_by) == (
        sampled.id, "follow_up", "clerk2")
    assert response.answers["overall"] == 2
    assert event.data["outcome"] == "answered_on_paper" and event.actor == "clerk2"


@pytest.mark.parametrize("outcome", ["not_reachable", "refused", "answered_already"])
def test_a_visit_without_answers_is_noted_and_enters_nothing(
        system: System, open_survey: OpenSurvey, outcome: str) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    assert visit(system, survey, sampled, outcome, GOOD)["response_id"] is None
    with system.sessions() as session:
        assert session.scalars(select(SurveyResponse)).all() == []
        [event] = session.scalars(select(AuditEvent.data).where(
            AuditEvent.kind == "survey_follow_up_visit")).all()
    assert event == {"campaign_id": survey.id, "sampled_unit_id": sampled.id,
                     "outcome": outcome, "response_id": None}


def test_recording_a_second_answer_for_a_unit_is_refused(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    survey.answer([sampled])
    with pytest.raises(SurveyCodeUsed, match="answers once"):
        visit(system, survey, sampled, "answered_by_phone", GOOD)


def test_the_task_refuses_an_answer_for_a_unit_that_answered_meanwhile(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    survey.answer([sampled], channel="paper")
    with system.sessions() as session:
        label = session.get_one(Unit, sampled.unit_id).label
    [(field, message)] = problems(system, survey, sampled,
                                  {"visit_outcome": "answered_by_phone", "answers": GOOD})
    assert field == "visit_outcome"
    assert message.startswith(f"unit {label} answered already (paper, 2026-03-02)")
    assert problems(system, survey, sampled, {"visit_outcome": "answered_already"}) == []


def test_the_task_refuses_answered_already_for_a_unit_that_has_not(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    with system.sessions() as session:
        label = session.get_one(Unit, sampled.unit_id).label
    assert problems(system, survey, sampled, {"visit_outcome": "answered_already"}) == [
        ("visit_outcome", f"unit {label} has not answered yet")]
    for outcome in ("not_reachable", "refused"):
        assert problems(system, survey, sampled, {"visit_outcome": outcome}) == []


def test_the_task_checks_the_answers_against_the_questionnaire(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    wrong = problems(system, survey, sampled, {"visit_outcome": "answered_by_phone",
                                               "answers": {**GOOD, "repairs": 7}})
    assert [field for field, _ in wrong] == ["answers.repairs"]
    for empty in ({}, {"answers": {"opinions": " "}}):
        [(field, message)] = problems(system, survey, sampled,
                                      {"visit_outcome": "answered_on_paper", **empty})
        assert (field, message) == ("answers", "the form is empty: answer at least one question")
    assert problems(system, survey, sampled, {"visit_outcome": "answered_on_paper",
                                              "answers": GOOD}) == []


def test_the_task_check_leaves_other_data_alone_and_refuses_an_unknown_unit(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    with system.sessions() as session:
        assert visit_problems(session, {"visit": {"sampled_unit_id": 1}},
                              {"visit_outcome": "refused"}) == []
        with pytest.raises(NotFound, match="unit Z-999 is not in this survey's sample"):
            visit_problems(session, {"survey": {"id": survey.id},
                                     "visit": {"sampled_unit_id": 10**9, "unit": "Z-999"}},
                           {"visit_outcome": "refused"})


def test_the_task_check_finds_the_survey_in_a_visits_own_start_data(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    sampled = survey.sampled()[0]
    with system.sessions() as session:
        data = {"campaign_id": survey.id, "sampled_unit_id": sampled.id,
                "visit": follow_up_visit(session, survey.id, sampled.id)}
        wrong = visit_problems(session, data, {"visit_outcome": "answered_by_phone",
                                               "answers": {**GOOD, "repairs": 7}})
    assert [e.field for e in wrong] == ["answers.repairs"]
