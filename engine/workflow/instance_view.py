"""Process instances as the API lists and shows them: status, version, open tasks, events.

Like the case page, an instance of another estate's case is reported as not found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session, defer

from engine.common.errors import NotFound
from engine.common.paging import Page
from engine.common.privacy import masked_data, sees_personal_data
from engine.workflow.history import HistoryEntry, audit_timeline
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask, Incident, ProcessInstance, ProcessVersion
from engine.workflow.runtime import Runtime
from engine.workflow.starters import check_starter
from engine.workflow.tasks.inbox import MAX_PER_PAGE, TaskSummary, summaries_of
from engine.workflow.viewer import Viewer

__all__ = ["InstancePage", "InstanceSummary", "InstanceView", "instance_view", "list_instances",
           "open_tasks_of", "start_and_view"]


@dataclass(frozen=True)
class InstanceSummary:
    id: int
    process_id: str
    version: int
    status: str  # running | completed | error
    business_key: str | None
    started_by: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class IncidentSummary:
    id: int
    element_id: str | None
    kind: str
    message: str
    created_at: datetime
    message_code: str | None = None  # the engine's code for the message; None: script's words
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InstanceView:
    instance: InstanceSummary
    open_tasks: list[TaskSummary]
    incidents: list[IncidentSummary]  # open ones only
    events: list[HistoryEntry]        # the audit log of the instance, oldest first


InstancePage = Page[InstanceSummary]


# Each instance with the version number it runs on; a summary never reads the stored state.
SUMMARIES = select(ProcessInstance, ProcessVersion.version).join(
    ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id).options(
    defer(ProcessInstance.state), defer(ProcessInstance.called_version_ids))


def list_instances(session: Session, rt: Runtime, *, viewer: Viewer, process_id: str | None = None,
                   status: str | None = None, business_key: str | None = None,
                   page: int = 1, per_page: int = 25) -> InstancePage:
    """One page of the instances the viewer's estate may see, newest first."""
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    where = [_visible(rt, viewer)]
    for column, value in ((ProcessInstance.process_id, process_id),
                          (ProcessInstance.status, status),
                          (ProcessInstance.business_key, business_key)):
        if value:
            where.append(column == value)
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*where)) or 0
    rows = session.execute(SUMMARIES.where(*where)
                           .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return InstancePage([_summary(*row) for row in rows], total, page, per_page)


def instance_view(session: Session, rt: Runtime, *, instance_id: int, viewer: Viewer,
                  now: datetime) -> InstanceView:
    """Everything about one instance: where it stands, what waits, what happened."""
    row = session.execute(SUMMARIES.where(ProcessInstance.id == instance_id,
                                             _visible(rt, viewer))).first()
    if row is None:
        raise NotFound(f"no process instance {instance_id}")
    incidents = session.scalars(select(Incident).where(Incident.instance_id == instance_id,
                                                       Incident.resolved_at.is_(None))
                                .order_by(Incident.id))
    return InstanceView(
        instance=_summary(*row), open_tasks=open_tasks_of(session, instance_id, now),
        incidents=[IncidentSummary(i.id, i.element_id, i.kind, i.message, i.created_at,
                                   i.message_code, i.params or {}) for i in incidents],
        events=_events_for(audit_timeline(session, instance_id=instance_id), viewer))


def open_tasks_of(session: Session, instance_id: int, now: datetime) -> list[TaskSummary]:
    """The instance's open tasks (in called processes too), oldest first."""
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)
                           .order_by(HumanTask.created_at, HumanTask.id))
    return summaries_of(session, rows, now)


def _events_for(events: list[HistoryEntry], viewer: Viewer) -> list[HistoryEntry]:
    """The audit events, phone numbers and addresses masked unless the viewer answers owners."""
    if sees_personal_data(viewer.roles):
        return events
    return [replace(event, data=masked_data(event.data)) for event in events]


def _summary(instance: ProcessInstance, version: int) -> InstanceSummary:
    return InstanceSummary(
        id=instance.id, process_id=instance.process_id, version=version,
        status=instance.status, business_key=instance.business_key,
        started_by=instance.started_by, created_at=instance.created_at,
        updated_at=instance.updated_at, completed_at=instance.completed_at)


def _visible(rt: Runtime, viewer: Viewer) -> ColumnElement[bool]:
    """Hide what a feature says the viewer may not see (another estate's case)."""
    hidden = [condition(viewer) for condition in rt.extensions.instance_hidden]
    return ~or_(*hidden) if hidden else true()


def start_and_view(session: Session, rt: Runtime, *, process_id: str, data: dict[str, Any],
                   business_key: str | None, viewer: Viewer) -> InstanceView:
    """Start the latest version of a process as the viewer and show where it waits.

    Only the process's starters may (``engine/workflow/starters.py``).
    """
    check_starter(session, rt, process_id=process_id, roles=viewer.roles)
    instance = start_instance(session, rt, process_id=process_id, data=data,
                              actor=viewer.username, business_key=business_key)
    return instance_view(session, rt, instance_id=instance.id, viewer=viewer, now=rt.clock.now())
