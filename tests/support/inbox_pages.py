"""Staff, tasks and posts for the inbox and task-page tests."""

from __future__ import annotations

from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.models import HumanTask
from engine.workflow.tasks.assignment import claim_task
from tests.api.conftest import csrf_token
from tests.support.people import viewer_of
from tests.support.staff import create_user


def add_staff(system: System, clock: FrozenClock, username: str, *roles: str, name: str,
              estate_id: int | None = None) -> None:
    """A staff member who signs in with ``<username>-pw``."""
    with system.sessions() as session:
        user = create_user(session, clock, username, roles=roles, display_name=name)
        user.estate_id = estate_id
        session.commit()


def claim(system: System, task_id: str, username: str) -> None:
    with system.sessions() as session:
        claim_task(session, system.rt, task_id=task_id, viewer=viewer_of(system, username))
        session.commit()


def set_due(system: System, task_id: str, due_at: datetime | None) -> None:
    """Give a task a due time (the inbox reads only the task table)."""
    with system.sessions() as session:
        session.execute(update(HumanTask).where(HumanTask.id == task_id).values(due_at=due_at))
        session.commit()


def events(system: System, kind: str) -> list[AuditEvent]:
    with system.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                    .order_by(AuditEvent.id)))


def assignee(system: System, task_id: str) -> str | None:
    with system.sessions() as session:
        return session.scalars(select(HumanTask.assignee).where(HumanTask.id == task_id)).one()


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None, *,
         follow: bool = False) -> TestResponse:
    """Post a form with the CSRF token a page of the signed-in user carries."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/inbox"), **(data or {})},
                       follow_redirects=follow)
