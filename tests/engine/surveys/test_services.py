"""The yearly survey's service tasks and completion checks, as the processes call them."""

from __future__ import annotations

import inspect
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.errors import Conflict, ScriptError
from engine.common.settings import PROJECT_ROOT
from engine.surveys.feedback import confirm_item, feedback_items
from engine.surveys.models import SurveyCampaign, SurveyFollowUp
from engine.surveys.services import (
    SURVEY_CHECKS,
    SURVEY_SERVICES,
    check_survey_return_rate,
    close_survey_below_target,
    distribute_survey,
    draw_survey_sample,
    every_item_confirmed,
    list_survey_follow_up_units,
    look_up_survey_follow_up_visit,
    open_survey_campaign,
    open_survey_complaint_cases,
    open_survey_follow_ups,
    publish_survey_report,
    record_survey_follow_up_visit,
    remind_survey_non_respondents,
    suggest_survey_feedback,
    tabulate_survey,
)
from engine.system import System
from engine.workflow.instances import start_instance
from engine.workflow.unit_of_work import UnitOfWork, working_on
from tests.engine.surveys.conftest import Estates
from tests.support.surveys import GOOD

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
PROCESSES = ("yearly_survey", "survey_follow_up")


@pytest.fixture
def work(shipped: System, estates: Estates) -> Iterator[UnitOfWork]:
    """A yearly survey instance's engine operation, with the supervisor as the actor."""
    with shipped.sessions() as session:
        instance = start_instance(session, shipped.rt, process_id="yearly_survey",
                                  actor="clerk")
        unit_of_work = UnitOfWork(session, shipped.rt, instance, "boss")
        with working_on(unit_of_work):
            yield unit_of_work


def sent(percent: float = 20.0) -> int:
    """Open, sample and distribute a campaign of every estate (25 units); its id."""
    campaign_id: int = open_survey_campaign(2026, percent, "standard")["id"]
    draw_survey_sample(campaign_id)
    distribute_survey(campaign_id, 21)
    return campaign_id


def test_a_service_task_outside_an_engine_operation_is_refused() -> None:
    with pytest.raises(ScriptError, match="a service task ran outside an engine operation"):
        draw_survey_sample(1)


def test_the_processes_call_every_survey_service_with_its_parameters() -> None:
    called: dict[str, list[str | None]] = {}
    user_tasks: set[tuple[str, str | None]] = set()
    # Surveys started before the visits were instances of their own still call the list.
    earlier = PROJECT_ROOT / "tests" / "scenarios" / "fixtures" / "nested_follow_up" / "processes"
    diagrams = [(p, PROJECT_ROOT / "processes" / f"{p}.bpmn") for p in PROCESSES] + [
        (p, earlier / f"{p}.bpmn") for p in PROCESSES]
    for process, path in diagrams:
        root = ET.parse(path).getroot()
        for operator in root.iter(f"{SPIFF}serviceTaskOperator"):
            given = operator.iter(f"{SPIFF}parameter")
            called[operator.get("id", "")] = [p.get("id") for p in given]
        user_tasks |= {(process, task.get("id")) for task in root.iter(f"{BPMN}userTask")}
    assert set(called) == set(SURVEY_SERVICES)
    for name, parameters in called.items():
        assert parameters == list(inspect.signature(SURVEY_SERVICES[name]).parameters), name
    assert set(SURVEY_CHECKS) <= user_tasks


