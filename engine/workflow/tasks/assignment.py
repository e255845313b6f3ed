"""Claim, release and reassign open tasks, each with an audit event.

Every change is one conditional UPDATE that names the holder it expects
(``WHERE assignee IS NULL`` for a claim) and checks the row count, so two
people claiming at once leave exactly one owner on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, select, update
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, PermissionDenied
from engine.directory.models import User
from engine.workflow.models import HumanTask
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.completions import why_not_open
from engine.workflow.tasks.inbox import TaskSummary, summary_of
from engine.workflow.viewer import Viewer

# The refusal that a confirmation overrides: the field names what the caller must set.
LACKS_ROLE = ("{user} does not hold the role {role}; set despite_role to hand the task "
              "over all the same")


def claim_task(session: Session, rt: Runtime, *, task_id: str, viewer: Viewer) -> TaskSummary:
    """Take an unassigned task of one's role and estate; claiming one's own is a no-op."""
    row = open_row(session, task_id)
    if row.assignee == viewer.username:
        return summary_of(session, row, rt.clock.now())
    if not (viewer.sees_estate(row.estate_id) and viewer.is_offered(row)):
        raise PermissionDenied("this task is offered to another role or estate",
                               process_id=row.process_id, element_id=row.element_id)
    if row.assignee is None and _moved(session, rt, row, expected=None, to=viewer.username):
        _record(session, rt, row, "task_claimed", viewer, {"to": viewer.username})
        return summary_of(session, open_row(session, task_id), rt.clock.now())
    holder = open_row(session, task_id).assignee  # someone was quicker, or held it already
    raise Conflict(f"this task is already claimed by {holder}",
                   process_id=row.process_id, element_id=row.element_id)


def release_task(session: Session, rt: Runtime, *, task_id: str,
                 viewer: Viewer) -> TaskSummary:
    """Give a claimed task back to its role; supervisors may release anyone's."""
    row = open_row(session, task_id)
    holder = row.assignee
    if holder is None:
        raise Conflict("nobody has claimed this task", process_id=row.process_id,
                       element_id=row.element_id)
    if holder != viewer.username and not _supervises(viewer, row):
        raise PermissionDenied(f"this task is claimed by {holder}; only they or a "
                               "supervisor may release it",
                               process_id=row.process_id, element_id=row.element_id)
    if not _moved(session, rt, row, expected=holder, to=None):
        raise _changed_meanwhile(session, task_id)
    _record(session, rt, row, "task_released", viewer, {"from": holder})
    return summary_of(session, open_row(session, task_id), rt.clock.now())


def reassign_task(session: Session, rt: Runtime, *, task_id: str, viewer: Viewer,
                  to: str, despite_role: bool = False) -> TaskSummary:
    """Hand a task to a named active user of its estate (supervisors only).

    Someone without the task's role takes it only when the supervisor says so
    (``despite_role``): covering for a colleague is normal, doing it by a slip is not.
    The audit event names the role they lacked.
    """
    row = open_row(session, task_id)
    if not _supervises(viewer, row):
        raise PermissionDenied("only a supervisor may reassign tasks",
                               process_id=row.process_id, element_id=row.element_id)
    target = session.scalars(select(User).where(User.username == to)).first()
    problem = _unfit(target, row)
    if problem:
        raise FormInvalid([FieldError(("assignee",), problem)], process_id=row.process_id,
                          element_id=row.element_id)
    assert target is not None  # _unfit says so
    lacks_role = row.role is not None and row.role not in target.role_codes
    if lacks_role and not despite_role:
        raise FormInvalid([FieldError(("despite_role",), LACKS_ROLE.format(
            user=target.username, role=row.role))], process_id=row.process_id,
            element_id=row.element_id)
    holder = row.assignee
    if holder == to:
        return summary_of(session, row, rt.clock.now())
    if not _moved(session, rt, row, expected=holder, to=to):
        raise _changed_meanwhile(session, task_id)
    _record(session, rt, row, "task_reassigned", viewer,
            {"from": holder, "to": to, **({"without_role": row.role} if lacks_role else {})})
    return summary_of(session, open_row(session, task_id), rt.clock.now())


def open_row(session: Session, task_id: str) -> HumanTask:
    """Read the task's row afresh, or say why it is no longer open."""
    row = session.scalars(select(HumanTask).where(HumanTask.id == task_id)
                          .execution_options(populate_existing=True)).first()
    if row is None:
        raise why_not_open(session, task_id)
    return row


def _supervises(viewer: Viewer, row: HumanTask) -> bool:
    return viewer.is_supervisor and viewer.sees_estate(row.estate_id)


def _unfit(user: User | None, row: HumanTask) -> str | None:
    if user is None or not user.active:
        return "there is no active user by that name"
    if not Viewer.of(user).sees_estate(row.estate_id):
        return f"{user.username} works for another estate"
    return None


def _moved(session: Session, rt: Runtime, row: HumanTask, *, expected: str | None,
           to: str | None) -> bool:
    """Move the task from ``expected`` to ``to`` unless someone else moved it first."""
    held: ColumnElement[bool] = (HumanTask.assignee.is_(None) if expected is None
                                 else HumanTask.assignee == expected)
    result = cast(CursorResult[Any], session.execute(
        update(HumanTask).where(HumanTask.id == row.id, held)
        .values(assignee=to, claimed_at=rt.clock.now() if to else None)
        .execution_options(synchronize_session=False)))
    return result.rowcount == 1


def _changed_meanwhile(session: Session, task_id: str) -> Conflict:
    holder = open_row(session, task_id).assignee
    who = f"claimed by {holder}" if holder else "released"
    return Conflict(f"this task was {who} meanwhile; reload it and try again")


def _record(session: Session, rt: Runtime, row: HumanTask, kind: str, viewer: Viewer,
            data: dict[str, Any]) -> None:
    audit.record(session, rt, kind=kind, actor=viewer.username, instance_id=row.instance_id,
                 process_id=row.process_id, element_id=row.element_id, task_id=row.id,
                 data={**data, "by": viewer.username, "title": row.title})
    session.flush()
