"""The worker's cost per due timer, with 1k and 100k idle instances in the database.

Finding due work must cost O(due timers), not O(instances): the worker reads
the indexed ``timers`` table and never touches an idle instance. Each run
fills a fresh database with idle instances (every one waiting on a user task
with a timer years ahead, cloned from one real instance so that 100k take
seconds, not hours), makes a batch of timers due, and times the worker
firing them. SpiffWorkflow alone — deserialise, refresh timers, run, serialise
— is the in-memory anchor. Not a test: it asserts nothing about time.

    .venv/bin/python -m bench.worker [--due 300] [--idle 1000 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from bench.figures import PG_URL, backends, fresh_database, k, label, record
from bench.population import clone_open, settle
from engine.common.clock import FrozenClock
from engine.common.db import make_session_factory
from engine.system import assemble_runtime
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import start_instance
from engine.workflow.timeshift import running_on
from engine.workflow.worker import fire_due_timers

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FORM = b'{"type": "object", "properties": {"answer": {"type": "string"}}}'


def diagram(pid: str, deadline: str) -> bytes:
    """Reply to the owner, chased up when ``deadline`` passes."""
    props = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
             'name="formJsonSchemaFilename" value="form.schema.json"/>'
             '</spiffworkflow:properties></bpmn:extensionElements>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs_{pid}" targetNamespace="http://liaison.example/bench">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="reply" name="Reply">{props}</bpmn:userTask>
    <bpmn:userTask id="chase_up" name="Chase up">{props}</bpmn:userTask>
    <bpmn:boundaryEvent id="late" attachedToRef="reply"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>{deadline}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>
    <bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="chase_up"/>
    <bpmn:sequenceFlow id="f4" sourceRef="chase_up" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def bundle(pid: str, deadline: str) -> Bundle:
    return Bundle(bpmn={f"{pid}.bpmn": diagram(pid, deadline)},
                  forms={f"{pid}/form.schema.json": FORM})


def raw_engine(due: int) -> list[float]:
    """SpiffWorkflow alone: wake a waiting instance from its serialized state and save it."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(diagram("nudge", '"PT1H"'))
    spec = parser.get_spec("nudge")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    clock = FrozenClock(START)
    states = []
    with running_on(clock):
        for _ in range(due):
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            states.append(serializer.serialize_json(workflow))
        clock.advance(timedelta(hours=2))
        timings = []
        for state in states:
            began = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            workflow.refresh_timers()
            workflow.do_engine_steps()
            serializer.serialize_json(workflow)
            timings.append(time.perf_counter() - began)
    return timings


def liaison_worker(url: str, idle: int, due: int) -> tuple[float, int]:
    """Seconds per fired timer for ``due`` due timers among ``idle`` idle instances."""
    with fresh_database(url) as engine:
        clock = FrozenClock(START)
        rt = assemble_runtime(clock=clock)
        sessions = make_session_factory(engine)
        with sessions() as session:
            deploy(session, rt, bundle("idle", '"P10Y"'), actor="bench")
            deploy(session, rt, bundle("nudge", '"PT1H"'), actor="bench")
            for _ in range(due):
                start_instance(session, rt, process_id="nudge", actor="bench")
            session.commit()
        with sessions() as session:
            model = start_instance(session, rt, process_id="idle", actor="bench")
            session.commit()
            clone_open(engine, session, model.id, idle - 1)
        settle(engine)
        clock.advance(timedelta(hours=2))
        began, fired = time.perf_counter(), 0
        while batch := fire_due_timers(sessions, rt):
            fired += batch
        return (time.perf_counter() - began) / max(fired, 1), fired


def measure(*, due: int, idle_counts: list[int], postgres: str | None) -> dict[str, float]:
    """Print the table and return the figures by name."""
    raw = statistics.median(raw_engine(due))
    figures: dict[str, float] = {"worker_raw_ms_per_timer": raw * 1000}
    print(f"worker, per due timer fired ({due} due)   " +
          "".join(f"{n:>10,} idle" for n in idle_counts) + "     growth")
    print(f"{'raw SpiffWorkflow wake + serializer':<40}" +
          "".join(f"{raw * 1000:>11.3f} ms" for _ in idle_counts) + "      1.00x")
    growths = []
    with tempfile.TemporaryDirectory() as folder:
        for name, url in backends(Path(folder), "worker", postgres):
            cells = []
            for n in idle_counts:
                target = url.replace(".sqlite3", f"{n}.sqlite3")
                seconds, fired = liaison_worker(target, n, due)
                assert fired == due, f"{fired} of {due} timers fired"  # a broken run, not a timing
                figures[f"worker_{name}_{k(n)}_ms_per_timer"] = seconds * 1000
                cells.append(seconds)
            growths.append(cells[-1] / cells[0])
            figures[f"worker_{name}_{k(idle_counts[-1])}_vs_{k(idle_counts[0])}"] = growths[-1]
            print(f"{'liaison worker, ' + label(name):<40}" +
                  "".join(f"{c * 1000:>11.3f} ms" for c in cells) + f"{growths[-1]:>10.2f}x")
            print(f"{'  ratio to raw':<40}" + "".join(f"{c / raw:>13.1f}x" for c in cells))
    # The worse of the two databases is the figure an office should plan with.
    figures[f"worker_{k(idle_counts[-1])}_vs_{k(idle_counts[0])}"] = max(growths)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--idle", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(due=args.due, idle_counts=args.idle, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
