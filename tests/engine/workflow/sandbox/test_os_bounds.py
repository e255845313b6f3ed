"""The operating system bounds every evaluation of BPMN Python: the issue's hostile scripts,
deployed and run for real in the evaluator processes, each stop their instance with one
incident naming the element and the limit, and the next instance runs as ever."""

from __future__ import annotations

import re
import resource
from datetime import timedelta
from xml.sax.saxutils import escape, quoteattr

import pytest
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.system import System, assemble_runtime
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.incidents import open_incidents
from engine.workflow.instances import start_instance
from engine.workflow.models import Incident, ProcessInstance
from engine.workflow.sandbox.limits import ScriptLimits
from engine.workflow.worker import fire_due_timers
from tests.support.diagrams import (
    boundary_timer,
    bundle,
    chain,
    routed,
    script_task,
    user_task,
    with_deadline,
)

LIMITS = ScriptLimits(seconds=0.5, memory_mb=128, data_limit_kb=1024)
# Integers that all hash alike: a set of them does quadratic work inside one C call.
COLLIDING = "set(range(0, (2**61 - 1) * {n}, 2**61 - 1))"
CPU_HOG = f"big = 7 ** 30000\ncolliding = {COLLIDING.format(n=90_000)}"
LOOPED_HOG = f"for i in range(50):\n    colliding = {COLLIDING.format(n=4_000)}"
MEMORY_HOG = "l = []\n" + "l.append('x' * 999990)\n" * 1000
DATA_HOG = "".join(f"blob{i} = 'x' * 999990\n" for i in range(100))
# The wall-clock deadline or the kernel's CPU limit, whichever comes first.
WALL = re.compile(r"the script (ran longer than|used more than) 0\.5 s")
MEMORY = re.compile("the script used more than 128 MB of memory")
DATA = re.compile("the process data would take more than 1,024 KB")


@pytest.fixture
def bounded(system: System, clock: FrozenClock) -> System:
    """The test system, its evaluations bounded at 0.5 s and 128 MB."""
    return System(system.settings, system.db, system.sessions,
                  assemble_runtime(clock=clock, limits=LIMITS))


def deploy_xml(system: System, pid: str, xml: str) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle(pid, xml), actor="modeler")
        session.commit()


def start(system: System, pid: str, **data: object) -> int:
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id=pid, data=data, actor="clerk")
        session.commit()
        return instance.id


def stopped_by(system: System, instance_id: int) -> Incident:
    """The one incident that stopped the instance; the instance is stopped."""
    with system.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None and instance.status == "error"
        [incident] = session.scalars(select(Incident).where(Incident.instance_id == instance_id))
        return incident




@pytest.mark.parametrize(("script", "limit"), [
    (CPU_HOG, WALL), (LOOPED_HOG, WALL), (MEMORY_HOG, MEMORY), (DATA_HOG, DATA),
], ids=["large-integers-and-colliding-hashes", "looped-collisions", "thousand-megabytes",
        "hundred-megabytes-of-data"])
def test_a_hostile_script_task_stops_its_instance_with_an_incident_naming_the_limit(
        bounded: System, script: str, limit: re.Pattern[str]) -> None:
    deploy_xml(bounded, "hostile", chain("hostile", script_task("compute", script),
                                         user_task("after")))
    incident = stopped_by(bounded, start(bounded, "hostile"))
    assert (incident.element_id, incident.kind) == ("compute", "script_budget_exceeded")
    assert limit.search(incident.message)


def test_data_past_the_cap_is_never_stored(bounded: System) -> None:
    deploy_xml(bounded, "hoard", chain("hoard", script_task("compute", DATA_HOG),
                                       user_task("after")))
    instance_id = start(bounded, "hoard")
    with bounded.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        assert len(instance.state) < 64 * 1024  # the script's write-back was refused whole


def test_a_gateway_condition_that_runs_too_long_stops_at_the_gateway(bounded: System) -> None:
    deploy_xml(bounded, "routed", routed("routed", f"len({COLLIDING.format(n=90_000)}) > 0"))
    incident = stopped_by(bounded, start(bounded, "routed"))
    assert incident.element_id in {"route", "hurry"}
    assert WALL.search(incident.message)


def test_a_hostile_script_the_timer_worker_reaches_stops_only_its_instance(
        bounded: System, clock: FrozenClock) -> None:
    hog = script_task("hog", CPU_HOG) + \
        '<bpmn:sequenceFlow id="hogged" sourceRef="hog" targetRef="end"/>'
    deploy_xml(bounded, "late", chain("late", user_task("reply"),
                                      extra=boundary_timer("reply", "PT1H", "hog") + hog))
    deploy_xml(bounded, "calm", chain("calm", script_task("add", "total = 1 + 1"),
                                      user_task("after")))
    instance_id = start(bounded, "late")
    clock.advance(timedelta(hours=2))
    fire_due_timers(bounded.sessions, bounded.rt)  # returns: the worker is not taken down
    incident = stopped_by(bounded, instance_id)
    assert (incident.element_id, incident.kind) == ("hog", "script_budget_exceeded")
    assert WALL.search(incident.message)
    calm = start(bounded, "calm")
    with bounded.sessions() as session:
        instance = session.get(ProcessInstance, calm)
        assert instance is not None and instance.status == "running"
        assert open_incidents(session, instance_id=calm) == []