def test_the_services_open_sample_distribute_and_remind_for_the_instance(
        work: UnitOfWork) -> None:
    opened = open_survey_campaign(2026, 20.0, "standard")
    assert opened["number"] == "S-2026-000001"
    assert draw_survey_sample(opened["id"]) == {"sample_size": 5}  # 20 % of 25 units
    deadline = work.rt.clock.now() + timedelta(days=21)
    assert distribute_survey(opened["id"], 21) == {"deadline": deadline.isoformat()}
    assert remind_survey_non_respondents(opened["id"]) == {"recorded": 5, "sent": 0}
    row = work.session.get_one(SurveyCampaign, opened["id"])
    assert (row.instance_id, row.approved_by, row.estate_id) == (work.instance.id, "boss", None)
    events = work.session.execute(select(AuditEvent.kind, AuditEvent.actor).where(
        AuditEvent.instance_id == work.instance.id, AuditEvent.kind.like("survey_%"))
        .order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [
        ("survey_opened", "boss"), ("survey_sampled", "boss"), ("survey_distributed", "boss"),
        ("survey_reminders_recorded", None)]


def test_the_follow_up_services_list_look_up_and_record_the_visits(work: UnitOfWork) -> None:
    campaign_id = sent()
    assert check_survey_return_rate(campaign_id)["reached"] is False
    units = list_survey_follow_up_units(campaign_id)
    assert len(units) == 5
    shown = look_up_survey_follow_up_visit(campaign_id, units[0])
    assert shown["sampled_unit_id"] == units[0] and shown["owner"] == f"Owner of {shown['unit']}"
    recorded = record_survey_follow_up_visit(campaign_id, units[0], "answered_by_phone",
                                             dict(GOOD))
    assert recorded["outcome"] == "answered_by_phone" and recorded["response_id"]
    assert record_survey_follow_up_visit(campaign_id, units[1], "refused", {})[
        "response_id"] is None
    assert list_survey_follow_up_units(campaign_id) == units[1:]
    rate = check_survey_return_rate(campaign_id)
    assert (rate["returned"], rate["sent"], rate["rate"]) == (1, 5, "1/5")


def test_the_round_service_opens_a_visit_per_unit_still_missing(work: UnitOfWork) -> None:
    campaign_id = sent()
    first = list_survey_follow_up_units(campaign_id)[0]
    record_survey_follow_up_visit(campaign_id, first, "answered_by_phone", dict(GOOD))
    assert open_survey_follow_ups(campaign_id) == {"round": 1, "opened": 4}
    visits = work.session.scalars(select(SurveyFollowUp).order_by(SurveyFollowUp.id)).all()
    assert [v.sampled_unit_id for v in visits] == list_survey_follow_up_units(campaign_id)
    events = work.session.scalars(select(AuditEvent).where(
        AuditEvent.kind == "survey_follow_up_round_opened")).all()
    assert [(e.actor, e.data) for e in events] == [
        ("boss", {"campaign_id": campaign_id, "round": 1, "visits": 4})]


def test_a_short_survey_closes_with_the_reason_and_is_tabulated(work: UnitOfWork) -> None:
    campaign_id = sent()
    record_survey_follow_up_visit(campaign_id, list_survey_follow_up_units(campaign_id)[0],
                                  "answered_on_paper", dict(GOOD))
    with pytest.raises(Conflict, match="recorded reason"):
        tabulate_survey(campaign_id)
    assert close_survey_below_target(campaign_id, " Lifts replaced in block D ") == {
        "closed_below_target": True, "reason": "Lifts replaced in block D"}
    assert tabulate_survey(campaign_id) == {"responses": 1}


def test_complaint_cases_open_only_once_every_item_is_confirmed(work: UnitOfWork) -> None:
    campaign_id = sent(100.0)
    for unit in list_survey_follow_up_units(campaign_id)[:19]:
        record_survey_follow_up_visit(campaign_id, unit, "answered_by_phone", dict(GOOD))
    units = list_survey_follow_up_units(campaign_id)
    record_survey_follow_up_visit(campaign_id, units[0], "answered_by_phone",
                                  {"opinions": "The lift is broken"})
    tabulate_survey(campaign_id)  # 20 of 25: 80 %
    assert suggest_survey_feedback(campaign_id) == {"items": 20}
    data = {"survey": {"id": campaign_id}}
    [problem] = every_item_confirmed(work.session, data, {"categorise_notes": "done"})
    assert problem.field == "categorise_notes" and problem.message.startswith("20 item(s)")
    with pytest.raises(Conflict, match="20 opinion"):
        open_survey_complaint_cases(campaign_id)

    for item in feedback_items(work.session, campaign_id):
        confirm_item(work.session, work.rt, item_id=item.id, kind=item.suggested_kind,
                     actor="clerk")
    assert every_item_confirmed(work.session, data, {"categorise_notes": "done"}) == []
    [case] = open_survey_complaint_cases(campaign_id)["cases"]
    assert case.startswith("C-2026-")
    assert publish_survey_report(campaign_id) == {
        "published_at": work.rt.clock.now().isoformat()}


@pytest.mark.parametrize("data", [{}, {"survey": None}, {"survey": {"id": "7"}},
                                  {"survey": {"number": "S-2026-000001"}}])
def test_the_categorising_check_leaves_data_without_a_survey_alone(
        work: UnitOfWork, data: dict[str, object]) -> None:
    assert every_item_confirmed(work.session, data, {}) == []
