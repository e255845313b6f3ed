"""Archiving a committee or a meeting: the last step of its process, once its record is complete."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from sqlalchemy.orm import Session

from engine.common.errors import Conflict
from engine.meetings.models import Committee, Meeting
from engine.workflow.runtime import Runtime

__all__ = ["archive"]

Record = TypeVar("Record", Committee, Meeting)


def archive(session: Session, rt: Runtime, record: Record, *, after: Collection[str],
            refusal: str) -> Record:
    """Mark ``record`` archived now, or refuse with ``refusal`` if its state is not in ``after``."""
    if record.state not in after:
        raise Conflict(refusal)
    record.state, record.archived_at = "archived", rt.clock.now()
    session.flush()
    return record
