"""A hostile script behind a task, completed against a real threaded server: while the
evaluator process burns its time, the same web process goes on answering /healthz."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from typing import Any

from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.system import System, assemble_runtime
from engine.workflow.deployments import deploy
from engine.workflow.incidents import open_incidents
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from engine.workflow.sandbox.limits import ScriptLimits
from tests.support.api import token_of
from tests.support.browser import served
from tests.support.diagrams import bundle, chain, script_task, user_task
from tests.support.people import create_user

COPIES_FORM = {"type": "object", "required": ["copies"],
               "properties": {"copies": {"type": "integer", "minimum": 0}}}
# Integers that all hash alike: one C call does quadratic work, a step budget never sees it.
CPU_HOG = "colliding = set(range(0, (2**61 - 1) * 90000 * copies, 2**61 - 1))"


def open_task(system: System) -> int:
    xml = chain("hostile", user_task("fill"), script_task("print_copies", CPU_HOG),
                user_task("post"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle("hostile", xml, {"fill.schema.json": COPIES_FORM}),
               actor="modeler")
        instance = start_instance(session, system.rt, process_id="hostile", actor="clerk")
        session.commit()
        return session.scalars(select(HumanTask.id)
                               .where(HumanTask.instance_id == instance.id)).one()


def test_the_web_process_answers_healthz_while_a_hostile_script_runs(
        system: System, clock: FrozenClock) -> None:
    # A whole second of script time, so the requests below surely meet it running.
    bounded = System(system.settings, system.db, system.sessions,
                     assemble_runtime(clock=clock, limits=ScriptLimits(seconds=1.0,
                                                                       memory_mb=128)))
    create_user(bounded, "clerk", "customer_service")
    token, task_id = token_of(bounded, "clerk"), open_task(bounded)
    completed: list[dict[str, Any]] = []

    def complete(base: str) -> None:
        request = urllib.request.Request(
            f"{base}/api/v1/tasks/{task_id}/complete", method="POST",
            data=json.dumps({"data": {"copies": 1}}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            completed.append(json.load(response))

    with served(bounded) as base:
        completion = threading.Thread(target=complete, args=(base,))
        completion.start()
        answered_meanwhile = 0
        while completion.is_alive():
            with urllib.request.urlopen(f"{base}/healthz", timeout=60) as response:
                assert response.status == 200
                answered_meanwhile += completion.is_alive()
        completion.join()

    assert answered_meanwhile > 0
    [done] = completed
    assert done["status"] == "error"  # the completion is kept; the instance waits for a retry
    with bounded.sessions() as session:
        [incident] = open_incidents(session)
    assert (incident.element_id, incident.kind) == ("print_copies", "script_budget_exceeded")
    # The wall-clock deadline or the kernel's CPU limit, whichever comes first.
    assert re.search(r"the script (ran longer than|used more than) 1 s", incident.message)