def test_after_an_evaluator_is_killed_the_next_instance_runs_in_a_fresh_one(
        bounded: System) -> None:
    deploy_xml(bounded, "hostile", chain("hostile", script_task("compute", CPU_HOG),
                                         user_task("after")))
    deploy_xml(bounded, "calm", chain("calm", script_task("add", "total = 40 + 2"),
                                      user_task("after")))
    stopped_by(bounded, start(bounded, "hostile"))
    calm = start(bounded, "calm")
    with bounded.sessions() as session:
        instance = session.get(ProcessInstance, calm)
        assert instance is not None and instance.status == "running"
        assert '"total":42' in instance.state


def test_the_memory_attack_takes_memory_from_the_evaluator_not_from_this_process(
        bounded: System) -> None:
    deploy_xml(bounded, "hostile", chain("hostile", script_task("compute", MEMORY_HOG),
                                         user_task("after")))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB, the high-water mark
    assert MEMORY.search(stopped_by(bounded, start(bounded, "hostile")).message)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024


def test_start_data_past_the_cap_stops_the_instance_at_its_first_step(bounded: System) -> None:
    deploy_xml(bounded, "calm", chain("calm", script_task("add", "total = 1 + 1"),
                                      user_task("after")))
    incident = stopped_by(bounded, start(bounded, "calm", letter="x" * 1_100_000))
    assert (incident.element_id, incident.kind) == ("start", "script_budget_exceeded")
    assert DATA.search(incident.message)


def test_a_timer_expression_that_runs_too_long_stops_at_the_timer(bounded: System) -> None:
    hog = f"'PT' + str(len({COLLIDING.format(n=90_000)})) + 'H'"
    deploy_xml(bounded, "overdue", with_deadline("overdue", hog))
    incident = stopped_by(bounded, start(bounded, "overdue"))
    assert (incident.element_id, incident.kind) == ("reply_timer", "script_budget_exceeded")
    assert WALL.search(incident.message)


HOG_DECISION = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="hog_table" name="Hog"
             namespace="http://liaison.local/dmn">
  <decision id="hog" name="Hog">
    <decisionTable id="hog_rules">
      <input id="size" label="Size">
        <inputExpression id="size_expression" typeRef="integer">
          <text>len({COLLIDING.format(n=90_000)})</text>
        </inputExpression>
      </input>
      <output id="price" name="price" typeRef="integer"/>
      <rule id="any">
        <inputEntry id="any_size"><text>&gt; 0</text></inputEntry>
        <outputEntry id="any_price"><text>100</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_a_decision_table_expression_that_runs_too_long_stops_at_its_task(
        bounded: System) -> None:
    task = ('<bpmn:businessRuleTask id="price"><bpmn:extensionElements>'
            "<spiffworkflow:calledDecisionId>hog</spiffworkflow:calledDecisionId>"
            "</bpmn:extensionElements></bpmn:businessRuleTask>")
    xml = chain("priced", task, user_task("after"))
    with bounded.sessions() as session:
        deploy(session, bounded.rt, Bundle(bpmn={"priced.bpmn": xml.encode()},
                                           dmn={"hog.dmn": HOG_DECISION.encode()},
                                           forms=bundle("priced", xml).forms), actor="modeler")
        session.commit()
    incident = stopped_by(bounded, start(bounded, "priced"))
    assert (incident.element_id, incident.kind) == ("price", "script_budget_exceeded")
    assert WALL.search(incident.message)


def test_a_service_task_parameter_that_runs_too_long_stops_at_the_service_task(
        bounded: System) -> None:
    parameter = f"len({COLLIDING.format(n=90_000)})"
    task = ('<bpmn:serviceTask id="order"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="create_work_order" resultVariable="order">'
            '<spiffworkflow:parameters>'
            f'<spiffworkflow:parameter id="case_id" type="int" value={quoteattr(parameter)}/>'
            '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
            '</bpmn:extensionElements></bpmn:serviceTask>')
    deploy_xml(bounded, "ordered", chain("ordered", task, user_task("after")))
    incident = stopped_by(bounded, start(bounded, "ordered"))
    assert (incident.element_id, incident.kind) == ("order", "script_budget_exceeded")
    assert WALL.search(incident.message)


def test_a_pre_script_that_takes_too_much_memory_stops_at_its_task(bounded: System) -> None:
    task = user_task("answer").replace(
        "<bpmn:extensionElements>",
        "<bpmn:extensionElements><spiffworkflow:preScript>"
        f"{escape(MEMORY_HOG)}</spiffworkflow:preScript>")
    deploy_xml(bounded, "prepared", chain("prepared", task))
    incident = stopped_by(bounded, start(bounded, "prepared"))
    assert (incident.element_id, incident.kind) == ("answer", "script_budget_exceeded")
    assert MEMORY.search(incident.message)


def test_a_due_time_expression_that_runs_too_long_stops_at_its_task(bounded: System) -> None:
    hog = escape(f"'PT' + str(len({COLLIDING.format(n=90_000)})) + 'H'")
    task = user_task("answer").replace(
        "</spiffworkflow:properties>",
        f'<spiffworkflow:property name="dueIn" value={quoteattr(hog)}/>'
        "</spiffworkflow:properties>")
    deploy_xml(bounded, "due", chain("due", task))
    incident = stopped_by(bounded, start(bounded, "due"))
    assert (incident.element_id, incident.kind) == ("answer", "script_budget_exceeded")
    assert WALL.search(incident.message)
