"""Hostile diagrams, deployed and run for real: refused at deploy time where the code shows it,
otherwise stopped at run time with one incident, and nothing else in the database touched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import DefinitionError
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.incidents import open_incidents, retry_incident
from engine.workflow.instances import load_workflow, start_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, Timer
from engine.workflow.worker import fire_due_timers
from tests.support.diagrams import (
    bundle,
    chain,
    routed,
    script_task,
    user_task,
    with_deadline,
)


def prepared(pid: str, pre_script: str) -> str:
    """A user task whose pre-script runs as the task becomes ready."""
    task = user_task("answer").replace(
        "<bpmn:extensionElements>",
        "<bpmn:extensionElements><spiffworkflow:preScript>"
        f"{escape(pre_script)}</spiffworkflow:preScript>")
    return chain(pid, task)


def service(pid: str, parameter: str) -> str:
    """A service task whose one parameter is the expression ``parameter``."""
    task = ('<bpmn:serviceTask id="order"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="create_work_order" resultVariable="order">'
            '<spiffworkflow:parameters>'
            f'<spiffworkflow:parameter id="case_id" type="int" value={quoteattr(parameter)}/>'
            '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
            '</bpmn:extensionElements></bpmn:serviceTask>')
    return chain(pid, task)


def deploy_xml(system: System, pid: str, xml: str) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml), actor="modeler")
        session.commit()


def start(system: System, pid: str, **data: Any) -> int:
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id=pid, data=data, actor="clerk")
        session.commit()
        return instance.id


def snapshot(system: System, instance_id: int) -> tuple[Any, ...]:
    """Everything stored about one instance, to show that it was left alone."""
    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        tasks = [(t.id, t.element_id, t.assignee, t.due_at) for t in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id))]
        timers = [(t.element_id, t.due_at, t.attempts) for t in session.scalars(
            select(Timer).where(Timer.instance_id == instance_id))]
        events = session.scalars(select(AuditEvent.id)
                                 .where(AuditEvent.instance_id == instance_id)).all()
        incidents = session.scalars(select(Incident.id)
                                    .where(Incident.instance_id == instance_id)).all()
        return (instance.status, instance.lock_version, instance.state, tasks, timers,
                events, incidents)


@pytest.fixture
def bystander(system: System) -> int:
    """An ordinary instance, waiting on a task and a timer, that no hostile diagram may touch."""
    deploy_xml(system, "reply_sla", with_deadline("reply_sla", "PT24H"))
    return start(system, "reply_sla")


# --- refused at deploy time -----------------------------------------------------------------

# The diagram's body is on line 6 of the file, so a script's second line is line 7.
STATIC = [
    (chain("hostile", script_task("compute", "total = 1\nimport os")), "compute", 7,
     "imports are not allowed"),
    (routed("hostile", "().__class__.__base__.__subclasses__()"), "hurry", 6,
     "invalid attribute name because it starts with \"_\""),
    (with_deadline("hostile", "'{0.__class__}'.format(1)"), "reply_timer", 6,
     ".format() is not allowed"),
    (with_deadline("hostile", "P100000000Y"), "reply_timer", 6, "longer than 100 years"),
    (prepared("hostile", "__import__('os').system('true')"), "answer", 6,
     "invalid variable name because it starts with \"_\""),
    (service("hostile", "case_no.__class__"), "order", 6,
     "invalid attribute name because it starts with \"_\""),
    (routed("hostile", "getattr(unit, '_' + '_class__')"), "hurry", 6,
     "the attribute '__class__' is private"),
]


@pytest.mark.parametrize(("xml", "element_id", "line", "reason"), STATIC)
def test_hostile_code_that_shows_is_refused_at_deploy_time(
        system: System, bystander: int, xml: str, element_id: str, line: int,
        reason: str) -> None:
    before = snapshot(system, bystander)
    with system.sessions() as session, pytest.raises(DefinitionError) as caught:
        deploy(session, system.rt, bundle("hostile", xml), actor="modeler")
    problems = caught.value.problems
    assert {(p.file, p.element_id, p.line) for p in problems} == \
        {("hostile.bpmn", element_id, line)}
    assert reason in problems[0].message
    assert all("Traceback" not in p.message and "Error" not in p.message for p in problems)
    with system.sessions() as session:
        assert session.scalars(select(ProcessInstance.id)).all() == [bystander]
    assert snapshot(system, bystander) == before


# --- stopped at run time --------------------------------------------------------------------

DYNAMIC = [
    pytest.param(chain("hostile", script_task("compute", (
        "partial = 1\nname = '_' + '_class__'\ncls = getattr(unit, name)")), user_task("next")),
        "compute", "script_refused", "line 3: the attribute '__class__' is private", [],
        id="script-dunder"),
    pytest.param(chain("hostile", script_task("compute", (
        "partial = 1\nrows = [0] * 10**6\nfor _ in range(40):\n    rows.extend(rows)")),
        user_task("next")),
        "compute", "script_budget_exceeded", "line 4: the result would hold 2,000,000", [],
        id="script-doubling"),
    pytest.param(chain("hostile", script_task("compute", "partial = 1\nwhile True:\n    pass"),
                       user_task("next")),
                 "compute", "script_budget_exceeded", "line 2: the script took more than", [],
                 id="script-loop"),
    pytest.param(routed("hostile", "len(str([10**4000] * 10**6)) > 0"),
                 "route", "script_budget_exceeded", "longer than the limit of 1,000,000", [],
                 id="condition-text"),
    pytest.param(routed("hostile", "getattr(unit, '_' * 2 + 'class__')"),
                 "route", "script_refused", "is private", [], id="condition-dunder"),
    pytest.param(with_deadline("hostile", "'P%dY' % 10**8"),
                 "reply_timer", "script_error", "longer than 100 years", ["reply"],
                 id="timer-span"),
    pytest.param(with_deadline("hostile", "'soon'"),
                 "reply_timer", "script_error", "needs an ISO 8601 duration", ["reply"],
                 id="timer-shape"),
    pytest.param(with_deadline("hostile", "'PT' + 'H' * 10**9"),
                 "reply_timer", "script_budget_exceeded", "the limit is 1,000,000", ["reply"],
                 id="timer-huge"),
    pytest.param(prepared("hostile", "rows = [0] * 10**6\nrows[:0] = rows"),
                 "answer", "script_budget_exceeded", "line 2: the result would hold", [],
                 id="pre-script-slice"),
    pytest.param(service("hostile", "getattr(unit, '_' * 2 + 'class__')"),
                 "order", "script_refused", "is private", [], id="service-parameter"),
]


@pytest.mark.parametrize(("xml", "element_id", "kind", "reason", "offered"), DYNAMIC)
def test_hostile_code_at_run_time_stops_its_instance_with_one_incident(
        system: System, bystander: int, xml: str, element_id: str, kind: str,
        reason: str, offered: list[str]) -> None:
    deploy_xml(system, "hostile", xml)
    before = snapshot(system, bystander)
    instance_id = start(system, "hostile", unit=7)

    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None and instance.status == "error"
        [incident] = open_incidents(session)
        assert session.scalars(select(HumanTask.element_id).where(
            HumanTask.instance_id == instance_id)).all() == offered
        assert session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all() == []
        opened = session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "incident_opened")).one()
        workflow = load_workflow(session, system.rt, instance)
    assert (incident.instance_id, incident.element_id, incident.kind) == \
        (instance_id, element_id, kind)
    assert reason in incident.message and len(incident.message) < 300
    assert opened.element_id == element_id and opened.instance_id == instance_id
    # A failing script writes nothing back: the variable it set before failing is not kept.
    assert all("partial" not in task.data for task in workflow.get_tasks())
    assert snapshot(system, bystander) == before


def test_a_huge_allocation_retried_with_corrected_data_runs_on(system: System,
                                                               bystander: int) -> None:
    deploy_xml(system, "copies", chain("copies", script_task("print_copies", "sheet = 'x' * count"),
                                       user_task("post")))
    instance_id = start(system, "copies", count=10**9)
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert incident.kind == "script_budget_exceeded" and incident.element_id == "print_copies"

    with system.sessions() as session:
        instance = retry_incident(session, system.rt, incident_id=incident.id,
                                  actor="boss", data={"count": 3})
        session.commit()
        assert instance.status == "running" and open_incidents(session) == []
        task = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id)).one()
    assert task.element_id == "post"


def test_a_failed_timer_expression_is_not_fired_again_and_again(
        system: System, clock: FrozenClock) -> None:
    deploy_xml(system, "hostile", with_deadline("hostile", "within"))
    start(system, "hostile", within="P100000000Y")
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        assert fire_due_timers(system.sessions, system.rt) == 0
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert incident.element_id == "reply_timer" and "longer than 100 years" in incident.message


def test_a_hostile_script_after_a_timer_is_an_incident_when_the_worker_fires(
        system: System, bystander: int, clock: FrozenClock) -> None:
    wait = ('<bpmn:intermediateCatchEvent id="an_hour"><bpmn:timerEventDefinition>'
            "<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:intermediateCatchEvent>")
    deploy_xml(system, "later", chain("later", wait, script_task(
        "spin", "total = 0\nwhile True:\n    total += 1"), user_task("next")))
    instance_id = start(system, "later")
    before = snapshot(system, bystander)

    clock.advance(timedelta(hours=1, seconds=1))
    assert fire_due_timers(system.sessions, system.rt) == 1  # the bystander is not due yet
    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        [incident] = open_incidents(session)
        assert session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all() == []
    assert instance is not None and instance.status == "error"
    assert (incident.element_id, incident.kind) == ("spin", "script_budget_exceeded")
    assert snapshot(system, bystander) == before
