"""SIGKILL the timer worker mid-firing and restart it: every timer fires exactly once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.models import HumanTask, Timer
from tests.support.process_groups import Launcher
from tests.support.schedules import start_due_nudges
from tests.support.stored_state import read_back

pytestmark = [pytest.mark.crash, pytest.mark.postgres_only]

TIMERS = 250
KILL_AFTER = 120  # timers fired before the kill: the worker fires 100 a pass, then rests
WAIT = 120.0


def fired(system: System) -> int:
    with system.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.kind == "timer_fired")) or 0


def fired_but_waiting(system: System) -> set[str | None]:
    """Timers the audit log says fired whose instance still waits for them."""
    with system.sessions() as session:
        return set(session.scalars(select(AuditEvent.task_id).where(
            AuditEvent.kind == "timer_fired", AuditEvent.task_id.in_(select(Timer.task_id)))))


def wait_until_fired(system: System, count: int) -> bool:
    """Watch the audit log until ``count`` timers have fired, or give up after WAIT."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if fired(system) >= count:
            return True
        time.sleep(0.02)  # each look is one cheap count; the worker commits one timer at a time
    return False


def test_killing_the_worker_mid_firing_fires_every_timer_once(
        system: System, clock: FrozenClock, liaison: Launcher) -> None:
    start_due_nudges(system, clock, TIMERS)

    worker = liaison.start("worker")
    reached = wait_until_fired(system, KILL_AFTER)
    worker.kill()
    assert reached, f"only {fired(system)} timers fired:\n{worker.output()}"
    before = fired(system)
    assert before < TIMERS, "the worker had fired every timer before the kill"
    assert read_back(system).problems == []  # each timer fired whole or not at all
    assert fired_but_waiting(system) == set()

    again = liaison.run("worker", "--until-idle")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{TIMERS - before} timer(s) fired"

    stored = read_back(system)
    assert stored.problems == []
    with system.sessions() as session:
        per_instance = session.execute(
            select(AuditEvent.instance_id, func.count(), func.count(func.distinct(
                AuditEvent.task_id))).where(AuditEvent.kind == "timer_fired")
            .group_by(AuditEvent.instance_id)).all()
        waiting = session.scalar(select(func.count()).select_from(Timer))
        open_tasks = session.scalars(select(HumanTask.element_id)).all()
    assert len(per_instance) == TIMERS
    assert {(count, distinct) for _, count, distinct in per_instance} == {(1, 1)}
    assert waiting == 0
    assert sorted(open_tasks) == ["late"] * TIMERS
