"""Part 9: a month of return visits, each its own instance: opening 300, then completing one
with 300 open and with 3 open.

A visit inside the round's own instance would make every completion pay for its
open siblings (state size and re-derived rows grow with them); as instances of
their own, completing one costs the same whatever the round's size. The figure
is the ratio of a completion at 300 open over one at 3 open; SpiffWorkflow alone
runs the same visit diagram (deserialise, complete, serialise) as the anchor.
Not a test: it asserts nothing about time.

    .venv/bin/python -m bench.return_visits [--orders 300] [--postgres URL | '']
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
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
from bench.owner_case import PROCESSES, deploy_shipped
from engine.common.clock import FrozenClock
from engine.common.db import make_session_factory
from engine.directory.demo import load_demo
from engine.return_visits.history import add_month_of_orders
from engine.return_visits.models import ReturnVisit
from engine.return_visits.orders import Month
from engine.return_visits.rounds import start_round
from engine.system import assemble_runtime
from engine.workflow.lanes import load_lane_roles
from engine.workflow.models import HumanTask
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.complete import complete_task

MONTH = Month(2026, 11)
OPENED_AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
VISITED = {"visit_method": "phone", "attempt_1_at": "2026-12-02T10:00:00+08:00",
           "attempt_1_reached": True, "satisfaction": "satisfied", "spoken_to": "業主"}
SAMPLES = 10  # completions timed at each end of the round


def _open_round(sessions: sessionmaker[Session], rt: Runtime, orders: int) -> float:
    with sessions() as session:
        load_demo(session, clock=rt.clock)
        add_month_of_orders(session, month=MONTH, zone=rt.office_zone, orders=orders,
                            complaint_share=0.3, rng=random.Random(1))
        session.commit()
    started = time.perf_counter()
    with sessions() as session:
        start_round(session, rt, month=MONTH, actor="bench", percent=100)
        session.commit()
    return time.perf_counter() - started


def _complete(sessions: sessionmaker[Session], rt: Runtime, visit_id: int) -> float:
    with sessions() as session:
        visit = session.get_one(ReturnVisit, visit_id)
        task = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == visit.instance_id)).one()
        task_id, visitor = task.id, task.assignee
    started = time.perf_counter()
    with sessions() as session:
        complete_task(session, rt, task_id=task_id, data=VISITED, actor=visitor)
        session.commit()
    return time.perf_counter() - started


def raw_visit(rounds: int) -> list[float]:
    """SpiffWorkflow alone on the visit's diagram: load its state, fill the form, save.

    The floor under a completion: the visit's services (look-up, record, reopen)
    write to the database and cannot run without it.
    """
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(PROCESSES / "return_visit.bpmn"))
    spec, subprocesses = parser.get_spec("return_visit"), parser.get_subprocess_specs(
        "return_visit")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    timings = []
    for _ in range(rounds):
        workflow = BpmnWorkflow(spec, subprocesses)
        # The look-up is a service; here its result is handed in and the task run by hand.
        workflow.get_tasks(state=TaskState.READY)[0].data["return_visit_id"] = 1
        for task in workflow.get_tasks(state=TaskState.READY):
            if task.task_spec.bpmn_id == "look_up_visit":
                task.data["visit"] = {}
        state = serializer.serialize_json(workflow)
        started = time.perf_counter()
        loaded = serializer.deserialize_json(state)
        ready = loaded.get_tasks(state=TaskState.READY)
        if ready:
            ready[0].data.update(VISITED)
        serializer.serialize_json(loaded)
        timings.append(time.perf_counter() - started)
    return timings


def measure(*, orders: int, postgres: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    print(f"\na month of return visits: {orders} completed orders at a 100 % sample")
    print(f"{'':<56}{'median':>8}      ratio")
    anchor = median_ms(raw_visit(SAMPLES * 3))
    figures["return_visit_raw_ms_per_visit"] = anchor
    print(f"{'raw SpiffWorkflow: load and save a visit state':<56}{anchor:8.3f} ms   1.0x")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "return_visits", postgres):
            with fresh_database(url) as db:
                clock = FrozenClock(OPENED_AT)
                rt = assemble_runtime(clock=clock, lane_roles=load_lane_roles(PROCESSES))
                sessions = make_session_factory(db)
                deploy_shipped(sessions, rt)
                opened = _open_round(sessions, rt, orders)
                with sessions() as session:
                    ids = list(session.scalars(select(ReturnVisit.id).order_by(ReturnVisit.id)))
                clock.advance(timedelta(days=1))
                many = [_complete(sessions, rt, i) for i in ids[:SAMPLES]]
                for visit_id in ids[SAMPLES:-SAMPLES]:
                    _complete(sessions, rt, visit_id)
                few = [_complete(sessions, rt, i) for i in ids[-SAMPLES:-1]]
                at_many, at_few = median_ms(many), median_ms(few)
                figures[f"return_visits_open_{orders}_s_{backend}"] = opened
                figures[f"return_visit_at_{orders}_open_ms_{backend}"] = at_many
                figures[f"return_visit_at_few_open_ms_{backend}"] = at_few
                figures[f"return_visit_many_vs_few_{backend}"] = at_many / at_few
                print(f"{f'open the round: {len(ids)} visits, {label(backend)}':<56}"
                      f"{opened * 1000:8.0f} ms")
                print(f"{f'one visit, ~{orders} open, {label(backend)}':<56}"
                      f"{at_many:8.3f} ms {at_many / anchor:6.1f}x")
                print(f"{f'one visit, <= {SAMPLES} open, {label(backend)}':<56}"
                      f"{at_few:8.3f} ms {at_few / anchor:6.1f}x")
                print(f"{f'  {orders} open over <= {SAMPLES} open':<56}"
                      f"{at_many / at_few:8.2f} x")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(orders=args.orders, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
