"""Many clients at once against a real threaded server: one completion wins, one claim wins."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy import func, select

from engine.common.audit import AuditEvent
from engine.system import System
from engine.workflow.models import HumanTask
from tests.support.api import token_of
from tests.support.browser import served
from tests.support.cases import CaseDriver
from tests.support.people import create_user

CLIENTS = 8
TRIAGED = {"data": {"triage_decision": "office_handles", "triage_notes": "all at once"}}


def post_together(url: str, tokens: list[str], body: dict[str, object]) -> list[int]:
    """POST ``body`` from one thread per token, released together; return the statuses."""
    gate, statuses = threading.Barrier(len(tokens)), []

    def client(token: str) -> None:
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        gate.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def clerks(system: System) -> list[str]:
    names = [f"clerk{i}" for i in range(CLIENTS)]
    for name in names:
        create_user(system, name, "customer_service")
    return [token_of(system, name) for name in names]


def test_clients_completing_one_task_together_get_one_200_and_the_rest_409(
        shipped: System) -> None:
    tokens = clerks(shipped)
    case = CaseDriver.register(shipped)
    task_id = case.task_id("triage")
    with served(shipped) as base:
        statuses = post_together(f"{base}/api/v1/tasks/{task_id}/complete", tokens, TRIAGED)
    assert statuses == [200] + [409] * (CLIENTS - 1)
    with shipped.sessions() as session:
        completions = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.kind == "task_completed"))
    assert completions == 1
    assert set(case.open()) == {"handle_work_order"}  # the case moved on once


def test_clients_claiming_one_task_together_leave_it_one_owner(shipped: System) -> None:
    tokens = clerks(shipped)
    task_id = CaseDriver.register(shipped).task_id("triage")
    with served(shipped) as base:
        statuses = post_together(f"{base}/api/v1/tasks/{task_id}/claim", tokens, {})
    assert statuses == [200] + [409] * (CLIENTS - 1)
    with shipped.sessions() as session:
        owner = session.get(HumanTask, task_id)
        claims = session.scalars(select(AuditEvent.actor).where(
            AuditEvent.task_id == task_id, AuditEvent.kind == "task_claimed")).all()
    assert owner is not None and owner.assignee is not None
    assert list(claims) == [owner.assignee]
