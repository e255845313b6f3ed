"""Diagrams with timer start events, for the schedule tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from tests.support.diagrams import FOOTER, HEADER, boundary_timer, bundle, chain, user_task

YEARLY = "R/2027-01-01T09:00:00+08:00/P1Y"


def timer_start(element_id: str, value: str, kind: str = "timeCycle") -> str:
    return (f'<bpmn:startEvent id="{element_id}"><bpmn:timerEventDefinition>'
            f"<bpmn:{kind}>{escape(value)}</bpmn:{kind}></bpmn:timerEventDefinition>"
            "</bpmn:startEvent>")


def scheduled(pid: str, value: str = YEARLY, *, start_id: str = "every_year",
              manual_start: bool = False, task_name: str = "Plan the survey",
              kind: str = "timeCycle") -> str:
    """A process started by a timer (and, optionally, by hand too) -> plan -> end."""
    starts = [timer_start(start_id, value, kind)]
    if manual_start:
        starts.append('<bpmn:startEvent id="by_hand"/>')
    flows = [f'<bpmn:sequenceFlow id="f_{s}" sourceRef="{s}" targetRef="plan"/>'
             for s in ([start_id] + (["by_hand"] if manual_start else []))]
    body = ("".join(starts) + user_task("plan", name=task_name) + '<bpmn:endEvent id="end"/>'
            + "".join(flows) + '<bpmn:sequenceFlow id="done" sourceRef="plan" targetRef="end"/>')
    return HEADER.format(pid=pid) + body + FOOTER


def start_due_nudges(system: System, clock: FrozenClock, count: int) -> None:
    """``count`` instances whose one-minute timer is already due by the wall clock.

    They start an hour in the past, so a worker in another process, which reads
    the real clock, finds every timer due: nobody has to wait for one.
    """
    clock.set(datetime.now(UTC) - timedelta(hours=1))
    late = user_task("late") + '<bpmn:sequenceFlow id="l" sourceRef="late" targetRef="end"/>'
    xml = chain("nudge", user_task("answer"),
                extra=boundary_timer("answer", "PT1M", "late") + late)
    with system.sessions() as session:
        deploy(session, system.rt, bundle("nudge", xml), actor="tests")
        for _ in range(count):
            start_instance(session, system.rt, process_id="nudge", actor="tests")
        session.commit()
