"""Incidents are visible and retryable: a retry runs the instance on from where it stopped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import CaseStopped, Conflict
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.incidents import open_incidents, retry_incident
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, Timer
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.inbox import list_tasks
from engine.workflow.worker import MAX_ATTEMPTS, fire_due_timers
from tests.support.diagrams import bundle, chain, script_task, user_task, with_deadline
from tests.support.people import create_user, viewer_of


def start(system: System, pid: str, xml: str, **data: object) -> int:
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml), actor="modeler")
        instance = start_instance(session, system.rt, process_id=pid, data=data, actor="clerk")
        session.commit()
        return instance.id


def retry(system: System, incident_id: int, **data: object) -> ProcessInstance:
    with system.sessions() as session:
        instance = retry_incident(session, system.rt, incident_id=incident_id,
                                  actor="supervisor", data=data or None)
        session.commit()
        return instance


def test_a_script_incident_retried_with_corrected_data_runs_on(system: System) -> None:
    xml = chain("fees", script_task("share", "share = total / households"), user_task("notify"))
    instance_id = start(system, "fees", xml, total=900, households=0)
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert incident.instance_id == instance_id and incident.element_id == "share"

    instance = retry(system, incident.id, households=3)
    assert instance.status == "running"
    with system.sessions() as session:
        assert open_incidents(session) == []
        task = session.scalars(select(HumanTask)).one()
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.kind == "incident_retried")).one()
    assert task.element_id == "notify"
    assert (event.actor, event.data["data"], event.data["tasks"]) == \
        ("supervisor", {"households": 3}, ["share"])


def test_a_retry_that_fails_again_opens_a_new_incident(system: System) -> None:
    xml = chain("fees", script_task("share", "share = total / households"), user_task("notify"))
    start(system, "fees", xml, total=900, households=0)
    with system.sessions() as session:
        [first] = open_incidents(session)
    instance = retry(system, first.id)
    assert instance.status == "error"
    with system.sessions() as session:
        [second] = open_incidents(session)
    assert second.id != first.id and "division by zero" in second.message


def test_an_incident_is_retried_once(system: System) -> None:
    xml = chain("fees", script_task("share", "share = total / households"), user_task("notify"))
    start(system, "fees", xml, total=900, households=0)
    with system.sessions() as session:
        [incident] = open_incidents(session)
    retry(system, incident.id, households=3)
    with pytest.raises(Conflict, match="already resolved by supervisor"):
        retry(system, incident.id, households=3)


def test_a_timer_that_kept_failing_fires_after_the_retry(
        system: System, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.workflow import worker

    start(system, "reply_sla", with_deadline("reply_sla", "PT1H"))
    real = worker.load_workflow

    def broken(*_args: object) -> None:
        raise RuntimeError("state unreadable")

    monkeypatch.setattr(worker, "load_workflow", broken)
    clock.advance(timedelta(hours=1, seconds=1))
    for _ in range(MAX_ATTEMPTS):
        fire_due_timers(system.sessions, system.rt)
        clock.advance(timedelta(minutes=1))
    with system.sessions() as session:
        [incident] = open_incidents(session)
        assert session.scalars(select(Timer)).all() == []
    monkeypatch.setattr(worker, "load_workflow", real)

    # Long past due by now, the timer fires as the retry runs the instance on.
    assert retry(system, incident.id).status == "running"
    with system.sessions() as session:
        assert session.scalars(select(HumanTask.element_id)).all() == ["chase_up"]
        assert session.scalars(select(Timer)).all() == []


def timers_of(system: System, instance_id: int) -> list[tuple[str, datetime]]:
    with system.sessions() as session:
        return [(t.element_id, t.due_at) for t in session.scalars(
            select(Timer).where(Timer.instance_id == instance_id))]


def test_a_timer_incident_retried_with_a_corrected_duration_arms_the_timer(
        system: System, clock: FrozenClock) -> None:
    instance_id = start(system, "reply_sla", with_deadline("reply_sla", "within"), within="soon")
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert (incident.element_id, incident.instance_id) == ("reply_timer", instance_id)
    assert "'soon'" in incident.message and timers_of(system, instance_id) == []

    clock.advance(timedelta(minutes=30))
    assert retry(system, incident.id, within="PT2H").status == "running"
    assert timers_of(system, instance_id) == [("reply_timer", clock.now() + timedelta(hours=2))]
    with system.sessions() as session:
        assert open_incidents(session) == []
        assert session.scalars(select(HumanTask.element_id)).all() == ["reply"]

    clock.advance(timedelta(hours=1, minutes=59))
    assert fire_due_timers(system.sessions, system.rt) == 0
    clock.advance(timedelta(minutes=2))
    assert fire_due_timers(system.sessions, system.rt) == 1
    with system.sessions() as session:
        [chase_up] = session.scalars(select(HumanTask)).all()
    assert chase_up.element_id == "chase_up"
    with system.sessions() as session:
        instance = complete_task(session, system.rt, task_id=chase_up.id, data={},
                                 actor="clerk")
        session.commit()
        assert instance.status == "completed"


def test_a_timer_retry_that_fails_again_opens_a_new_incident_and_keeps_the_first_resolved(
        system: System, clock: FrozenClock) -> None:
    instance_id = start(system, "reply_sla", with_deadline("reply_sla", "within"), within="soon")
    with system.sessions() as session:
        [first] = open_incidents(session)

    clock.advance(timedelta(minutes=5))
    assert retry(system, first.id, within="later").status == "error"
    with system.sessions() as session:
        [second] = open_incidents(session)
        resolved = session.get(Incident, first.id)
        assert resolved is not None
        assert (resolved.resolved_at, resolved.resolved_by) == \
            (clock.now(), "supervisor")
    assert second.id != first.id and second.element_id == "reply_timer"
    assert "'later'" in second.message and timers_of(system, instance_id) == []

    assert retry(system, second.id, within="PT1H").status == "running"
    assert timers_of(system, instance_id) == [("reply_timer", clock.now() + timedelta(hours=1))]


def stored(system: System, instance_id: int) -> tuple[object, ...]:
    """What completing a task would change: the instance row, its tasks, its history."""
    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        tasks = [(t.id, t.assignee) for t in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id))]
        events = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
        return instance.status, instance.lock_version, instance.state, tasks, events


def test_a_task_of_a_stopped_case_is_refused_naming_the_incident_and_nothing_changes(
        system: System) -> None:
    instance_id = start(system, "reply_sla", with_deadline("reply_sla", "within"), within="soon")
    with system.sessions() as session:
        [incident] = open_incidents(session)
        reply = session.scalars(select(HumanTask.id)).one()
    before = stored(system, instance_id)

    with system.sessions() as session, pytest.raises(CaseStopped) as refused:
        complete_task(session, system.rt, task_id=reply, data={}, actor="clerk", roles=set())
    assert refused.value.incident_id == incident.id
    assert f"stopped by incident #{incident.id}" in refused.value.message
    assert "a supervisor must retry it first" in refused.value.message
    assert stored(system, instance_id) == before

    retry(system, incident.id, within="PT1H")
    with system.sessions() as session:
        instance = complete_task(session, system.rt, task_id=reply, data={}, actor="clerk",
                                 roles=set())
        session.commit()
        assert instance.status == "completed"


def test_the_inbox_marks_the_tasks_of_a_stopped_case_until_it_is_retried(
        system: System) -> None:
    create_user(system, "clerk", "customer_service")
    stopped = start(system, "reply_sla", with_deadline("reply_sla", "within"), within="soon")
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id="reply_sla",
                                  data={"within": "PT1H"}, actor="clerk")
        session.commit()
        running = instance.id

    def blocked() -> dict[int, bool]:
        with system.sessions() as session:
            page = list_tasks(session, viewer=viewer_of(system, "clerk"),
                              now=system.rt.clock.now())
            return {task.instance_id: task.blocked for task in page.items}

    assert blocked() == {stopped: True, running: False}
    with system.sessions() as session:
        [incident] = open_incidents(session)
    retry(system, incident.id, within="PT1H")
    assert blocked() == {stopped: False, running: False}
