"""``/healthz``: is the database reachable and is the worker beating?"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text

from api.database import db, system

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    checks: dict[str, Any] = {}
    try:
        db().execute(text("SELECT 1"))
        checks["database"] = {"ok": True, "dialect": system().db.dialect.name}
    except Exception as error:  # report any failure to the probe instead of a bare 500
        checks["database"] = {"ok": False, "error": str(error)}
    worker = current_app.extensions.get("liaison.worker")
    if worker is None:
        checks["worker"] = {"ok": True, "embedded": False}
    else:
        beat = worker.status.last_beat
        checks["worker"] = {"ok": worker.status.running, "embedded": True,
                            "last_beat": beat.isoformat() if beat else None,
                            "timers_fired": worker.status.fired}
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "failing", **checks}, 200 if ok else 503
