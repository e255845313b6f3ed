"""The background worker: fires due timers, one instance per transaction."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.common import audit
from engine.common.errors import Conflict, LiaisonError
from engine.workflow.instances import advance, compiled_spec, load_workflow, lock_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, Timer, WorkerHeartbeat
from engine.workflow.runtime import Runtime
from engine.workflow.timers.retries import count_failure
from engine.workflow.timers.schedules import fire_due_schedules

log = logging.getLogger(__name__)

# Tries before a failing timer becomes an incident a supervisor must look at.
MAX_ATTEMPTS = 5


def fire_due_timers(sessions: sessionmaker[Session], rt: Runtime, *, limit: int = 100) -> int:
    """Fire every timer due by now; return how many instances were woken."""
    with sessions() as session:
        due = list(session.scalars(select(Timer.id).where(Timer.due_at < rt.clock.now())
                                   .order_by(Timer.due_at).limit(limit)))
    fired = 0
    for timer_id in due:
        with sessions() as session:
            try:
                woke = _fire(session, rt, timer_id)
            except Conflict:
                continue  # the instance moved meanwhile; the re-derived timer comes round again
            except Exception as error:  # a broken instance must not stop the others
                session.rollback()
                log.exception("timer %s failed", timer_id)
                _note_failure(sessions, rt, timer_id, error)
                continue
            if woke:
                session.commit()
                fired += 1
    return fired


def _note_failure(sessions: sessionmaker[Session], rt: Runtime, timer_id: int,
                  error: Exception) -> None:
    """Retry later with backoff; after MAX_ATTEMPTS, stop and open an incident."""
    with sessions() as session:
        timer = session.get(Timer, timer_id)
        if timer is None:
            return
        retry_at = count_failure(timer, error, now=rt.clock.now())
        if timer.attempts < MAX_ATTEMPTS:
            timer.due_at = retry_at
        else:
            instance = session.get(ProcessInstance, timer.instance_id)
            if instance is not None:
                instance.status = "error"
            coded = error if isinstance(error, LiaisonError) and error.message_code else None
            session.add(Incident(instance_id=timer.instance_id, element_id=timer.element_id,
                                 kind="timer_failed", message=timer.last_error, line=None,
                                 message_code=coded.message_code if coded else None,
                                 params=dict(coded.params) if coded else None,
                                 created_at=rt.clock.now()))
            audit.record(session, rt, kind="incident_opened", actor=None,
                         instance_id=timer.instance_id, element_id=timer.element_id,
                         data={"message": timer.last_error, "attempts": timer.attempts})
            session.delete(timer)
        session.commit()


def flag_overdue_tasks(sessions: sessionmaker[Session], rt: Runtime) -> int:
    """Mark open tasks whose due time has passed, once each, with an audit event."""
    now = rt.clock.now()
    with sessions() as session:
        query = select(HumanTask).where(HumanTask.due_at < now,
                                        HumanTask.overdue_since.is_(None))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # each task flagged by one worker
        late = list(session.scalars(query))
        for task in late:
            task.overdue_since = now
            audit.record(session, rt, kind="task_overdue", actor=None,
                         instance_id=task.instance_id, process_id=task.process_id,
                         element_id=task.element_id, task_id=task.id,
                         data={"due_at": task.due_at.isoformat() if task.due_at else None})
        session.commit()
    return len(late)


def _fire(session: Session, rt: Runtime, timer_id: int) -> bool:
    query = select(Timer).where(Timer.id == timer_id, Timer.due_at < rt.clock.now())
    if session.get_bind().dialect.name == "postgresql":
        # Another worker holding this timer has it; we move on rather than wait.
        query = query.with_for_update(skip_locked=True)
    timer = session.scalars(query).first()
    if timer is None:
        return False
    instance = lock_instance(session, timer.instance_id)
    if session.get(Timer, timer_id) is None:
        return False  # fired by someone else while we waited for the lock
    compiled = compiled_spec(session, rt, instance)
    workflow = load_workflow(session, rt, instance, compiled)
    audit.record(session, rt, kind="timer_fired", actor=None, instance_id=instance.id,
                 process_id=instance.process_id, element_id=timer.element_id,
                 task_id=timer.task_id, data={"due_at": timer.due_at.isoformat()})
    advance(session, rt, instance, workflow, actor=None, compiled=compiled)
    return True


@dataclass
class WorkerStatus:
    running: bool = False
    last_beat: datetime | None = None
    fired: int = 0
    last_error: str | None = None
    started_at: datetime | None = None


def beat(sessions: sessionmaker[Session], name: str, status: WorkerStatus) -> None:
    """Record the worker's sign of life where ``/healthz`` in any process can read it."""
    with sessions() as session:
        row = session.get(WorkerHeartbeat, name)
        if row is None:
            row = WorkerHeartbeat(name=name, started_at=status.started_at or status.last_beat)
            session.add(row)
        row.beat_at = status.last_beat or row.started_at
        row.fired = status.fired
        session.commit()


@dataclass
class Worker:
    """A loop that fires timers every ``interval`` seconds until stopped."""

    sessions: sessionmaker[Session]
    rt: Runtime
    interval: float = 1.0
    status: WorkerStatus = field(default_factory=WorkerStatus)
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _stop: threading.Event = field(default_factory=threading.Event)
    # Features' own schedules, run each pass after the timer start events (engine/system.py):
    # each takes the sessions and the runtime and says how many instances it started.
    jobs: Sequence[Callable[[sessionmaker[Session], Runtime], int]] = ()

    def run_once(self) -> int:
        """One pass: start due schedules and the features' own, fire due timers, flag
        overdue tasks, beat."""
        self.status.started_at = self.status.started_at or self.rt.clock.now()
        try:
            fired = fire_due_schedules(self.sessions, self.rt)
            for job in self.jobs:
                fired += job(self.sessions, self.rt)
            fired += fire_due_timers(self.sessions, self.rt)
            flag_overdue_tasks(self.sessions, self.rt)
            self.status.fired += fired
            self.status.last_beat = self.rt.clock.now()
            beat(self.sessions, self.name, self.status)
        except Exception as error:  # the loop must outlive a database hiccup
            log.exception("worker pass failed")
            self.status.last_error = str(error)
            return 0
        return fired

    def run_until_idle(self) -> int:
        """Fire until a pass finds nothing due; return how many timers fired."""
        total = 0
        while fired := self.run_once():
            total += fired
        return total

    def run_forever(self) -> None:
        self.status.running = True
        try:
            while not self._stop.is_set():
                self.run_once()
                self._stop.wait(self.interval)
        finally:
            self.status.running = False

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="liaison-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
