"""The yearly owner survey (P4), persisted and reloaded at every step, on a frozen clock."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from engine.cases.models import Case, CaseRecord
from engine.common.audit import AuditEvent
from engine.common.errors import Conflict, FormInvalid, NotFound, SurveyCodeExpired, SurveyCodeUsed
from engine.surveys.campaigns import campaign_return_rate
from engine.surveys.feedback import confirm_item, feedback_items
from engine.surveys.models import FeedbackItem, SampledUnit, SurveyCampaign, SurveyResponse
from engine.surveys.report import campaign_report, tabulate_campaign
from engine.surveys.responses import (
    enter_response,
    non_respondents,
    open_form,
    paper_forms,
    submit_by_code,
)
from engine.system import System
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.timers.schedules import fire_due_schedules
from tests.support.surveys import BUILDING_SIZES, GOOD, PLAN, SurveyDriver, add_units_to_survey

COMPLAINT = "The lift in block A is broken again and nobody came, terrible service"


@pytest.fixture
def office(shipped: System) -> System:
    add_units_to_survey(shipped)
    return shipped


def answer_by_code(system: System, sampled: list[SampledUnit],
                   answers: dict[str, object] = GOOD) -> None:
    for unit in sampled:
        with system.sessions() as session:
            assert unit.response_code is not None
            submit_by_code(session, system.rt, code=unit.response_code, answers=dict(answers))
            session.commit()


def enter(system: System, campaign_id: int, sampled: list[SampledUnit], channel: str,
          answers: dict[str, object] = GOOD) -> None:
    for unit in sampled:
        with system.sessions() as session:
            enter_response(session, system.rt, campaign_id=campaign_id, answers=dict(answers),
                           channel=channel, actor="clerk", sampled_unit_id=unit.id)
            session.commit()


def waiting(system: System, campaign_id: int) -> list[SampledUnit]:
    with system.sessions() as session:
        return non_respondents(session, campaign_id)


def test_300_units_give_a_proportional_sample_of_at_least_45(office: System) -> None:
    survey = SurveyDriver.start(office)
    with pytest.raises(FormInvalid) as refused:
        survey.do("plan_survey", {"survey_year": 2026, "questionnaire_code": "standard",
                                  "target_percent": 14, "collection_days": 21,
                                  "reminder_every": "P7D"})
    assert refused.value.errors[0].field == "target_percent"
    assert "plan_survey" in survey.open()  # nothing lost: the plan is still to be made

    campaign = survey.approved()
    sample = survey.sampled()
    assert campaign.state == "collecting" and campaign.units_total == 300
    assert len(sample) == 45 >= math.ceil(Fraction(15, 100) * 300)
    assert len({s.unit_id for s, _ in sample}) == 45
    per_building = Counter(code for _, code in sample)
    for code, units in BUILDING_SIZES.items():
        assert abs(per_building[code] - Fraction(45 * units, 300)) <= 1
    assert campaign.seed is not None and campaign.approved_by == "boss"
    codes = [s.response_code for s, _ in sample]
    assert all(c and len(c) == 12 for c in codes) and len(set(codes)) == 45
    assert all(s.link_token and len(s.link_token) >= 40 for s, _ in sample)
    assert campaign.deadline == office.rt.clock.now() + timedelta(days=21)
    with office.sessions() as session:
        printed = paper_forms(session, campaign.id)
    assert sorted(f.response_code for f in printed) == sorted(c for c in codes if c)
    assert printed[0].unit_label.startswith("A-") and printed[0].owner_name.startswith("Owner of")


def test_link_paper_and_follow_up_answers_reach_75_percent_and_go_on_to_tabulation(
        office: System) -> None:
    survey = SurveyDriver.start(office)
    campaign = survey.approved({"target_percent": 20})  # 60 of 300: more than the minimum
    sample = [s for s, _ in survey.sampled()]
    assert len(sample) == 60
    answer_by_code(office, sample[:30])
    answer_by_code(office, sample[30:31], {**GOOD, "opinions": COMPLAINT})
    enter(office, campaign.id, sample[31:40], "paper")

    assert survey.wait(timedelta(days=7, seconds=1)) == 1  # the first reminder
    with office.sessions() as session:
        reminded = {s.id: s.reminders_recorded for s in session.scalars(
            select(SampledUnit).where(SampledUnit.campaign_id == campaign.id))}
    assert sorted(set(reminded.values())) == [0, 1]
    assert [s for s in reminded if reminded[s] == 1] == [s.id for s in sample[40:]]

    survey.wait(timedelta(days=14))  # the deadline: 40 / 60 is below 75 %
    with office.sessions() as session:
        rate = campaign_return_rate(session, campaign.id)
        assert (rate.returned, rate.sent, rate.reached) == (40, 60, False)
        printed = {f.sampled_unit_id: f for f in paper_forms(session, campaign.id)}
        phones = {s.id: s.unit.owners[0].phone for s in session.scalars(
            select(SampledUnit).where(SampledUnit.campaign_id == campaign.id))}
    visits = survey.visits()  # one visit or call per unit that has not answered
    missing = waiting(office, campaign.id)
    assert len(visits) == len(missing) == 20
    for unit in missing:
        form = printed[unit.id]
        task = visits[form.unit_label]
        assert (task.title, task.role, task.process_id) == (
            "Visit or call the unit", "customer_service", "survey_follow_up")
        assert survey.visit_of(task.id) == {
            "sampled_unit_id": unit.id, "unit": form.unit_label, "owner": form.owner_name,
            "phone": phones[unit.id], "address": form.address,
            "response_code": form.response_code, "estate_id": task.estate_id}
    with office.sessions() as session, pytest.raises(SurveyCodeExpired):
        assert sample[50].response_code is not None
        submit_by_code(session, office.rt, code=sample[50].response_code, answers=dict(GOOD))

    labels = [printed[u.id].unit_label for u in missing]
    for label in labels[:3]:
        survey.visit(label, "answered_on_paper", GOOD)
    for label in labels[3:5]:
        survey.visit(label, "answered_by_phone", GOOD)  # 45 / 60 = 75 % exactly
    survey.visit(labels[5], "refused")
    assert len(survey.visits()) == 14 and "categorise_feedback" not in survey.open()
    for label in labels[6:]:
        survey.visit(label, "not_reachable")  # the round ends with its last task

    assert "categorise_feedback" in survey.open() and survey.visits() == {}
    assert survey.campaign().state == "tabulated"
    with office.sessions() as session:
        channels = Counter(session.scalars(select(SurveyResponse.channel)
                                           .where(SurveyResponse.campaign_id == campaign.id)))
        report = campaign_report(session, campaign.id)
    assert channels == {"link": 31, "paper": 9, "follow_up": 5}
    assert report["return_rate"]["rate"] == "3/4" and report["return_rate"]["reached"]
    assert report["tabulation"]["overall"]["overall"]["counts"]["4"] == 45
    assert sum(b["returned"] for b in report["by_building"]) == 45


def test_a_complaint_in_an_answer_opens_an_owner_case_linked_to_the_survey(
        office: System) -> None:
    survey = SurveyDriver.start(office)
    campaign = survey.approved()
    sample = [s for s, _ in survey.sampled()]
    answer_by_code(office, sample[:1], {**GOOD, "opinions": COMPLAINT,
                                        "suggestions": "建議增加停車位"})
    answer_by_code(office, sample[1:34])
    enter(office, campaign.id, sample[34:36], "paper")  # 36 / 45 = 80 %
    survey.wait(timedelta(days=21, seconds=1))
    assert "categorise_feedback" in survey.open()

    with office.sessions() as session:
        every_item = feedback_items(session, campaign.id)
    items = {i.text: i for i in every_item}
    assert len(every_item) == 36 + 1  # one opinion each, and the first one's suggestion
    assert items[COMPLAINT].suggested_kind == "complaint"
    assert items[COMPLAINT].suggested_category == "facilities"
    assert items["建議增加停車位"].suggested_kind == "suggestion"
    with pytest.raises(FormInvalid) as refused:  # staff confirm every item first
        survey.do("categorise_feedback", {"categorise_notes": "done"})
    assert "confirmed" in refused.value.errors[0].message
    for item in every_item:
        with office.sessions() as session:
            confirm_item(session, office.rt, item_id=item.id, kind=item.suggested_kind,
                         actor="clerk")
            session.commit()
    survey.do("categorise_feedback", {"categorise_notes": "one complaint, one suggestion"})

    with office.sessions() as session:
        item = session.get(FeedbackItem, items[COMPLAINT].id)
        assert item is not None and item.case_id is not None
        case = session.get(Case, item.case_id)
        assert case is not None
        assert (case.type, case.category, case.channel, case.description) == (
            "complaint", "facilities", "web", COMPLAINT)
        assert case.unit_id == sample[0].unit_id and case.instance_id is not None
        origin = session.scalars(select(CaseRecord).where(
            CaseRecord.case_id == case.id, CaseRecord.kind == "survey_complaint")).one()
        assert origin.data["campaign"] == campaign.number
        p1 = session.get(ProcessInstance, case.instance_id)
        assert p1 is not None and p1.process_id == "owner_case"
        assert session.scalars(select(HumanTask.element_id)
                               .where(HumanTask.instance_id == p1.id)).all() == ["triage"]
        suggestion = session.get(FeedbackItem, items["建議增加停車位"].id)
        assert suggestion is not None and suggestion.case_id is None

    survey.do("approve_report", {"report_decision": "approve"}, actor="boss")
    assert survey.status() == "completed"
    published = survey.campaign()
    assert published.state == "published" and published.report_approved_by == "boss"
    assert published.archived_report["feedback"]["counts"]["complaint"] == {"facilities": 1}


def test_below_75_percent_closes_only_with_the_supervisors_recorded_reason(
        office: System) -> None:
    survey = SurveyDriver.start(office)
    campaign = survey.approved()
    sample = [s for s, _ in survey.sampled()]
    answer_by_code(office, sample[:20])
    survey.wait(timedelta(days=21, seconds=1))
    first_round = sorted(survey.visits())
    assert len(first_round) == 25
    for label in first_round[:3]:
        survey.visit(label, "answered_by_phone", GOOD)
    for label in first_round[3:]:
        survey.visit(label, "not_reachable")
    assert "review_shortfall" in survey.open()  # still 23 / 45

    with office.sessions() as session, pytest.raises(Conflict, match="recorded reason"):
        tabulate_campaign(session, office.rt, campaign.id, actor="boss")
    with pytest.raises(FormInvalid) as refused:
        survey.do("review_shortfall", {"shortfall_decision": "close_below_target"},
                  actor="boss")
    assert refused.value.errors[0].field == "shortfall_reason"

    survey.do("review_shortfall", {"shortfall_decision": "another_round"}, actor="boss")
    second_round = sorted(survey.visits())  # only the units still missing
    assert second_round == first_round[3:] and len(waiting(office, campaign.id)) == 22
    for label in second_round[:2]:
        survey.visit(label, "answered_on_paper", GOOD)
    for label in second_round[2:]:
        survey.visit(label, "refused")
    assert "review_shortfall" in survey.open()  # 25 / 45
    reason = "Block D is being renovated; most of its owners live elsewhere until June"
    survey.do("review_shortfall", {"shortfall_decision": "close_below_target",
                                   "shortfall_reason": reason}, actor="boss")

    closed = survey.campaign()
    assert (closed.below_target_reason, closed.below_target_by) == (reason, "boss")
    assert closed.state == "tabulated" and closed.tabulation["responses"] == 25
    assert "categorise_feedback" in survey.open()


def test_a_code_answers_once_and_not_after_the_deadline(office: System) -> None:
    survey = SurveyDriver.start(office)
    campaign = survey.approved()
    first, second = [s for s, _ in survey.sampled()][:2]
    assert first.response_code is not None and second.link_token is not None

    with office.sessions() as session:
        form = open_form(session, office.rt, first.response_code.lower())  # as typed
        assert form.campaign_number == campaign.number and form.questionnaire.code == "standard"
    with office.sessions() as session, pytest.raises(FormInvalid):
        submit_by_code(session, office.rt, code=first.response_code, answers={"overall": 9})
    answer_by_code(office, [first])
    for attempt in (lambda s: open_form(s, office.rt, first.response_code or ""),
                    lambda s: submit_by_code(s, office.rt, code=first.response_code or "",
                                             answers=dict(GOOD)),
                    lambda s: enter_response(s, office.rt, campaign_id=campaign.id,
                                             answers=dict(GOOD), channel="paper",
                                             actor="clerk", code=first.response_code)):
        with office.sessions() as session, pytest.raises(SurveyCodeUsed):
            attempt(session)
    with office.sessions() as session, pytest.raises(NotFound):
        open_form(session, office.rt, "NOSUCHCODE99")

    assert campaign.deadline is not None
    office.rt.clock.set(campaign.deadline)  # type: ignore[attr-defined]
    with office.sessions() as session, pytest.raises(SurveyCodeExpired):
        submit_by_code(session, office.rt, code=second.link_token, answers=dict(GOOD))
    with office.sessions() as session:
        assert session.scalars(select(SurveyResponse.sampled_unit_id)).all() == [first.id]


def test_the_yearly_schedule_starts_a_survey_each_january(office: System) -> None:
    office.rt.clock.set(datetime(2027, 1, 15, 1, 0, 1, tzinfo=UTC))  # type: ignore[attr-defined]
    # Other yearly processes may share the date: the one survey instance below is the check.
    assert fire_due_schedules(office.sessions, office.rt) >= 1
    with office.sessions() as session:
        instance = session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_id == "yearly_survey")).one()
        task = session.scalars(select(HumanTask)
                               .where(HumanTask.instance_id == instance.id)).one()
        assert (task.element_id, task.role) == ("plan_survey", "customer_service")
        assert session.scalars(select(SurveyCampaign)).all() == []  # nothing before approval


def test_a_unit_that_answered_meanwhile_is_not_entered_twice(office: System) -> None:
    survey = SurveyDriver.start(office)
    campaign = survey.approved()
    sample = [s for s, _ in survey.sampled()]
    answer_by_code(office, sample[:30])
    survey.wait(timedelta(days=21, seconds=1))
    visits = survey.visits()
    assert len(visits) == 15
    late, other = sorted(visits)[:2]
    late_unit = survey.visit_of(visits[late].id)["sampled_unit_id"]
    # Its paper form came back by post after the deadline and the office entered it.
    enter(office, campaign.id, [s for s in sample if s.id == late_unit], "paper")

    with pytest.raises(FormInvalid) as refused:
        survey.visit(late, "answered_by_phone", GOOD)
    assert refused.value.errors[0].field == "visit_outcome"
    assert f"unit {late} answered already (paper" in refused.value.errors[0].message
    with pytest.raises(FormInvalid) as refused:  # the other unit has not answered
        survey.visit(other, "answered_already")
    assert refused.value.errors[0].field == "visit_outcome"
    with pytest.raises(FormInvalid) as refused:  # answers are needed, and not empty ones
        survey.visit(other, "answered_on_paper")
    assert refused.value.errors[0].field == "answers"
    with pytest.raises(FormInvalid) as refused:
        survey.visit(other, "answered_on_paper", {"opinions": "  "})
    assert refused.value.errors[0].field == "answers"
    assert len(survey.visits()) == 15  # nothing refused was recorded

    survey.visit(late, "answered_already")  # the task is done; the unit's answer stays one
    survey.visit(other, "answered_on_paper", {**GOOD, "overall": 2})
    with office.sessions() as session:
        channels = {unit: channel for unit, channel in session.execute(
            select(SurveyResponse.sampled_unit_id, SurveyResponse.channel)
            .where(SurveyResponse.campaign_id == campaign.id))}
        outcomes = [e.data["outcome"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "survey_follow_up_visit")
            .order_by(AuditEvent.id))]
    assert channels[late_unit] == "paper" and Counter(channels.values()) == {
        "link": 30, "paper": 1, "follow_up": 1}
    assert outcomes == ["answered_already", "answered_on_paper"]


def test_a_second_survey_in_the_same_year_needs_the_supervisors_reason(office: System) -> None:
    SurveyDriver.start(office).approved()
    again = SurveyDriver.start(office)
    again.do("plan_survey", PLAN)
    with pytest.raises(FormInvalid) as refused:
        again.do("approve_plan", {"plan_decision": "approve", "repeat_reason": " "},
                 actor="boss")
    assert [e.field for e in refused.value.errors] == ["repeat_reason"]
    assert "approve_plan" in again.open()  # nothing lost: the plan waits for a decision
    with office.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SurveyCampaign)) == 1

    reason = "The estate changed hands in July; the new committee asked for a fresh survey"
    again.do("approve_plan", {"plan_decision": "approve", "repeat_reason": reason},
             actor="boss")
    campaign = again.campaign()
    assert campaign.repeat_reason == reason and campaign.approved_by == "boss"
    assert campaign.state == "collecting"
    with office.sessions() as session:
        opened = session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "survey_opened",
            AuditEvent.instance_id == again.instance_id)).one()
    assert (opened.actor, opened.data["repeat_reason"]) == ("boss", reason)


def test_a_survey_of_another_year_needs_no_reason(office: System) -> None:
    SurveyDriver.start(office).approved()
    campaign = SurveyDriver.start(office).approved({"survey_year": 2027})
    assert campaign.repeat_reason is None and campaign.year == 2027
