"""Who completed a task that is no longer open, and the form it had, for the 409 page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.common.audit import AuditEvent
from engine.workflow.models import ProcessInstance, ProcessVersion

__all__ = ["Completion", "completion_of"]


@dataclass(frozen=True)
class Completion:
    actor: str | None
    at: datetime
    title: str
    instance_id: int | None
    case_number: str | None
    schema: dict[str, Any] | None
    ui_schema: dict[str, Any]


def completion_of(session: Session, task_id: str) -> Completion | None:
    """The completion recorded for ``task_id``, or None if it was cancelled or never existed."""
    event = session.scalars(select(AuditEvent).where(AuditEvent.task_id == task_id,
                                                     AuditEvent.kind == "task_completed")
                            .order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return None
    forms = _forms(session, event)
    stem = event.element_id or ""
    return Completion(actor=event.actor, at=event.at, title=str(event.data.get("title") or ""),
                      instance_id=event.instance_id, case_number=_case_number(session, event),
                      schema=_json(forms.get(f"{stem}.schema.json")),
                      ui_schema=_json(forms.get(f"{stem}.ui.json")) or {})


def _forms(session: Session, event: AuditEvent) -> dict[str, Any]:
    """The forms of the version the instance ran (a called process has its own pinned one)."""
    instance = session.get(ProcessInstance, event.instance_id) if event.instance_id else None
    if instance is None:
        return {}
    ids = [instance.process_version_id, *instance.called_version_ids]
    version = session.scalars(select(ProcessVersion).where(
        ProcessVersion.id.in_(ids), ProcessVersion.process_id == event.process_id)).first()
    return dict(version.forms) if version is not None else {}


def _case_number(session: Session, event: AuditEvent) -> str | None:
    if event.instance_id is None:
        return None
    return session.scalars(select(Case.number).where(Case.instance_id == event.instance_id)
                           ).first()


def _json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
