"""Timers run on the injected clock and the worker fires each exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, Timer
from engine.workflow.worker import fire_due_timers
from tests.support.diagrams import boundary_timer, bundle, chain, user_task

LATE = user_task("chase_up", name="Chase up") + \
    '<bpmn:sequenceFlow id="chased" sourceRef="chase_up" targetRef="end"/>'


def deploy_reply_with_deadline(system: System, duration: str = '"PT24H"') -> int:
    xml = chain("reply_sla", user_task("reply", name="Reply to the owner"),
                extra=boundary_timer("reply", duration, "chase_up") + LATE)
    with system.sessions() as session:
        deploy(session, system.rt, bundle("reply_sla", xml), actor="modeler")
        instance = start_instance(session, system.rt, process_id="reply_sla", actor="clerk")
        session.commit()
        return instance.id


def open_elements(system: System) -> set[str]:
    with system.sessions() as session:
        return set(session.scalars(select(HumanTask.element_id)))


def test_a_boundary_timer_is_due_by_the_injected_clock(system: System,
                                                       clock: FrozenClock) -> None:
    deploy_reply_with_deadline(system)
    with system.sessions() as session:
        timer = session.scalars(select(Timer)).one()
    assert timer.element_id == "reply_timer"
    assert timer.due_at == clock.now() + timedelta(hours=24)


def test_the_timer_fires_after_its_due_time_and_not_before(system: System,
                                                            clock: FrozenClock) -> None:
    deploy_reply_with_deadline(system)
    clock.advance(timedelta(hours=23, minutes=59))
    assert fire_due_timers(system.sessions, system.rt) == 0
    assert open_elements(system) == {"reply"}

    clock.advance(timedelta(minutes=1, seconds=1))
    assert fire_due_timers(system.sessions, system.rt) == 1
    assert open_elements(system) == {"chase_up"}
    assert fire_due_timers(system.sessions, system.rt) == 0  # once only
    with system.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
        fired = session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.kind == "timer_fired"))
    assert fired == 1


def test_a_timer_may_be_written_as_a_bare_iso_literal(system: System,
                                                      clock: FrozenClock) -> None:
    deploy_reply_with_deadline(system, duration="PT2H")
    with system.sessions() as session:
        timer = session.scalars(select(Timer)).one()
    assert timer.due_at == clock.now() + timedelta(hours=2)


def test_a_failing_timer_is_retried_with_backoff_then_becomes_an_incident(
        system: System, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.workflow import worker

    instance_id = deploy_reply_with_deadline(system, duration="PT1H")

    def broken(*_args: object) -> None:
        raise RuntimeError("state unreadable")

    monkeypatch.setattr(worker, "load_workflow", broken)
    clock.advance(timedelta(hours=1, seconds=1))
    for attempt in range(1, worker.MAX_ATTEMPTS):
        assert fire_due_timers(system.sessions, system.rt) == 0
        with system.sessions() as session:
            timer = session.scalars(select(Timer)).one()
        assert timer.attempts == attempt and "state unreadable" in (timer.last_error or "")
        assert timer.due_at == clock.now() + timedelta(seconds=2 ** attempt)  # backing off
        clock.advance(timedelta(seconds=2 ** attempt + 1))
    assert fire_due_timers(system.sessions, system.rt) == 0
    with system.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        instance = session.get(ProcessInstance, instance_id)
        assert session.scalars(select(Timer)).all() == []
    assert incident.kind == "timer_failed" and "state unreadable" in incident.message
    assert instance is not None and instance.status == "error"


EVENT_GATEWAY = (
    '<bpmn:eventBasedGateway id="wait_for_reply"/>'
    '<bpmn:intermediateCatchEvent id="two_days"><bpmn:timerEventDefinition><bpmn:timeDuration>'
    'P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
    '<bpmn:intermediateCatchEvent id="reply_came"><bpmn:signalEventDefinition signalRef="s"/>'
    '</bpmn:intermediateCatchEvent>'
    + user_task("chase_up") + '<bpmn:endEvent id="answered"/>'
    '<bpmn:sequenceFlow id="g1" sourceRef="wait_for_reply" targetRef="two_days"/>'
    '<bpmn:sequenceFlow id="g2" sourceRef="wait_for_reply" targetRef="reply_came"/>'
    '<bpmn:sequenceFlow id="g3" sourceRef="two_days" targetRef="chase_up"/>'
    '<bpmn:sequenceFlow id="g4" sourceRef="reply_came" targetRef="answered"/>'
    '<bpmn:sequenceFlow id="g5" sourceRef="chase_up" targetRef="end"/>')


def test_an_event_based_gateway_timer_is_found_and_fires(system: System,
                                                        clock: FrozenClock) -> None:
    xml = _gateway_diagram()
    with system.sessions() as session:
        deploy(session, system.rt, bundle("await_reply", xml), actor="modeler")
        start_instance(session, system.rt, process_id="await_reply", actor="clerk")
        session.commit()
        timer = session.scalars(select(Timer)).one()
    # SpiffWorkflow keeps the gateway's timers on the gateway task itself.
    assert (timer.element_id, timer.due_at) == ("wait_for_reply", clock.now() + timedelta(days=2))
    clock.advance(timedelta(days=2, seconds=1))
    assert fire_due_timers(system.sessions, system.rt) == 1
    assert open_elements(system) == {"chase_up"}


def _gateway_diagram() -> str:
    from tests.support.diagrams import FOOTER, HEADER

    body = ('<bpmn:startEvent id="start"/><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="s0" sourceRef="start" targetRef="wait_for_reply"/>'
            + EVENT_GATEWAY)
    return (HEADER.format(pid="await_reply") + body
            + FOOTER.replace("</bpmn:process>", '</bpmn:process><bpmn:signal id="s" name="s"/>'))


def test_a_cycle_timer_fires_each_time_then_finishes_when_exhausted(
        system: System, clock: FrozenClock) -> None:
    reminder = ('<bpmn:intermediateCatchEvent id="remind"><bpmn:timerEventDefinition>'
                "<bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>"
                "</bpmn:intermediateCatchEvent>")
    xml = chain("reminders", reminder, user_task("call_owner"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle("reminders", xml), actor="modeler")
        start_instance(session, system.rt, process_id="reminders", actor="clerk")
        session.commit()
        assert session.scalars(select(Timer.due_at)).one() == clock.now() + timedelta(hours=1)
    calls = []
    for _ in range(2):
        clock.advance(timedelta(hours=1, seconds=1))
        assert fire_due_timers(system.sessions, system.rt) == 1
        with system.sessions() as session:
            calls.append(session.scalar(select(func.count()).select_from(HumanTask)))
    assert calls == [1, 2]  # one call per occurrence
    # Exhausted, the cycle still waits to be told so: due since its last occurrence.
    with system.sessions() as session:
        assert session.scalars(select(Timer.due_at)).one() < clock.now()
    assert fire_due_timers(system.sessions, system.rt) == 1
    with system.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
        assert session.scalar(select(func.count()).select_from(HumanTask)) == 2


def test_a_timer_due_while_no_worker_ran_fires_once_when_one_starts(
        system: System, clock: FrozenClock) -> None:
    deploy_reply_with_deadline(system)
    clock.advance(timedelta(days=3))  # the office was closed and the server off
    restarted = System(system.settings, system.db, system.sessions, system.rt)
    assert restarted.worker().run_until_idle() == 1
    assert restarted.worker().run_until_idle() == 0  # and a second start finds nothing
    assert open_elements(system) == {"chase_up"}
    with system.sessions() as session:
        fired = session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.kind == "timer_fired"))
    assert fired == 1
