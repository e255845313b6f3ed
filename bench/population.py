"""Fill a database with many instances quickly, by copying the rows of one real one.

Starting 100,000 instances through the engine would take hours; copying one
instance's rows (its state, its open task, its timers) takes seconds and gives
the tables the same shape and the same indexes to work with. History — the
instances that finished long ago — is copied as completed instances with
their audit events and no open task, as an office accumulates them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.workflow.models import HumanTask, ProcessInstance, Timer

BATCH = 5000
HISTORY_EVENTS = ("instance_started", "task_completed", "task_completed", "instance_completed")


def columns(obj: Any, *, without: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in without}


def clone_open(engine: Engine, session: Session, model_id: int, count: int,
               estate_of: Callable[[int], int | None] = lambda _: None) -> None:
    """``count`` copies of instance ``model_id``, each waiting on its open task and timers."""
    model = session.get(ProcessInstance, model_id)
    assert model is not None, f"no instance {model_id}"
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == model_id)))
    timers = list(session.scalars(select(Timer).where(Timer.instance_id == model_id)))
    row = columns(model)
    _copy(engine, session, count, lambda ids: [
        (ProcessInstance, [{**row, "id": i} for i in ids]),
        (HumanTask, [{**columns(t), "id": f"{i:012d}-{n:04d}-copy", "instance_id": i,
                      "estate_id": estate_of(i)} for i in ids for n, t in enumerate(tasks)]),
        (Timer, [{**columns(t), "instance_id": i} for i in ids for t in timers])])


def clone_history(engine: Engine, session: Session, model_id: int, count: int) -> None:
    """``count`` finished instances shaped like ``model_id``, each with its audit trail."""
    model = session.get(ProcessInstance, model_id)
    assert model is not None, f"no instance {model_id}"
    done = model.created_at + timedelta(days=3)
    row = {**columns(model), "status": "completed", "completed_at": done, "updated_at": done}
    _copy(engine, session, count, lambda ids: [
        (ProcessInstance, [{**row, "id": i} for i in ids]),
        (AuditEvent, [{"at": model.created_at, "actor": "history", "kind": kind,
                       "instance_id": i, "process_id": model.process_id, "data": {}}
                      for i in ids for kind in HISTORY_EVENTS])])


def _copy(engine: Engine, session: Session, count: int,
          rows_for: Callable[[range], list[tuple[Any, list[dict[str, Any]]]]]) -> None:
    first = (session.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    with engine.begin() as conn:
        for start in range(first, first + count, BATCH):
            for model, rows in rows_for(range(start, min(start + BATCH, first + count))):
                if rows:
                    conn.execute(insert(model), rows)
        if engine.dialect.name == "postgresql":
            for table in ("process_instances", "timers", "audit_events"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def settle(engine: Engine) -> None:
    """Leave the database as a running office's is after a bulk load.

    PostgreSQL's autovacuum would have gathered statistics. Liaison never runs
    ANALYZE on SQLite, whose planner then goes by its indexes alone; but a
    gigabyte just copied sits in the write-ahead log until a checkpoint, which
    every read would have to look through first.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
