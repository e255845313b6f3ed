"""One persisted task completion: Liaison's engine against SpiffWorkflow's own round-trip.

Runs the shipped routine repair process (two user tasks, a script, a gateway)
N times both ways and prints medians and the ratio. Not a test: it asserts
nothing about time.

    .venv/bin/python -m bench.completion [--instances 200] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState
from sqlalchemy import select, text

from engine.db import make_engine, make_session_factory
from engine.deployments import Bundle, deploy
from engine.instances import start_instance
from engine.lanes import load_lane_roles
from engine.migrate import upgrade
from engine.models import HumanTask
from engine.runtime import Runtime
from engine.sandbox import make_script_engine
from engine.settings import PROJECT_ROOT
from engine.tasks import complete_task

PROCESS = "routine_repair"
ANSWERS = {"describe_repair": {"location": "Block A lobby", "description": "lamp is out",
                               "urgency": "normal"},
           "carry_out_repair": {"result": "repaired", "method": "new lamp"}}


def raw_engine(instances: int) -> list[float]:
    """SpiffWorkflow alone, in memory, default serializer round-trip after every user task."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(PROJECT_ROOT / "processes" / f"{PROCESS}.bpmn"))
    spec = parser.get_spec(PROCESS)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    timings = []
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        while True:
            began = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            task = ready[0]
            task.data.update(ANSWERS[task.task_spec.bpmn_id])
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            timings.append(time.perf_counter() - began)
    return timings


def liaison_engine(url: str, instances: int) -> list[float]:
    """The same flow through engine/: load, validate form, run, save, derive, audit, commit."""
    db = make_engine(url)
    upgrade(db)
    sessions = make_session_factory(db)
    rt = Runtime(script_engine=make_script_engine(),
                 lane_roles=load_lane_roles(PROJECT_ROOT / "processes"))
    with sessions() as session:
        deploy(session, rt, Bundle.from_paths([PROJECT_ROOT / "processes"]), actor="bench")
        session.commit()
    timings = []
    for _ in range(instances):
        with sessions() as session:
            instance = start_instance(session, rt, process_id=PROCESS, actor="bench")
            session.commit()
            instance_id = instance.id
        while True:
            with sessions() as session:
                row = session.scalars(select(HumanTask).where(
                    HumanTask.instance_id == instance_id)).first()
            if row is None:
                break
            began = time.perf_counter()
            with sessions() as session:
                complete_task(session, rt, task_id=row.id, data=ANSWERS[row.element_id],
                              actor="bench")
                session.commit()
            timings.append(time.perf_counter() - began)
    db.dispose()
    return timings


def summary(name: str, timings: list[float], anchor: float | None) -> str:
    median = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[18] * 1000
    ratio = f"{median / anchor:6.1f}x" if anchor else "   1.0x"
    return f"{name:<34} {median:8.3f} ms {p95:8.3f} ms {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
                        "?options=-csearch_path%3Dliaison_bench")
    args = parser.parse_args()
    runs: list[tuple[str, Callable[[], list[float]]]] = []
    raw = raw_engine(args.instances)
    with tempfile.TemporaryDirectory() as folder:
        runs.append(("liaison engine, SQLite (WAL, FULL)",
                     lambda: liaison_engine(f"sqlite:///{Path(folder) / 'b.sqlite3'}",
                                            args.instances)))
        if _reset_schema(args.postgres):
            runs.append(("liaison engine, PostgreSQL", lambda: liaison_engine(
                args.postgres, args.instances)))
        anchor = statistics.median(raw) * 1000
        print(f"{'per user-task completion':<34} {'median':>11} {'p95':>11}  ratio")
        print(summary("raw SpiffWorkflow + serializer", raw, None))
        for name, run in runs:
            print(summary(name, run(), anchor))


def _reset_schema(url: str) -> bool:
    try:
        admin = make_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS liaison_bench CASCADE"))
            conn.execute(text("CREATE SCHEMA liaison_bench"))
        admin.dispose()
        return True
    except Exception as error:  # no server: print the SQLite figures alone
        print(f"PostgreSQL skipped: {error}")
        return False


if __name__ == "__main__":
    main()
