"""Schedules: a timer start event of a deployed process starts a new instance per occurrence.

A schedule row per (process, start event) holds the next occurrence. The
worker starts one instance per occurrence, in the same transaction that
records the occurrence, so none is started twice; an occurrence that fell
due while no worker ran is started on the next pass, each one with its own
``scheduled_for``. Deploying a new version replaces the schedule at that
moment: occurrences due before it still start, later ones follow the new
timer, and the unique (process, moment) row keeps any from being doubled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.common import audit
from engine.workflow.instances import start_instance
from engine.workflow.models import ProcessVersion, Schedule, ScheduleOccurrence
from engine.workflow.runtime import Runtime
from engine.workflow.timers.iso8601 import recurrence
from engine.workflow.timers.retries import count_failure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimerStart:
    element_id: str
    expression: str  # an ISO 8601 date, duration or cycle


def list_schedules(session: Session) -> list[Schedule]:
    """Every timer start event's schedule, by process."""
    return list(session.scalars(select(Schedule).order_by(Schedule.process_id)))


def sync_schedules(session: Session, rt: Runtime, version: ProcessVersion) -> None:
    """Make the process's schedules those of ``version``, from this moment on."""
    now = rt.clock.now()
    wanted = {s["element_id"]: s["expression"] for s in version.timer_starts}
    existing = {row.element_id: row for row in session.scalars(
        select(Schedule).where(Schedule.process_id == version.process_id))}
    for element_id, gone in existing.items():
        if element_id not in wanted and gone.expression is not None:
            _replace(session, rt, gone, version, None, now)
    for element_id, expression in wanted.items():
        row = existing.get(element_id)
        if row is None:
            row = Schedule(process_id=version.process_id, element_id=element_id,
                           process_version_id=version.id, expression=expression,
                           effective_from=now, next_due_at=_next(expression, now, after=None,
                                                                 since=now))
            session.add(row)
            _note(session, rt, row, "schedule_created")
        elif row.expression == expression:
            row.process_version_id = version.id
        else:
            _replace(session, rt, row, version, expression, now)
    session.flush()


def _replace(session: Session, rt: Runtime, row: Schedule, version: ProcessVersion,
             expression: str | None, now: datetime) -> None:
    pending = row.next_due_at is not None and row.next_due_at <= now
    row.process_version_id, row.expression, row.effective_from = version.id, expression, now
    if not pending:  # an occurrence already due belongs to the old timer: it still starts
        row.next_due_at = _next(expression, row.effective_from, after=row.last_occurrence_at,
                                since=now) if expression else None
    _note(session, rt, row, "schedule_replaced" if expression else "schedule_retired")


def _next(expression: str | None, anchor: datetime, *, after: datetime | None,
          since: datetime) -> datetime | None:
    """The first occurrence at or after ``since`` and strictly after ``after``."""
    if expression is None:
        return None
    cycle = recurrence(expression, anchor=anchor)
    if after is None or after < since:
        return cycle.first_after(since, inclusive=True)
    return cycle.first_after(after)


def _note(session: Session, rt: Runtime, row: Schedule, kind: str) -> None:
    audit.record(session, rt, kind=kind, actor=None, process_id=row.process_id,
                 element_id=row.element_id,
                 data={"expression": row.expression,
                       "next_due_at": row.next_due_at.isoformat() if row.next_due_at else None})


def fire_due_schedules(sessions: sessionmaker[Session], rt: Runtime, *, limit: int = 100) -> int:
    """Start an instance for every occurrence due by now; return how many were started."""
    with sessions() as session:
        due = list(session.scalars(select(Schedule.id).where(*_due(rt.clock.now()))
                                   .order_by(Schedule.next_due_at).limit(limit)))
    started = 0
    for schedule_id in due:
        with sessions() as session:
            try:
                if _start_occurrence(session, rt, schedule_id):
                    session.commit()
                    started += 1
            except Exception as error:  # one broken schedule must not stop the others
                session.rollback()
                log.exception("schedule %s failed", schedule_id)
                _note_failure(sessions, rt, schedule_id, error)
    return started


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (Schedule.next_due_at <= now,
            or_(Schedule.retry_at.is_(None), Schedule.retry_at <= now))


def _start_occurrence(session: Session, rt: Runtime, schedule_id: int) -> bool:
    row = _lock(session, schedule_id)
    now = rt.clock.now()
    if row is None or row.next_due_at is None or row.next_due_at > now or \
            (row.retry_at is not None and row.retry_at > now):
        return False  # another worker took it, a redeploy moved it, or it is backing off
    occurrence = row.next_due_at
    taken = session.scalar(select(ScheduleOccurrence.id).where(
        ScheduleOccurrence.process_id == row.process_id,
        ScheduleOccurrence.occurrence_at == occurrence))
    instance_id = None
    if taken is None:
        version = session.get(ProcessVersion, row.process_version_id)
        entry = row.element_id if version is not None and any(
            s["element_id"] == row.element_id for s in version.timer_starts) else None
        instance = start_instance(session, rt, process_id=row.process_id, start_event=entry,
                                  data={"scheduled_for": occurrence.isoformat()},
                                  business_key=f"{row.process_id}@{occurrence:%Y-%m-%dT%H:%MZ}")
        instance_id = instance.id
        session.add(ScheduleOccurrence(schedule_id=row.id, process_id=row.process_id,
                                       occurrence_at=occurrence, instance_id=instance_id,
                                       started_at=now))
    row.last_occurrence_at = occurrence
    row.next_due_at = _next(row.expression, row.effective_from, after=occurrence,
                            since=row.effective_from)
    row.attempts, row.last_error, row.retry_at = 0, None, None
    audit.record(session, rt, kind="schedule_fired", actor=None, instance_id=instance_id,
                 process_id=row.process_id, element_id=row.element_id,
                 data={"occurrence": occurrence.isoformat(), "started": taken is None})
    session.flush()
    return taken is None


def _lock(session: Session, schedule_id: int) -> Schedule | None:
    query = select(Schedule).where(Schedule.id == schedule_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another worker has it: move on
    else:  # SQLite has no row locks; a no-op write takes the database's write lock first
        session.execute(update(Schedule).where(Schedule.id == schedule_id)
                        .values(attempts=Schedule.attempts))
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _note_failure(sessions: sessionmaker[Session], rt: Runtime, schedule_id: int,
                  error: Exception) -> None:
    with sessions() as session:
        row = session.get(Schedule, schedule_id)
        if row is None:
            return
        row.retry_at = count_failure(row, error, now=rt.clock.now())
        audit.record(session, rt, kind="schedule_failed", actor=None, process_id=row.process_id,
                     element_id=row.element_id,
                     data={"message": row.last_error, "attempts": row.attempts})
        session.commit()
