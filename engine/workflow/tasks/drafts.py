"""Form drafts: what someone typed into a task and saved without completing it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.common.errors import FieldError, FormInvalid, PermissionDenied
from engine.workflow.models import TaskDraft
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.assignment import open_row
from engine.workflow.viewer import Viewer

# A draft is typed text, not an upload; this keeps one person from filling the table.
MAX_DRAFT_BYTES = 64 * 1024


@dataclass(frozen=True)
class Draft:
    task_id: str
    username: str
    data: dict[str, Any]
    saved_at: datetime


def save_draft(session: Session, rt: Runtime, *, task_id: str, viewer: Viewer,
               data: dict[str, Any]) -> Draft:
    """Keep the viewer's unfinished form for an open task they may work on."""
    row = open_row(session, task_id)
    if not viewer.may_work_on(row):
        raise PermissionDenied("only whoever may complete this task can save a draft of it",
                               process_id=row.process_id, element_id=row.element_id)
    if not isinstance(data, dict) or len(json.dumps(data)) > MAX_DRAFT_BYTES:
        raise FormInvalid([FieldError((), "a draft must be an object of at most 64 KB")],
                          element_id=row.element_id)
    draft = session.get(TaskDraft, (task_id, viewer.username))
    if draft is None:
        draft = TaskDraft(task_id=task_id, username=viewer.username)
        session.add(draft)
    draft.data, draft.saved_at = dict(data), rt.clock.now()
    session.flush()
    return _view(draft)


def load_draft(session: Session, *, task_id: str, viewer: Viewer) -> Draft | None:
    """Return the viewer's own draft of a task, if they saved one."""
    draft = session.get(TaskDraft, (task_id, viewer.username))
    return _view(draft) if draft is not None else None


def _view(draft: TaskDraft) -> Draft:
    return Draft(draft.task_id, draft.username, dict(draft.data), draft.saved_at)
