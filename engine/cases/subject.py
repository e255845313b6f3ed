"""A task that works on a case: its inbox columns, its task-page panel, who may see it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, select
from sqlalchemy.orm import Session

from engine.cases.access import summary_for, timeline_for
from engine.cases.history import CaseSummary, case_history
from engine.cases.models import Case
from engine.workflow.extensions import Subject
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.viewer import Viewer


def case_columns(session: Session, data: Mapping[str, Any]) -> dict[str, object] | None:
    """What the inbox filters on, copied from the case the task works on."""
    case_id = data.get("case_id")
    case = session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None:
        return None
    return {"case_id": case.id, "case_number": case.number, "category": case.category,
            "estate_id": case.estate_id,
            "building": case.unit.building.code if case.unit is not None else None}


def case_subject(session: Session, task: HumanTask, data: Mapping[str, Any],
                 viewer: Viewer) -> Subject | None:
    """The case beside the task's form, and its records merged with the instance's events.

    A department member holding the task reads the complainant's phone and address masked.
    """
    case_id = task.case_id if task.case_id is not None else data.get("case_id")
    case = session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None:
        return None
    history = case_history(session, case_id=case.id, instance_id=task.instance_id)
    return Subject(summary=summary_for(CaseSummary.of(case), viewer),
                   history=timeline_for(history, viewer))


def case_number(session: Session, instance_id: int) -> str | None:
    """The number of the case an instance works on."""
    return session.scalars(select(Case.number).where(Case.instance_id == instance_id)).first()


def another_estates_case(viewer: Viewer) -> ColumnElement[bool]:
    """An instance whose case belongs to another estate than the viewer's."""
    if viewer.estate_id is None:
        return false()
    return exists().where(and_(Case.number == ProcessInstance.business_key,
                               Case.estate_id.is_not(None), Case.estate_id != viewer.estate_id))
