"""Everything the task page shows: the form, what earlier steps collected, the case so far."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from SpiffWorkflow.task import TaskState
from sqlalchemy.orm import Session

from engine.common.errors import PermissionDenied, TaskNotReady
from engine.common.privacy import masked_data, sees_personal_data
from engine.workflow.derived import form_of, properties_of
from engine.workflow.form_overlays import localised, overlays_of
from engine.workflow.history import HistoryEntry, audit_timeline
from engine.workflow.incidents import stopping_incident
from engine.workflow.instances import compiled_spec, load_workflow
from engine.workflow.models import ProcessInstance
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.assignment import open_row
from engine.workflow.tasks.drafts import Draft, load_draft
from engine.workflow.tasks.inbox import TaskSummary
from engine.workflow.viewer import Viewer


@dataclass(frozen=True)
class TaskView:
    task: TaskSummary
    form: str | None                  # "process_id/file", as the form was deployed
    schema: dict[str, Any] | None     # JSON Schema of the form
    ui_schema: dict[str, Any]         # layout hints; {} when the form has none
    data: dict[str, Any]              # what the process holds when the task opens
    draft: Draft | None               # the viewer's own unfinished form, if saved
    subject: Any                      # what the task works on, as its feature shows it
    history: list[HistoryEntry]       # newest last
    may_complete: bool
    incident_id: int | None = None    # the incident that stopped the case, while it is stopped
    overlays: dict[str, Any] = field(default_factory=dict)  # the form's words by language

    def form_in(self, lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The schema and ui schema carrying the words of ``lang`` (see ``form_overlays``)."""
        return localised(self.schema or {}, self.ui_schema, self.overlays, lang)

    @property
    def values(self) -> dict[str, Any]:
        """What the form starts with: the viewer's draft, else the data the fields name."""
        if self.draft is not None:
            return dict(self.draft.data)
        fields = (self.schema or {}).get("properties", {})
        return {name: self.data[name] for name in fields if name in self.data}


def open_task(session: Session, rt: Runtime, *, task_id: str, viewer: Viewer) -> TaskView:
    """Load the page of an open task the viewer may see."""
    row = open_row(session, task_id)
    if not viewer.may_view(row):
        raise PermissionDenied("this task is offered to another role or estate",
                               process_id=row.process_id, element_id=row.element_id)
    instance = session.get(ProcessInstance, row.instance_id)
    if instance is None:
        raise _gone(row.process_id, row.element_id)
    compiled = compiled_spec(session, rt, instance)
    task = load_workflow(session, rt, instance, compiled).get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise _gone(row.process_id, row.element_id)
    stopped = stopping_incident(session, instance.id) if instance.status == "error" else None
    data = copy.deepcopy(dict(task.data))
    subject = rt.extensions.subject_of(session, row, data, viewer)
    # From the spec: a row derived before subprocesses had owners may name the wrong form.
    form = form_of(compiled, task)
    schema = copy.deepcopy(compiled.forms.get(form)) if form else None
    return TaskView(
        task=TaskSummary.of(row, rt.clock.now(), blocked=instance.status == "error"),
        form=form, schema=schema,
        ui_schema=_ui_schema(compiled.forms, form, properties_of(task)),
        data=_readable(data, schema, viewer),
        draft=load_draft(session, task_id=task_id, viewer=viewer),
        subject=subject.summary if subject is not None else None,
        history=(subject.history if subject is not None
                 else audit_timeline(session, instance_id=row.instance_id)),
        may_complete=viewer.may_work_on(row),
        incident_id=stopped.id if stopped is not None else None,
        overlays=overlays_of(compiled.forms, form) if form else {})


def _readable(data: dict[str, Any], schema: dict[str, Any] | None,
              viewer: Viewer) -> dict[str, Any]:
    """Mask phones and addresses in the task's data for whoever does not answer owners.

    The form's own fields stay whole: the task asks for them, and a masked value sent
    back would overwrite the real one.
    """
    if sees_personal_data(viewer.roles):
        return data
    own = (schema or {}).get("properties", {})
    return {**masked_data(data), **{key: data[key] for key in own if key in data}}


def _gone(process_id: str, element_id: str) -> TaskNotReady:
    return TaskNotReady("this task is no longer waiting for anyone", process_id=process_id,
                        element_id=element_id)


def _ui_schema(forms: dict[str, dict[str, Any]], form: str | None,
               properties: dict[str, str]) -> dict[str, Any]:
    """The task's ``formUiSchemaFilename``, else ``<stem>.ui.json`` beside its schema."""
    if form is None:
        return {}
    folder, _, name = form.rpartition("/")
    ui_name = properties.get("formUiSchemaFilename") or (
        name.removesuffix(".json").removesuffix(".schema") + ".ui.json")
    return copy.deepcopy(forms.get(f"{folder}/{ui_name}", {}))
