"""``/healthz``: is the database reachable, is a worker beating, is timer work piling up?"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text

from api.web.database import db, system
from engine.workflow.health import worker_health

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    try:
        db().execute(text("SELECT 1"))
    except Exception as error:  # report any failure to the probe instead of a bare 500
        return {"status": "failing", "database": {"ok": False, "error": str(error)}}, 503
    now = system().rt.clock.now()
    health = worker_health(db(), now=now)
    ok = health.ok(now)
    age = health.heartbeat_age(now)
    beat = health.last_heartbeat
    worker = {"ok": ok,
              "embedded": "liaison.worker" in current_app.extensions,
              "last_heartbeat": beat.isoformat() if beat else None,
              "heartbeat_age_s": round(age.total_seconds(), 1) if age is not None else None,
              "workers_alive": health.workers_alive,
              "oldest_overdue_timer_age_s": round(health.backlog.total_seconds(), 1)}
    return {"status": "ok" if ok else "degraded",  # web pages still work without a worker
            "database": {"ok": True, "dialect": system().db.dialect.name},
            "worker": worker, "open_incidents": health.open_incidents}, 200
