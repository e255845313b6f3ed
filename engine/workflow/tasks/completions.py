"""A task that is no longer open: who completed it and when, with the form it had."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.common.errors import NotFound, TaskNotReady
from engine.workflow.form_overlays import localised, overlays_of
from engine.workflow.models import ProcessInstance, ProcessVersion
from engine.workflow.runtime import Runtime

__all__ = ["PastCompletion", "completion_of", "why_not_open"]


@dataclass(frozen=True)
class PastCompletion:
    """The completion recorded for a task, as the "completed meanwhile" page shows it."""

    actor: str | None
    at: datetime
    title: str
    instance_id: int | None
    subject_number: str | None        # the case it worked on, if a feature names one
    schema: dict[str, Any] | None     # the form it had, from the version the instance ran
    ui_schema: dict[str, Any]
    overlays: dict[str, Any]          # the form's words by language

    def form_in(self, lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The schema and ui schema carrying the words of ``lang``."""
        return localised(self.schema or {}, self.ui_schema, self.overlays, lang)


def completion_of(session: Session, rt: Runtime, task_id: str) -> PastCompletion | None:
    """The completion recorded for ``task_id``, or None if it was cancelled or never existed."""
    event = _completed(session, task_id)
    if event is None:
        return None
    forms = _forms(session, event)
    stem = event.element_id or ""
    number = (rt.extensions.subject_number(session, event.instance_id)
              if event.instance_id is not None else None)
    return PastCompletion(actor=event.actor, at=event.at, title=str(event.data.get("title") or ""),
                          instance_id=event.instance_id, subject_number=number,
                          schema=_json(forms.get(f"{stem}.schema.json")),
                          ui_schema=_json(forms.get(f"{stem}.ui.json")) or {},
                          overlays=overlays_of(forms, f"{stem}.schema.json"))


def why_not_open(session: Session, task_id: str) -> NotFound | TaskNotReady:
    """The error for a task that is not open: completed (by whom, when), or never there."""
    done = _completed(session, task_id)
    if done is not None:
        who = f" by {done.actor}" if done.actor else ""
        return TaskNotReady(f"this task was already completed{who} at "
                            f"{done.at:%Y-%m-%d %H:%M} UTC", element_id=done.element_id)
    return NotFound(f"no open task {task_id}")


def _completed(session: Session, task_id: str) -> AuditEvent | None:
    return session.scalars(select(AuditEvent).where(AuditEvent.task_id == task_id,
                                                    AuditEvent.kind == "task_completed")
                           .order_by(AuditEvent.id.desc()).limit(1)).first()


def _forms(session: Session, event: AuditEvent) -> dict[str, Any]:
    """The forms of the version the instance ran (a called process has its own pinned one)."""
    instance = session.get(ProcessInstance, event.instance_id) if event.instance_id else None
    if instance is None:
        return {}
    ids = [instance.process_version_id, *instance.called_version_ids]
    version = session.scalars(select(ProcessVersion).where(
        ProcessVersion.id.in_(ids), ProcessVersion.process_id == event.process_id)).first()
    return dict(version.forms) if version is not None else {}


def _json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
