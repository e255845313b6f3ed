"""SIGKILL gunicorn mid-load: every acknowledged completion survives, none is half-applied."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from tests.support.api import token_of
from tests.support.diagrams import FOOTER, HEADER, bundle, user_task
from tests.support.people import create_user
from tests.support.process_groups import Launcher, free_port
from tests.support.stored_state import StoredState, read_back

pytestmark = [pytest.mark.crash, pytest.mark.postgres_only]

PAIRS = 3            # each pair of clients completes the two branches of the same instances
PER_PAIR = 20        # instances per pair
KILL_AFTER = 40      # acknowledged completions before the kill, of 2 * PAIRS * PER_PAIR
WEB_WORKERS = 3
WAIT = 120.0         # the most any step may take on a slow machine before the test gives up

# Two clerks complete one instance's two branches at the same moment: a lost update
# would show as a branch whose acknowledged completion is missing from the state.
FORKED = HEADER.format(pid="forked") + (
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="fork"/>'
    + user_task("left") + user_task("right")
    + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
    + "".join(f'<bpmn:sequenceFlow id="{a}_{b}" sourceRef="{a}" targetRef="{b}"/>'
              for a, b in [("start", "fork"), ("fork", "left"), ("fork", "right"),
                           ("left", "join"), ("right", "join"), ("join", "end")])
) + FOOTER

Step = tuple[str, str]  # the task to complete and the answer to complete it with


@dataclass
class Ledger:
    """What the clients were told, written by all their threads."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # task id -> answer, got 200
    unsettled: dict[str, str] = field(default_factory=dict)     # sent, no answer came back
    done_before: set[str] = field(default_factory=set)  # unsettled, then 409: it had applied
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # anything unexpected
    changed: threading.Condition = field(default_factory=threading.Condition)

    def note(self, step: Step, status: int | None, body: str) -> bool:
        """Record one answer; return whether the client should go on."""
        task_id, answer = step
        with self.changed:
            if status == 200:
                self.acknowledged[task_id] = answer
            elif status is None:
                self.unsettled[task_id] = answer
            elif status == 409 and task_id in self.unsettled:
                self.done_before.add(task_id)
            else:
                self.refused.append((task_id, status, body))
            self.changed.notify_all()
        return status is not None


def complete(base: str, token: str, step: Step) -> tuple[int | None, str]:
    """POST one completion; ``None`` when the server died before it answered."""
    task_id, answer = step
    request = urllib.request.Request(
        f"{base}/api/v1/tasks/{task_id}/complete", method="POST",
        data=json.dumps({"data": {"answer": answer}}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (OSError, HTTPException):
        return None, ""


class Client(threading.Thread):
    """One integration completing its steps in order until the server stops answering."""

    def __init__(self, base: str, token: str, steps: list[Step], ledger: Ledger) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.ledger = base, token, ledger
        self.left = list(steps)  # not yet acknowledged; the first may be in flight

    def run(self) -> None:
        while self.left:
            status, body = complete(self.base, self.token, self.left[0])
            if not self.ledger.note(self.left[0], status, body):
                return  # retried after the restart
            self.left.pop(0)


def run_clients(base: str, work: dict[str, list[Step]], ledger: Ledger) -> list[Client]:
    clients = [Client(base, token, steps, ledger) for token, steps in work.items()]
    for client in clients:
        client.start()
    return clients


def join(clients: list[Client]) -> None:
    for client in clients:
        client.join(WAIT)
        assert not client.is_alive(), "a client is still waiting for an answer"


def forked_instances(system: System) -> list[dict[str, str]]:
    """Deploy the forked process and start its instances; their open tasks by element."""
    with system.sessions() as session:
        deploy(session, system.rt, bundle("forked", FORKED), actor="tests")
        ids = [start_instance(session, system.rt, process_id="forked", actor="tests").id
               for _ in range(PAIRS * PER_PAIR)]
        session.commit()
        tasks: dict[int, dict[str, str]] = {i: {} for i in ids}
        for row in session.scalars(select(HumanTask)):
            tasks[row.instance_id][row.element_id] = row.id
    return [tasks[i] for i in ids]


def share_out(system: System, instances: list[dict[str, str]]) -> dict[str, list[Step]]:
    """Give each pair of clients its instances: one completes the left branches, one the right."""
    work: dict[str, list[Step]] = {}
    for pair in range(PAIRS):
        mine = instances[pair * PER_PAIR:(pair + 1) * PER_PAIR]
        for branch in ("left", "right"):
            name = f"clerk_{pair}_{branch}"
            create_user(system, name, "customer_service")
            work[token_of(system, name)] = [(tasks[branch], f"{name} did {tasks[branch]}")
                                            for tasks in mine]
    return work


def check_acknowledged(system: System, ledger: Ledger, stored: StoredState) -> None:
    """Every answer a client saw acknowledged is in the state and in the audit log."""
    assert stored.problems == []
    with system.sessions() as session:
        audited = {e.task_id: e.data["data"]["answer"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "task_completed"))}
    kept = {task_id: stored.completed[task_id]["answer"] for task_id in ledger.acknowledged
            if task_id in stored.completed}
    assert kept == ledger.acknowledged
    assert {t: audited.get(t) for t in ledger.acknowledged} == ledger.acknowledged


def test_killing_the_server_mid_load_loses_no_acknowledged_completion(
        system: System, liaison: Launcher) -> None:
    instances = forked_instances(system)
    work = share_out(system, instances)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = liaison.serve(port, workers=WEB_WORKERS)
    ledger = Ledger()

    clients = run_clients(base, work, ledger)
    with ledger.changed:
        reached = ledger.changed.wait_for(lambda: len(ledger.acknowledged) >= KILL_AFTER, WAIT)
    server.kill()  # master and workers at once, whatever they were doing
    join(clients)
    assert reached, f"only {len(ledger.acknowledged)} completions came back:\n{server.output()}"
    assert ledger.refused == []
    left = {client.token: client.left for client in clients}
    assert any(left.values()), "the clients had finished before the kill"

    # Right after the crash: what was acknowledged is there, the rest all or nothing.
    after_crash = read_back(system)
    check_acknowledged(system, ledger, after_crash)
    for task_id in ledger.unsettled:
        assert (task_id in after_crash.completed) != (task_id in after_crash.open), task_id

    liaison.serve(port, workers=WEB_WORKERS)
    join(run_clients(base, left, ledger))
    assert ledger.refused == []
    assert ledger.done_before <= set(after_crash.completed)  # a 409 only for what had applied

    finished = read_back(system)
    check_acknowledged(system, ledger, finished)
    every_task = {tasks[branch] for tasks in instances for branch in ("left", "right")}
    assert set(finished.completed) == every_task
    assert set(ledger.acknowledged) | ledger.done_before == every_task
    assert set(finished.statuses.values()) == {"completed"}
