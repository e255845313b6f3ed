"""Is a worker beating, and is timer work piling up? What ``/healthz`` reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.workflow.models import Incident, Schedule, Timer, WorkerHeartbeat

# A worker passes every second or so; a minute of silence means none is running.
HEARTBEAT_STALE = timedelta(seconds=60)
# Due work older than this means the workers are not keeping up (or none runs).
BACKLOG_LIMIT = timedelta(minutes=5)


@dataclass(frozen=True)
class WorkerHealth:
    last_heartbeat: datetime | None
    workers_alive: int
    backlog: timedelta           # how long the oldest overdue timer or schedule has waited
    open_incidents: int

    def heartbeat_age(self, now: datetime) -> timedelta | None:
        return now - self.last_heartbeat if self.last_heartbeat is not None else None

    def ok(self, now: datetime) -> bool:
        """A worker beat within the minute and nothing due has waited five minutes."""
        age = self.heartbeat_age(now)
        return age is not None and age <= HEARTBEAT_STALE and self.backlog <= BACKLOG_LIMIT


def worker_health(session: Session, *, now: datetime) -> WorkerHealth:
    """Read the heartbeats, the oldest overdue timer and schedule, and the open incidents."""
    beat = session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    alive = session.scalar(select(func.count()).select_from(WorkerHeartbeat)
                           .where(WorkerHeartbeat.beat_at >= now - HEARTBEAT_STALE)) or 0
    overdue = (session.scalar(select(func.min(Timer.due_at)).where(Timer.due_at < now)),
               session.scalar(select(func.min(Schedule.next_due_at))
                              .where(Schedule.next_due_at < now)))
    oldest = min((due for due in overdue if due is not None), default=None)
    incidents = session.scalar(select(func.count()).select_from(Incident)
                               .where(Incident.resolved_at.is_(None))) or 0
    return WorkerHealth(last_heartbeat=beat, workers_alive=alive,
                        backlog=now - oldest if oldest is not None else timedelta(0),
                        open_incidents=incidents)
