"""The follow-up round: an instance per unit still missing; the survey waits for the last."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.common.settings import PROJECT_ROOT
from engine.surveys.models import SampledUnit, SurveyCampaign, SurveyFollowUp
from engine.surveys.responses import enter_response, non_respondents
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import load_workflow
from engine.workflow.models import HumanTask, Incident, ProcessInstance, ProcessVersion
from engine.workflow.tasks.complete import complete_task
from tests.support.surveys import GOOD, SurveyDriver, add_units_to_survey

# The survey as deployed when the follow-up visits were children of the campaign's instance.
NESTED = Path(__file__).parent / "fixtures" / "nested_follow_up"


def follow_up_tasks(system: System, campaign_id: int) -> list[HumanTask]:
    """The open visit tasks of the campaign's follow-up instances, in the order they opened."""
    with system.sessions() as session:
        return list(session.scalars(
            select(HumanTask).join(SurveyFollowUp,
                                   SurveyFollowUp.instance_id == HumanTask.instance_id)
            .where(SurveyFollowUp.campaign_id == campaign_id,
                   HumanTask.element_id == "visit_unit")
            .order_by(SurveyFollowUp.id)))


def finish(system: System, task: HumanTask, outcome: str = "not_reachable",
           answers: dict[str, object] | None = None) -> None:
    data = {"visit_outcome": outcome, **({"answers": answers} if answers else {})}
    with system.sessions() as session:
        complete_task(session, system.rt, task_id=task.id, data=data, actor="clerk")
        session.commit()


def past_the_deadline(survey: SurveyDriver) -> None:
    survey.wait(timedelta(days=7, seconds=1))
    survey.wait(timedelta(days=14))


def test_a_round_of_300_units_opens_300_instances_and_the_last_visit_moves_the_survey_on(
        shipped: System) -> None:
    add_units_to_survey(shipped)
    survey = SurveyDriver.start(shipped)
    campaign = survey.approved({"target_percent": 100})
    past_the_deadline(survey)  # nobody answered: 0 / 300

    tasks = follow_up_tasks(shipped, campaign.id)
    assert len(tasks) == 300
    with shipped.sessions() as session:
        visits = session.scalars(select(SurveyFollowUp)
                                 .where(SurveyFollowUp.campaign_id == campaign.id)).all()
        sampled = set(session.scalars(select(SampledUnit.id)
                                      .where(SampledUnit.campaign_id == campaign.id)))
        instances = session.scalars(select(ProcessInstance).where(
            ProcessInstance.id.in_([v.instance_id for v in visits]))).all()
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        first = min(instances, key=lambda i: i.id)
        started_with = dict(load_workflow(session, shipped.rt, first).last_task.data)
        label = session.get_one(SampledUnit, visits[0].sampled_unit_id).unit.label
    assert {v.sampled_unit_id for v in visits} == sampled
    assert {v.round_number for v in visits} == {1} and all(v.outcome is None for v in visits)
    assert len(instances) == 300
    assert {(i.process_id, i.status) for i in instances} == {("survey_follow_up", "running")}
    # Each visit is given the two ids only, and is found by the campaign's number and its unit.
    assert {k: started_with[k] for k in ("campaign_id", "sampled_unit_id")} == {
        "campaign_id": campaign.id, "sampled_unit_id": visits[0].sampled_unit_id}
    assert "survey" not in started_with and "follow_up_units" not in started_with
    assert first.business_key == f"{campaign.number}-{label}"
    # The inbox tells the 300 tasks apart by their unit.
    assert (tasks[0].subject_label, tasks[0].building) == (
        f"{label} · {campaign.number}", label.split("-")[0])
    assert survey.status() == "running" and "review_shortfall" not in survey.open()

    for task in tasks[:-1]:
        finish(shipped, task)
    assert "review_shortfall" not in survey.open()  # one visit is still open
    finish(shipped, tasks[-1])

    assert "review_shortfall" in survey.open()  # 0 / 300: the supervisor decides
    with shipped.sessions() as session:
        ended = session.scalars(select(ProcessInstance.status).where(
            ProcessInstance.process_id == "survey_follow_up")).all()
        recorded = session.scalars(select(SurveyFollowUp.outcome)).all()
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    assert set(ended) == {"completed"} and set(recorded) == {"not_reachable"}


