"""Build small BPMN diagrams for tests, so each test shows the process it drives."""

from __future__ import annotations

import itertools
import json
from xml.sax.saxutils import escape

from engine.workflow.deployments import Bundle

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs_{pid}" targetNamespace="http://liaison.example/test">
  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
"""
FOOTER = "  </bpmn:process>\n</bpmn:definitions>\n"

SIMPLE_FORM = {"type": "object", "properties": {"answer": {"type": "string"}}}


def user_task(task_id: str, form: str | None = None, name: str | None = None) -> str:
    """A user task with a form, by default ``<task_id>.schema.json``."""
    form = form or f"{task_id}.schema.json"
    props = ('<bpmn:extensionElements><spiffworkflow:properties>'
             f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}"/>'
             '</spiffworkflow:properties></bpmn:extensionElements>')
    return f'<bpmn:userTask id="{task_id}" name="{name or task_id}">{props}</bpmn:userTask>'


def script_task(task_id: str, script: str) -> str:
    return (f'<bpmn:scriptTask id="{task_id}" scriptFormat="python">'
            f"<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>")


def chain(pid: str, *elements: str, extra: str = "") -> str:
    """A straight line: start -> elements... -> end, with the flows between them."""
    ids = ["start"] + [e.split('id="', 1)[1].split('"', 1)[0] for e in elements] + ["end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(itertools.pairwise(ids)))
    body = ('<bpmn:startEvent id="start"/>' + "".join(elements)
            + '<bpmn:endEvent id="end"/>' + flows + extra)
    return HEADER.format(pid=pid) + body + FOOTER


def bundle(pid: str, xml: str, forms: dict[str, dict[str, object]] | None = None) -> Bundle:
    """A bundle of one process; every user task form defaults to one free-text answer."""
    forms = forms or {}
    for form_name in _form_names(xml):
        forms.setdefault(form_name, SIMPLE_FORM)
    return Bundle(bpmn={f"{pid}.bpmn": xml.encode()},
                  forms={f"{pid}/{name}": json.dumps(schema).encode()
                         for name, schema in forms.items()})


def _form_names(xml: str) -> list[str]:
    marker = 'name="formJsonSchemaFilename" value="'
    return [part.split('"', 1)[0] for part in xml.split(marker)[1:]]


def boundary_timer(task_id: str, duration: str, target: str, interrupting: bool = True) -> str:
    """A timer on ``task_id`` that leads to ``target`` after ``duration`` (an expression)."""
    cancel = "true" if interrupting else "false"
    return (f'<bpmn:boundaryEvent id="{task_id}_timer" attachedToRef="{task_id}" '
            f'cancelActivity="{cancel}"><bpmn:timerEventDefinition><bpmn:timeDuration>'
            f"{escape(duration)}</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>"
            f'<bpmn:sequenceFlow id="{task_id}_late" sourceRef="{task_id}_timer" '
            f'targetRef="{target}"/>')


def line_of(text: str, marker: str) -> int:
    """The line of ``text`` on which ``marker`` first appears."""
    return text.count("\n", 0, text.index(marker)) + 1


def with_deadline(pid: str, duration: str) -> str:
    """A ``reply`` task, chased up at ``chase_up`` once ``duration`` (an expression) has passed."""
    chase_up = user_task("chase_up") + \
        '<bpmn:sequenceFlow id="chased" sourceRef="chase_up" targetRef="end"/>'
    return chain(pid, user_task("reply"), extra=boundary_timer("reply", duration, "chase_up")
                 + chase_up)


def routed(pid: str, condition: str) -> str:
    """A gateway that sends the instance to ``urgent`` when ``condition`` holds."""
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="route" default="usual"/>'
            + user_task("urgent") + user_task("normal") + '<bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="in" sourceRef="start" targetRef="route"/>'
            '<bpmn:sequenceFlow id="hurry" sourceRef="route" targetRef="urgent">'
            f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>"
            '</bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="usual" sourceRef="route" targetRef="normal"/>'
            '<bpmn:sequenceFlow id="o1" sourceRef="urgent" targetRef="end"/>'
            '<bpmn:sequenceFlow id="o2" sourceRef="normal" targetRef="end"/>')
    return HEADER.format(pid=pid) + body + FOOTER
