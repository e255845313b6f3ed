"""Everything the task page shows: the form, what earlier steps collected, the case so far."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.task import TaskState
from sqlalchemy.orm import Session

from engine.assignment import open_row
from engine.case_history import CaseSummary, HistoryEntry, case_history
from engine.derived import properties_of
from engine.drafts import Draft, load_draft
from engine.errors import PermissionDenied, TaskNotReady
from engine.inbox import TaskSummary
from engine.incidents import stopping_incident
from engine.instances import compiled_spec, load_workflow
from engine.models import Case, ProcessInstance
from engine.runtime import Runtime
from engine.viewer import Viewer


@dataclass(frozen=True)
class TaskView:
    task: TaskSummary
    form: str | None                  # "process_id/file", as the form was deployed
    schema: dict[str, Any] | None     # JSON Schema of the form
    ui_schema: dict[str, Any]         # layout hints; {} when the form has none
    data: dict[str, Any]              # what the process holds when the task opens
    draft: Draft | None               # the viewer's own unfinished form, if saved
    case: CaseSummary | None
    history: list[HistoryEntry]       # newest last
    may_complete: bool
    incident_id: int | None = None    # the incident that stopped the case, while it is stopped

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
    case_id = row.case_id if row.case_id is not None else data.get("case_id")
    case = session.get(Case, case_id) if isinstance(case_id, int) else None
    return TaskView(
        task=TaskSummary.of(row, rt.clock.now(), blocked=instance.status == "error"),
        form=row.form,
        schema=copy.deepcopy(compiled.forms.get(row.form)) if row.form else None,
        ui_schema=_ui_schema(compiled.forms, row.form, properties_of(task)),
        data=data, draft=load_draft(session, task_id=task_id, viewer=viewer),
        case=CaseSummary.of(case) if case is not None else None,
        history=case_history(session, case_id=case.id if case else None,
                             instance_id=row.instance_id),
        may_complete=viewer.may_work_on(row),
        incident_id=stopped.id if stopped is not None else None)


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
