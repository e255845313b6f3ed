"""A decision table that fails while a process runs stops its instance with an incident."""

from __future__ import annotations

from xml.sax.saxutils import escape

from sqlalchemy import select

from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.incidents import open_incidents, retry_incident
from engine.workflow.instances import load_workflow, start_instance
from engine.workflow.models import HumanTask, ProcessInstance
from tests.support.diagrams import bundle, chain, user_task

PID = "repair_fee"


def decision(*, input_expression: str = "size", entry: str = "&gt; 10",
             output: str = "500", hit_policy: str = "FIRST") -> bytes:
    """A table of two rules: large repairs by ``entry``, then anything else at 100."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="Fee"
    namespace="http://liaison.example/dmn">
  <decision id="repair_fee_table" name="Repair fee">
    <decisionTable id="t" hitPolicy="{hit_policy}">
      <input id="size" label="Size">
        <inputExpression id="size_e" typeRef="integer"><text>{input_expression}</text>
        </inputExpression>
      </input>
      <output id="fee" name="fee" typeRef="integer" />
      <rule id="large"><inputEntry id="l_in"><text>{entry}</text></inputEntry>
        <outputEntry id="l_out"><text>{output}</text></outputEntry></rule>
      <rule id="other"><inputEntry id="o_in"><text>-</text></inputEntry>
        <outputEntry id="o_out"><text>100</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>""".encode()


RULE_TASK = ('<bpmn:businessRuleTask id="decide_fee" name="Decide the fee">'
             "<bpmn:extensionElements><spiffworkflow:calledDecisionId>repair_fee_table"
             "</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
             "</bpmn:businessRuleTask>")


def fee_process(table: bytes) -> Bundle:
    deployed = bundle(PID, chain(PID, RULE_TASK, user_task("pay")))
    deployed.dmn["repair_fee.dmn"] = table
    return deployed


def start(system: System, table: bytes, **data: object) -> ProcessInstance:
    with system.sessions() as session:
        deploy(session, system.rt, fee_process(table), actor="modeler")
        instance = start_instance(session, system.rt, process_id=PID, data=data, actor="clerk")
        session.commit()
        return instance


def test_a_decision_decides_as_before_and_its_result_survives_a_reload(system: System) -> None:
    large = start(system, decision(), size=12)
    with system.sessions() as session:
        workflow = load_workflow(session, system.rt, session.get(ProcessInstance, large.id))
        [task] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "pay"]
    assert large.status == "running" and task.data["fee"] == 500
    assert start(system, decision(hit_policy="COLLECT"), size=3).status == "running"


def test_a_missing_variable_stops_the_instance_with_an_incident_on_the_rule_task(
        system: System) -> None:
    instance = start(system, decision())
    assert instance.status == "error"
    with system.sessions() as session:
        [incident] = open_incidents(session)
        assert session.scalars(select(HumanTask)).all() == []
    assert (incident.instance_id, incident.element_id, incident.kind) == (
        instance.id, "decide_fee", "script_error")
    assert incident.message == ("decision 'repair_fee_table', rule 1, input column 1 (Size): "
                                "name 'size' is not defined")

    with system.sessions() as session:
        retried = retry_incident(session, system.rt, incident_id=incident.id, actor="supervisor",
                                 data={"size": 11})
        session.commit()
    assert retried.status == "running"


def test_a_failing_output_names_its_rule(system: System) -> None:
    instance = start(system, decision(output="500 // free_repairs"), size=12, free_repairs=0)
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert (incident.instance_id, incident.element_id) == (instance.id, "decide_fee")
    assert incident.message.startswith("decision 'repair_fee_table', rule 1, its outputs: ")
    assert "division" in incident.message


def test_a_refusal_at_run_time_keeps_its_kind(system: System) -> None:
    # A name spelled at run time passes the deploy check; the sandbox still refuses it.
    table = decision(input_expression="getattr(size, attribute)", entry=escape("!= 0"))
    instance = start(system, table, size=12, attribute="__class__")
    with system.sessions() as session:
        [incident] = open_incidents(session)
    assert (incident.instance_id, incident.kind) == (instance.id, "script_refused")
    assert "rule 1, input column 1 (Size)" in incident.message
    assert "'__class__' is private" in incident.message
