"""The audit log is append-only: no code path changes an event, and the database refuses to."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.audit import AuditEvent
from engine.common.errors import LiaisonError
from engine.common.settings import PROJECT_ROOT
from engine.system import System


def recorded(system: System) -> int:
    with system.sessions() as session:
        event = audit.record(session, system.rt, kind="case_registered", actor="clerk",
                             data={"number": "C-2026-000001"})
        session.commit()
        return event.id


def test_an_event_changed_through_the_orm_is_refused(system: System, session: Session) -> None:
    event = session.get(AuditEvent, recorded(system))
    assert event is not None
    event.actor = "someone else"
    with pytest.raises(LiaisonError, match="never changed or deleted"):
        session.flush()


def test_an_event_deleted_through_the_orm_is_refused(system: System, session: Session) -> None:
    session.delete(session.get(AuditEvent, recorded(system)))
    with pytest.raises(LiaisonError, match="never changed or deleted"):
        session.flush()


def test_the_database_refuses_an_update_past_the_orm(system: System) -> None:
    event_id = recorded(system)
    with system.db.connect() as conn, pytest.raises(DatabaseError, match="never changed"):
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"),
                     {"id": event_id})
    with system.sessions() as session:
        assert session.scalars(select(AuditEvent.actor)).one() == "clerk"


@pytest.mark.postgres_only  # SQLite's trigger covers updates; its tests empty tables by DELETE
def test_postgresql_refuses_a_delete_past_the_orm(system: System) -> None:
    recorded(system)
    with system.db.connect() as conn, pytest.raises(DatabaseError, match="never changed"):
        conn.execute(text("DELETE FROM audit_events"))
    with system.sessions() as session:
        assert len(session.scalars(select(AuditEvent)).all()) == 1


def test_no_code_writes_an_update_or_delete_of_audit_events() -> None:
    pattern = re.compile(r"(update|delete)\(\s*AuditEvent|(UPDATE|DELETE FROM)\s+audit_events")
    offenders = [str(path.relative_to(PROJECT_ROOT))
                 for folder in ("engine", "api") for path in (PROJECT_ROOT / folder).rglob("*.py")
                 if "migrations" not in path.parts and pattern.search(path.read_text())]
    assert offenders == []
