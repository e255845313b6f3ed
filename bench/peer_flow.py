"""Part 7: the flow other workflow servers are measured on, over the REST API.

start → user task A → user task B → end, each form one text field, driven as
six calls per instance: start it, fetch its ready task, complete A, fetch,
complete B, check it finished. 200 instances with 1 client and with 4, on
SQLite and PostgreSQL: instances per second, and median and p95 per call.
Not a test: it asserts nothing about time.

    .venv/bin/python -m bench.peer_flow [--instances 200] [--clients 1 4] [--postgres URL | '']
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.figures import PG_URL, backends, label, median_ms, p95_ms, record, reset_database
from bench.http import bench_token
from bench.owner_case import runtime
from bench.server import Client, serving
from engine.common.db import make_engine, make_session_factory
from engine.workflow.deployments import Bundle, deploy

PROCESS = "peer_flow"
FORM = b'{"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}}'


def _user_task(task_id: str) -> str:
    return (f'<bpmn:userTask id="{task_id}" name="Task {task_id[-1].upper()}">'
            '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
            'name="formJsonSchemaFilename" value="note.schema.json"/>'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs_{PROCESS}" targetNamespace="http://liaison.example/bench">
  <bpmn:process id="{PROCESS}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    {_user_task("task_a")}
    {_user_task("task_b")}
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task_a"/>
    <bpmn:sequenceFlow id="f2" sourceRef="task_a" targetRef="task_b"/>
    <bpmn:sequenceFlow id="f3" sourceRef="task_b" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def deploy_flow(url: str) -> None:
    db = make_engine(url)
    sessions, rt = make_session_factory(db), runtime()
    with sessions() as session:
        deploy(session, rt, Bundle(bpmn={f"{PROCESS}.bpmn": DIAGRAM},
                                   forms={f"{PROCESS}/note.schema.json": FORM}), actor="bench")
        session.commit()
    db.dispose()


def one_instance(client: Client, calls: dict[str, list[float]]) -> None:
    """The six calls; each one's time is kept under its name."""
    started, took = client.call("POST", "/instances", {"process_id": PROCESS, "data": {}},
                                expect=201)
    calls["start"].append(took)
    path = f"/instances/{started['instance']['id']}"
    for element in ("task_a", "task_b"):
        view, took = client.call("GET", path)
        calls["fetch"].append(took)
        [task] = view["open_tasks"]
        if task["element_id"] != element:
            raise RuntimeError(f"expected {element}, found {task['element_id']}")
        _, took = client.call("POST", f"/tasks/{task['id']}/complete",
                              {"data": {"note": f"done {element}"}})
        calls["complete"].append(took)
    view, took = client.call("GET", path)
    calls["check"].append(took)
    if view["instance"]["status"] != "completed":
        raise RuntimeError(f"instance {path} ended {view['instance']['status']}")


def drive(port: int, token: str, clients: int, instances: int) -> tuple[dict[str, list[float]],
                                                                       float]:
    calls: dict[str, list[float]] = {"start": [], "fetch": [], "complete": [], "check": []}
    lock, failures = threading.Lock(), []
    gate = threading.Barrier(clients + 1)
    shares = [instances // clients + (c < instances % clients) for c in range(clients)]

    def client_loop(count: int) -> None:
        client, mine = Client(port, token), {name: [] for name in calls}
        gate.wait()
        try:
            for _ in range(count):
                one_instance(client, mine)
        except BaseException as error:  # reported after the round
            failures.append(error)
        finally:
            client.close()
            with lock:
                for name, times in mine.items():
                    calls[name].extend(times)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} client(s) failed; first: {failures[0]}")
    return calls, wall


def measure(*, instances: int, clients: list[int], postgres: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    print(f"\npeer flow, {instances} instances x 6 calls{'instances/s':>18} "
          f"{'per call p50':>13} {'p95':>10} {'complete p50':>13}")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "peer", postgres):
            reset_database(url)
            deploy_flow(url)
            token = bench_token(url)
            with serving(url, Path(folder)) as server:
                for count in clients:
                    calls, wall = drive(server.port, token, count, instances)
                    every = [t for times in calls.values() for t in times]
                    prefix = f"peer_flow_{backend}_{count}"
                    figures[f"peer_flow_instances_per_s_{backend}_{count}"] = instances / wall
                    figures[f"{prefix}_call_p50_ms"] = median_ms(every)
                    figures[f"{prefix}_call_p95_ms"] = p95_ms(every)
                    figures[f"{prefix}_complete_p50_ms"] = median_ms(calls["complete"])
                    name = f"REST, {label(backend)}, {count} client{'s' * (count > 1)}"
                    print(f"{name:<42}{instances / wall:16.1f} {median_ms(every):10.2f} ms "
                          f"{p95_ms(every):7.2f} ms {median_ms(calls['complete']):10.2f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(instances=args.instances, clients=args.clients,
                   postgres=args.postgres or None))


if __name__ == "__main__":
    main()
