"""The version of an open task, for optimistic concurrency over the API (its ETag).

The version changes whenever the task's instance is saved (a step done, a
timer fired) or the task changes hands (claimed, released, reassigned).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import PreconditionFailed
from engine.workflow.instance_view import open_tasks_of
from engine.workflow.instances import lock_instance
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.assignment import open_row
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.inbox import TaskSummary

__all__ = ["Completion", "complete_task_at_version", "task_version"]


@dataclass(frozen=True)
class Completion:
    instance_id: int
    status: str                   # running | completed | error
    open_tasks: list[TaskSummary]  # what the instance waits for now


def task_version(session: Session, task_id: str) -> str:
    """Return the current version of an open task, or say why it is no longer open."""
    row = open_row(session, task_id)
    lock_version = session.scalar(select(ProcessInstance.lock_version)
                                  .where(ProcessInstance.id == row.instance_id))
    return _digest(row, lock_version or 0)


def complete_task_at_version(session: Session, rt: Runtime, *, task_id: str,
                             data: dict[str, Any], actor: str | None, roles: set[str],
                             versions: Collection[str] | None) -> Completion:
    """Complete the task if it is still at one of ``versions``; ``None`` accepts any version.

    The instance is locked before the comparison, so nobody can move the task
    on between the check and the completion.
    """
    if versions is not None:
        lock_instance(session, open_row(session, task_id).instance_id)
        current = task_version(session, task_id)
        if current not in versions:
            raise PreconditionFailed("the task has changed since you read it (its ETag is "
                                     f'now "{current}"); read it again before completing it')
    instance = complete_task(session, rt, task_id=task_id, data=data, actor=actor, roles=roles)
    return Completion(instance.id, instance.status,
                      open_tasks_of(session, instance.id, rt.clock.now()))


def _digest(row: HumanTask, lock_version: int) -> str:
    text = f"{row.id}:{lock_version}:{row.assignee or ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]