def test_a_round_whose_units_answered_meanwhile_does_not_wait(shipped: System) -> None:
    """Units answering before the next round opens leave it empty; the survey counts again."""
    add_units_to_survey(shipped)
    survey = SurveyDriver.start(shipped)
    campaign = survey.approved()
    past_the_deadline(survey)
    tasks = follow_up_tasks(shipped, campaign.id)
    for task in tasks:
        finish(shipped, task)
    assert "review_shortfall" in survey.open()
    with shipped.sessions() as session:
        for unit in non_respondents(session, campaign.id):  # paper forms handed in late
            enter_response(session, shipped.rt, campaign_id=campaign.id, answers=dict(GOOD),
                           channel="paper", actor="clerk", sampled_unit_id=unit.id)
        session.commit()
    survey.do("review_shortfall", {"shortfall_decision": "another_round"}, actor="boss")
    assert follow_up_tasks(shipped, campaign.id) == []
    with shipped.sessions() as session:
        assert session.scalars(select(SurveyFollowUp.round_number).distinct()).all() == [1]
    assert survey.campaign().state == "tabulated" and "categorise_feedback" in survey.open()


@pytest.mark.postgres_only  # SQLite lets one writer in at a time: no two visits record at once
def test_the_last_two_visits_recorded_at_once_still_move_the_survey_on(shipped: System) -> None:
    """Each sees the other still open unless the second waits for the first to commit."""
    add_units_to_survey(shipped)
    survey = SurveyDriver.start(shipped)
    campaign = survey.approved()
    past_the_deadline(survey)
    *others, first, second = follow_up_tasks(shipped, campaign.id)
    for task in others:
        finish(shipped, task)
    failures: list[BaseException] = []

    def record_second() -> None:
        try:
            finish(shipped, second)
        except BaseException as error:  # handed to the test's thread to fail there
            failures.append(error)

    with shipped.sessions() as session:
        complete_task(session, shipped.rt, task_id=first.id,
                      data={"visit_outcome": "not_reachable"}, actor="clerk")
        other = threading.Thread(target=record_second)
        other.start()
        with shipped.db.connect() as watcher:  # until the second visit waits for the first
            while other.is_alive() and not watcher.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN "
                    "(SELECT pid FROM pg_stat_activity WHERE datname = current_database())")
                    ).scalar():
                pass
        session.commit()
    other.join(timeout=60)
    assert failures == [] and not other.is_alive()
    assert "review_shortfall" in survey.open()


def test_a_survey_started_on_the_nested_diagram_finishes_its_round_there(
        system: System) -> None:
    add_units_to_survey(system)
    with system.sessions() as session:
        bundle = Bundle.from_paths([NESTED / "processes"], forms_root=PROJECT_ROOT / "forms")
        old_start = NESTED / "forms" / "survey_follow_up" / "start.schema.json"
        bundle.forms["survey_follow_up/start.schema.json"] = old_start.read_bytes()
        deploy(session, system.rt, bundle, actor="tests")
        session.commit()
    survey = SurveyDriver.start(system)  # its visits are children of its own instance
    campaign = survey.approved()
    past_the_deadline(survey)
    before = survey.visits()
    assert len(before) == 45 and follow_up_tasks(system, campaign.id) == []
    assert {t.instance_id for t in before.values()} == {survey.instance_id}

    with system.sessions() as session:
        new = deploy(session, system.rt, Bundle.from_paths([PROJECT_ROOT / "processes"]),
                     actor="tests")
        session.commit()
        assert {d.process_id: d.version for d in new
                if d.process_id in ("yearly_survey", "survey_follow_up")} == {
            "yearly_survey": 2, "survey_follow_up": 2}
        pinned = session.get_one(ProcessInstance, survey.instance_id)
        assert session.get_one(ProcessVersion, pinned.process_version_id).version == 1
        schema = json.loads(session.get_one(ProcessVersion, pinned.called_version_ids[0])
                            .forms["start.schema.json"])
    assert schema["required"] == ["survey", "sampled_unit_id"]

    labels = sorted(before)
    for label in labels[:30]:
        finish(system, before[label], "answered_on_paper", GOOD)
    for label in labels[30:]:
        finish(system, before[label])  # 30 / 45: still below 75 %
    assert "review_shortfall" in survey.open() and survey.visits() == {}
    # Another round on the old diagram lists the units again and calls them as children.
    survey.do("review_shortfall", {"shortfall_decision": "another_round"}, actor="boss")
    again = survey.visits()
    assert sorted(again) == labels[30:]
    assert {t.instance_id for t in again.values()} == {survey.instance_id}
    for task in again.values():
        finish(system, task, "refused")
    assert "review_shortfall" in survey.open()
    with system.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        assert session.scalar(select(func.count()).select_from(SurveyFollowUp)) == 0
        assert session.get_one(SurveyCampaign, campaign.id).state == "follow_up"
