"""Two worker processes share one PostgreSQL database: every timer fires exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.models import HumanTask, Timer
from tests.support.schedules import start_due_nudges

TIMERS = 1000
LIAISON = str(Path(sys.executable).with_name("liaison"))


@pytest.mark.postgres_only  # several workers need row locks; SQLite runs one worker by design
def test_two_workers_fire_a_thousand_timers_once_each(system: System, clock: FrozenClock) -> None:
    start_due_nudges(system, clock, TIMERS)

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
