"""Timer start events become schedules: one new instance per occurrence, across redeploys."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import DefinitionError
from engine.system import System
from engine.workflow.deployments import deploy, validate
from engine.workflow.instances import start_instance
from engine.workflow.models import (
    HumanTask,
    ProcessInstance,
    ProcessVersion,
    Schedule,
    ScheduleOccurrence,
    Timer,
)
from engine.workflow.timers.schedules import fire_due_schedules
from tests.support.diagrams import bundle
from tests.support.schedules import YEARLY, scheduled

NEW_YEAR_2027 = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def ship(system: System, xml: str, pid: str = "yearly_survey") -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml), actor="modeler")
        session.commit()


def schedule(system: System, pid: str = "yearly_survey") -> Schedule:
    with system.sessions() as session:
        return session.scalars(select(Schedule).where(Schedule.process_id == pid)).one()


def started(system: System, pid: str = "yearly_survey") -> list[tuple[str, int, str]]:
    """(scheduled_for, version, open task) of each instance, in start order."""
    with system.sessions() as session:
        rows = session.execute(
            select(ScheduleOccurrence.occurrence_at, ProcessVersion.version, HumanTask.title)
            .join(ProcessInstance, ProcessInstance.id == ScheduleOccurrence.instance_id)
            .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
            .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
            .where(ScheduleOccurrence.process_id == pid)
            .order_by(ScheduleOccurrence.occurrence_at)).all()
        instances = session.scalar(select(func.count()).select_from(ProcessInstance)
                                   .where(ProcessInstance.process_id == pid))
    assert instances == len(rows)  # every instance came from exactly one occurrence
    return [(at.isoformat(), version, title) for at, version, title in rows]


def test_a_cycle_start_event_becomes_a_schedule_at_deploy_time(system: System) -> None:
    ship(system, scheduled("yearly_survey"))
    row = schedule(system)
    assert (row.element_id, row.expression, row.next_due_at) == \
        ("every_year", YEARLY, NEW_YEAR_2027)
    with system.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
        assert session.scalar(select(func.count()).select_from(Timer)) == 0


def test_each_occurrence_starts_a_new_instance_at_its_time_and_not_before(
        system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    clock.set(NEW_YEAR_2027 - timedelta(seconds=1))
    assert fire_due_schedules(system.sessions, system.rt) == 0
    clock.set(NEW_YEAR_2027)
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert fire_due_schedules(system.sessions, system.rt) == 0  # once only
    clock.set(NEW_YEAR_2027.replace(year=2028) + timedelta(hours=3))
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert started(system) == [("2027-01-01T01:00:00+00:00", 1, "Plan the survey"),
                               ("2028-01-01T01:00:00+00:00", 1, "Plan the survey")]
    with system.sessions() as session:
        data = [i.business_key for i in session.scalars(select(ProcessInstance)
                                                        .order_by(ProcessInstance.id))]
    assert data == ["yearly_survey@2027-01-01T01:00Z", "yearly_survey@2028-01-01T01:00Z"]
    assert schedule(system).next_due_at == NEW_YEAR_2027.replace(year=2029)


def test_the_occurrence_is_handed_to_the_instance(system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    clock.set(NEW_YEAR_2027)
    fire_due_schedules(system.sessions, system.rt)
    with system.sessions() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        from engine.workflow.instances import load_workflow
        workflow = load_workflow(session, system.rt, instance)
    assert workflow.get_tasks(spec_name="plan")[0].data["scheduled_for"] == \
        "2027-01-01T01:00:00+00:00"


def test_a_yearly_schedule_redeployed_starts_one_instance_per_occurrence(
        system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    clock.set(NEW_YEAR_2027 + timedelta(minutes=5))
    assert fire_due_schedules(system.sessions, system.rt) == 1

    # Version 2, same yearly cycle, deployed mid-year; then deployed again unchanged.
    clock.set(datetime(2027, 6, 1, tzinfo=UTC))
    ship(system, scheduled("yearly_survey", task_name="Plan the yearly survey"))
    ship(system, scheduled("yearly_survey", task_name="Plan the yearly survey"))
    assert fire_due_schedules(system.sessions, system.rt) == 0
    assert schedule(system).next_due_at == NEW_YEAR_2027.replace(year=2028)

    clock.set(NEW_YEAR_2027.replace(year=2028) + timedelta(minutes=5))
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert fire_due_schedules(system.sessions, system.rt) == 0
    assert started(system) == [("2027-01-01T01:00:00+00:00", 1, "Plan the survey"),
                               ("2028-01-01T01:00:00+00:00", 2, "Plan the yearly survey")]


def test_an_occurrence_due_before_a_redeploy_still_starts_once(system: System,
                                                               clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    # No worker ran over New Year; the new version even renames the start event.
    clock.set(NEW_YEAR_2027 + timedelta(days=2))
    ship(system, scheduled("yearly_survey", start_id="each_new_year", task_name="v2"))
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert fire_due_schedules(system.sessions, system.rt) == 0
    assert started(system) == [("2027-01-01T01:00:00+00:00", 2, "v2")]
    with system.sessions() as session:
        rows = {r.element_id: r for r in session.scalars(select(Schedule))}
    # Both schedules now point at 2028; the (process, moment) rule starts it once.
    assert rows["every_year"].expression is None and rows["every_year"].next_due_at is None
    assert rows["each_new_year"].next_due_at == NEW_YEAR_2027.replace(year=2028)


def test_a_changed_cycle_takes_over_from_the_deploy_on(system: System,
                                                       clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    clock.set(datetime(2026, 10, 1, tzinfo=UTC))
    ship(system, scheduled("yearly_survey", "R/2026-01-15T09:00:00+08:00/P6M"))
    assert schedule(system).next_due_at == datetime(2027, 1, 15, 1, 0, tzinfo=UTC)
    with system.sessions() as session:
        kinds = list(session.scalars(select(AuditEvent.kind).where(
            AuditEvent.kind.like("schedule_%")).order_by(AuditEvent.id)))
    assert kinds == ["schedule_created", "schedule_replaced"]


def test_removing_the_timer_start_retires_the_schedule(system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    plain = scheduled("yearly_survey").replace(
        '<bpmn:startEvent id="every_year"><bpmn:timerEventDefinition><bpmn:timeCycle>'
        f"{YEARLY}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>",
        '<bpmn:startEvent id="every_year"/>')
    ship(system, plain)
    row = schedule(system)
    assert (row.expression, row.next_due_at) == (None, None)
    clock.set(NEW_YEAR_2027.replace(year=2030))
    assert fire_due_schedules(system.sessions, system.rt) == 0


def test_occurrences_missed_while_no_worker_ran_each_start_once(system: System,
                                                               clock: FrozenClock) -> None:
    ship(system, scheduled("monthly_visits", "R/2026-04-01T09:00:00+08:00/P1M",
                           start_id="first_of_month"), pid="monthly_visits")
    clock.set(datetime(2026, 6, 15, tzinfo=UTC))
    total = 0
    while fired := fire_due_schedules(system.sessions, system.rt):
        total += fired
    assert total == 3
    assert [at for at, _, _ in started(system, "monthly_visits")] == [
        "2026-04-01T01:00:00+00:00", "2026-05-01T01:00:00+00:00", "2026-06-01T01:00:00+00:00"]


def test_a_bounded_cycle_ends(system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("twice", "R2/2026-04-01T00:00:00Z/P1D"), pid="twice")
    clock.set(datetime(2026, 5, 1, tzinfo=UTC))
    while fire_due_schedules(system.sessions, system.rt):
        pass
    assert len(started(system, "twice")) == 2
    assert schedule(system, "twice").next_due_at is None


def test_a_date_start_event_starts_one_instance(system: System, clock: FrozenClock) -> None:
    ship(system, scheduled("once", "2026-05-01T09:00:00+08:00", kind="timeDate"), pid="once")
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert fire_due_schedules(system.sessions, system.rt) == 0
    assert schedule(system, "once").next_due_at is None


def test_two_workers_racing_for_one_occurrence_start_one_instance(system: System,
                                                                  clock: FrozenClock) -> None:
    ship(system, scheduled("yearly_survey"))
    clock.set(NEW_YEAR_2027)
    gate, counts = threading.Barrier(2), []

    def work() -> None:
        gate.wait()
        counts.append(fire_due_schedules(system.sessions, system.rt))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 1]
    assert len(started(system)) == 1


def test_a_process_with_a_timer_start_can_be_started_by_hand(system: System) -> None:
    ship(system, scheduled("yearly_survey", manual_start=True))
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id="yearly_survey", actor="clerk")
        session.commit()
        titles = list(session.scalars(select(HumanTask.title)
                                      .where(HumanTask.instance_id == instance.id)))
        waiting = session.scalar(select(func.count()).select_from(Timer))
    assert titles == ["Plan the survey"] and waiting == 0  # one branch, no timer left waiting


def test_a_failing_occurrence_is_retried_later_for_the_same_moment(
        system: System, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.workflow.timers import schedules

    ship(system, scheduled("yearly_survey"))
    clock.set(NEW_YEAR_2027)
    real = schedules.start_instance

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(schedules, "start_instance", broken)
    assert fire_due_schedules(system.sessions, system.rt) == 0
    row = schedule(system)
    assert row.attempts == 1 and "database hiccup" in (row.last_error or "")
    assert row.retry_at == NEW_YEAR_2027 + timedelta(seconds=2)
    assert fire_due_schedules(system.sessions, system.rt) == 0  # backing off

    monkeypatch.setattr(schedules, "start_instance", real)
    clock.advance(timedelta(seconds=2))
    assert fire_due_schedules(system.sessions, system.rt) == 1
    assert started(system) == [("2027-01-01T01:00:00+00:00", 1, "Plan the survey")]
    assert schedule(system).attempts == 0


def test_a_timer_start_that_is_no_iso_value_is_refused_with_its_place(system: System) -> None:
    xml = scheduled("yearly_survey", '"every January"')
    with system.sessions() as session:
        problems = validate(session, system.rt, bundle("yearly_survey", xml))
        with pytest.raises(DefinitionError):
            deploy(session, system.rt, bundle("yearly_survey", xml), actor="modeler")
    assert [(p.file, p.element_id) for p in problems] == [("yearly_survey.bpmn", "every_year")]
    assert problems[0].line is not None and "ISO 8601" in problems[0].message


def test_a_timer_start_may_be_an_expression_giving_an_iso_value(system: System) -> None:
    ship(system, scheduled("yearly_survey", '"R/2027-01-01T09:00:00+08:00/" + "P1Y"'))
    assert schedule(system).expression == YEARLY
