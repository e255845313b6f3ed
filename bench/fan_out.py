"""Part 8: one child of a parallel multi-instance user task, raw and through engine/.

A user task repeated once per unit (``check_unit`` over ``units``), with a
form; each figure is one child's completion — validated, run, saved, the
open-task rows re-derived — while its siblings stay open. SpiffWorkflow alone
does the same deserialise–run–serialise round-trip on the same diagram. The
ratio is ours over the raw engine's at the same fan-out. Not a test: it
asserts nothing about time.

    .venv/bin/python -m bench.fan_out [--children 25 200] [--rounds 20] [--postgres URL | '']
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench.figures import PG_URL, backends, fresh_database, label, median_ms, record
from bench.owner_case import runtime
from engine.common.db import make_session_factory
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.complete import complete_task

PROCESS = "unit_checks"
DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="Definitions_{PROCESS}" targetNamespace="http://liaison.example/bench">
  <bpmn:process id="{PROCESS}" name="Check every unit" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check_unit" name="Check the unit">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="check_unit.schema.json" />
        <spiffworkflow:property name="dueIn" value="PT2H" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>units</bpmn:loopDataInputRef>
        <bpmn:loopDataOutputRef>checks</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="unit" name="unit" />
        <bpmn:outputDataItem id="cleaned" name="cleaned" />
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="to_checks" sourceRef="start" targetRef="check_unit" />
    <bpmn:sequenceFlow id="to_end" sourceRef="check_unit" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""
FORM = {"type": "object", "required": ["cleaned"],
        "properties": {"cleaned": {"type": "string", "enum": ["yes", "no"]},
                       "remark": {"type": "string", "maxLength": 200}}}
ANSWER = {"cleaned": "yes", "remark": "stairs and bins done"}
INSTANCES = 3  # per fan-out; each gives up to ``rounds`` completions


def units(children: int) -> list[str]:
    return [f"A-{floor:02d}{flat:02d}" for floor, flat in
            ((i // 8 + 1, i % 8 + 1) for i in range(children))]


def raw_completions(children: int, rounds: int) -> list[float]:
    """SpiffWorkflow alone: load, complete one child, run on, save — per child."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(DIAGRAM.encode(), filename=f"{PROCESS}.bpmn")
    spec, subprocesses = parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    timings: list[float] = []
    for _ in range(INSTANCES):
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.get_tasks(state=TaskState.READY)[0].data["units"] = units(children)
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        for _ in range(min(rounds, children)):
            started = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(ANSWER)
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            timings.append(time.perf_counter() - started)
    return timings


def engine_completions(sessions: sessionmaker[Session], rt: Runtime, children: int,
                       rounds: int) -> list[float]:
    """The same through engine/: each child's completion in its own transaction."""
    timings: list[float] = []
    for _ in range(INSTANCES):
        with sessions() as session:
            instance = start_instance(session, rt, process_id=PROCESS,
                                      data={"units": units(children)}, actor="bench")
            session.commit()
            instance_id = instance.id
        for _ in range(min(rounds, children)):
            with sessions() as session:
                task_id = session.scalars(select(HumanTask.id).where(
                    HumanTask.instance_id == instance_id).limit(1)).one()
            started = time.perf_counter()
            with sessions() as session:
                complete_task(session, rt, task_id=task_id, data=ANSWER, actor="bench")
                session.commit()
            timings.append(time.perf_counter() - started)
    return timings


def measure(*, children: Sequence[int], rounds: int, postgres: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    print(f"\none child of a parallel multi-instance user task, "
          f"{INSTANCES} instances x {rounds} children")
    print(f"{'':<56}{'median':>8}      ratio")
    anchors = {}
    for n in children:
        anchors[n] = median_ms(raw_completions(n, rounds))
        figures[f"fan_out_{n}_raw_ms_per_completion"] = anchors[n]
        print(f"{f'raw SpiffWorkflow + serializer, {n} children':<56}{anchors[n]:8.3f} ms"
              f"   1.0x")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "fan_out", postgres):
            with fresh_database(url) as db:
                sessions, rt = make_session_factory(db), runtime()
                with sessions() as session:
                    deploy(session, rt, Bundle(
                        bpmn={f"{PROCESS}.bpmn": DIAGRAM.encode()},
                        forms={f"{PROCESS}/check_unit.schema.json": json.dumps(FORM).encode()}),
                        actor="bench")
                    session.commit()
                for n in children:
                    ms = median_ms(engine_completions(sessions, rt, n, rounds))
                    figures[f"fan_out_{n}_{backend}_ms_per_completion"] = ms
                    figures[f"fan_out_{n}_vs_raw_{backend}"] = ms / anchors[n]
                    print(f"{f'liaison engine, {label(backend)}, {n} children':<56}"
                          f"{ms:8.3f} ms {ms / anchors[n]:6.1f}x")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[25, 200])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(children=args.children, rounds=args.rounds,
                   postgres=args.postgres or None))


if __name__ == "__main__":
    main()
