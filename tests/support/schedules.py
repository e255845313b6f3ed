"""Diagrams with timer start events, for the schedule tests."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tests.support.diagrams import FOOTER, HEADER, user_task

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
