"""``/healthz``: is the database reachable, is a worker beating, is timer work piling up?"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import func, select, text

from api.web.database import db, system
from engine.workflow.models import Incident, Schedule, Timer, WorkerHeartbeat

blueprint = Blueprint("health", __name__)

# A worker passes every second or so; a minute of silence means none is running.
HEARTBEAT_STALE = timedelta(seconds=60)
# Due work older than this means the workers are not keeping up (or none runs).
BACKLOG_LIMIT = timedelta(minutes=5)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    try:
        db().execute(text("SELECT 1"))
    except Exception as error:  # report any failure to the probe instead of a bare 500
        return {"status": "failing", "database": {"ok": False, "error": str(error)}}, 503
    now = system().rt.clock.now()
    worker = _worker(now)
    status = "ok" if worker["ok"] else "degraded"  # web pages still work without a worker
    incidents = db().scalar(select(func.count()).select_from(Incident)
                            .where(Incident.resolved_at.is_(None)))
    return {"status": status,
            "database": {"ok": True, "dialect": system().db.dialect.name},
            "worker": worker, "open_incidents": incidents}, 200


def _worker(now: datetime) -> dict[str, Any]:
    beat = db().scalar(select(func.max(WorkerHeartbeat.beat_at)))
    alive = db().scalar(select(func.count()).select_from(WorkerHeartbeat)
                        .where(WorkerHeartbeat.beat_at >= now - HEARTBEAT_STALE))
    oldest = min((d for d in (db().scalar(select(func.min(Timer.due_at))
                                          .where(Timer.due_at < now)),
                              db().scalar(select(func.min(Schedule.next_due_at))
                                          .where(Schedule.next_due_at < now)))
                  if d is not None), default=None)
    backlog = (now - oldest).total_seconds() if oldest is not None else 0.0
    return {"ok": beat is not None and now - beat <= HEARTBEAT_STALE
            and backlog <= BACKLOG_LIMIT.total_seconds(),
            "embedded": "liaison.worker" in current_app.extensions,
            "last_heartbeat": beat.isoformat() if beat else None,
            "heartbeat_age_s": round((now - beat).total_seconds(), 1) if beat else None,
            "workers_alive": alive,
            "oldest_overdue_timer_age_s": round(backlog, 1)}
