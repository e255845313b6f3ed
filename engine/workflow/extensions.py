"""What features plug into the workflow core, which knows none of them.

Each feature hands its parts to the runtime in one place (``engine/system.py``):
the service tasks its diagrams call, the completion rules a form cannot state,
what it writes down when a task is completed, the inbox columns a task copies
from what it works on, and how a task page shows that subject. The core only
ever asks these registries; an empty one means "no feature says anything".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from engine.common.errors import FieldError
from engine.workflow.history import HistoryEntry
from engine.workflow.models import HumanTask
from engine.workflow.viewer import Viewer

# Rules a JSON Schema cannot state alone: (session, the task's data, what was submitted).
CompletionCheck = Callable[[Session, Mapping[str, Any], Mapping[str, Any]], list[FieldError]]


@dataclass(frozen=True)
class CompletedStep:
    """A human task just completed, as the completion hooks see it."""

    task: HumanTask
    data: Mapping[str, Any]        # the process data after the form was merged in
    submitted: Mapping[str, Any]   # what the form sent, validated
    actor: str | None
    at: datetime


# Called in the completing transaction, after the task ran and before the instance advances.
CompletionHook = Callable[[Session, CompletedStep], None]

# The inbox columns a task copies from what it works on, so the inbox filters without a join;
# None when the data names nothing this feature knows.
TaskColumns = Callable[[Session, Mapping[str, Any]], "dict[str, object] | None"]


@dataclass(frozen=True)
class Subject:
    """What an open task works on, as its feature shows it on the task page."""

    summary: Any                   # the feature's read model (a case summary)
    history: list[HistoryEntry]    # the feature's records merged with the instance's events


# (session, the open task, its data, who looks) -> the subject as that viewer may read it,
# or None when the task works on none of ours.
SubjectOf = Callable[[Session, HumanTask, Mapping[str, Any], Viewer], "Subject | None"]

# (session, instance id) -> the number of what the instance works on (a case number), or None.
SubjectNumber = Callable[[Session, int], "str | None"]

# A condition under which an instance is hidden from the viewer (another estate's case).
InstanceHidden = Callable[[Viewer], ColumnElement[bool]]


@dataclass(frozen=True)
class Extensions:
    """The features' registries, filled by the assembly module and read by the core."""

    services: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    completion_checks: Mapping[tuple[str, str], CompletionCheck] = field(default_factory=dict)
    completion_hooks: Sequence[CompletionHook] = ()
    task_columns: Sequence[TaskColumns] = ()
    subjects: Sequence[SubjectOf] = ()
    subject_numbers: Sequence[SubjectNumber] = ()
    instance_hidden: Sequence[InstanceHidden] = ()

    def check_completion(self, session: Session, *, process_id: str, element_id: str,
                         data: Mapping[str, Any], submitted: Mapping[str, Any]
                         ) -> list[FieldError]:
        """What the process's own rules say against a submission; empty when none applies."""
        check = self.completion_checks.get((process_id, element_id))
        return check(session, data, submitted) if check else []

    def columns_of(self, session: Session, data: Mapping[str, Any]) -> dict[str, object]:
        """The inbox columns of a task with this data; the estate alone when no feature knows it."""
        for columns in self.task_columns:
            found = columns(session, data)
            if found is not None:
                return found
        estate_id = data.get("estate_id")
        return {"estate_id": estate_id if isinstance(estate_id, int) else None}

    def subject_of(self, session: Session, task: HumanTask, data: Mapping[str, Any],
                   viewer: Viewer) -> Subject | None:
        for subject_of in self.subjects:
            found = subject_of(session, task, data, viewer)
            if found is not None:
                return found
        return None

    def subject_number(self, session: Session, instance_id: int) -> str | None:
        for number_of in self.subject_numbers:
            found = number_of(session, instance_id)
            if found is not None:
                return found
        return None
