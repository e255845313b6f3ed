"""Two worker processes share one PostgreSQL database: every timer fires exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.bootstrap import System
from engine.clock import FrozenClock
from engine.deployments import deploy
from engine.instances import start_instance
from engine.models import AuditEvent, HumanTask, Timer
from tests.support.diagrams import boundary_timer, bundle, chain, user_task

TIMERS = 1000
LIAISON = str(Path(sys.executable).with_name("liaison"))


@pytest.mark.postgres_only  # several workers need row locks; SQLite runs one worker by design
def test_two_workers_fire_a_thousand_timers_once_each(system: System, clock: FrozenClock) -> None:
    # The instances start an hour in the past, so their timers are due by the wall clock
    # the worker processes use: nobody has to wait.
    clock.set(datetime.now(UTC) - timedelta(hours=1))
    late = user_task("late") + '<bpmn:sequenceFlow id="l" sourceRef="late" targetRef="end"/>'
    xml = chain("nudge", user_task("answer"),
                extra=boundary_timer("answer", "PT1M", "late") + late)
    with system.sessions() as session:
        deploy(session, system.rt, bundle("nudge", xml), actor="tests")
        for _ in range(TIMERS):
            start_instance(session, system.rt, process_id="nudge", actor="tests")
        session.commit()

    env = {**os.environ, "LIAISON_DATABASE_URL": system.db.url.render_as_string(False),
           "LIAISON_INSTANCE_PATH": str(system.settings.instance_path)}
    workers = [subprocess.Popen([LIAISON, "worker", "--until-idle"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    with system.sessions() as session:
        fired = session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.kind == "timer_fired"))
        distinct = session.scalar(select(func.count(func.distinct(AuditEvent.task_id)))
                                  .where(AuditEvent.kind == "timer_fired"))
        waiting = session.scalar(select(func.count()).select_from(Timer))
        late = session.scalar(select(func.count()).select_from(HumanTask)
                              .where(HumanTask.element_id == "late"))
    assert (fired, distinct, waiting, late) == (TIMERS, TIMERS, 0, TIMERS)
    both_worked = [int(out.split()[0]) for out, _ in outputs]
    assert sum(both_worked) == TIMERS
