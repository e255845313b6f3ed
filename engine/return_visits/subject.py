"""What a return visit's task copies into the inbox: the unit and work order it is about."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.return_visits.models import ReturnVisit

__all__ = ["visit_columns"]


def visit_columns(session: Session, data: Mapping[str, Any]) -> dict[str, object] | None:
    """The inbox columns of a visit's task; offered to the visitor the sample dealt it to.

    A visit no one but its handler could make has no visitor: it stays with the
    role for a supervisor to assign.
    """
    visit_id = data.get("return_visit_id")
    visit = session.get(ReturnVisit, visit_id) if isinstance(visit_id, int) else None
    if visit is None:
        return None
    order = visit.work_order
    case = session.get(Case, order.case_id) if order.case_id is not None else None
    unit = case.unit if case is not None else None
    label = f"{unit.label} · {order.number}" if unit is not None else order.number
    return {"estate_id": case.estate_id if case is not None else None,
            "building": unit.building.code if unit is not None else None,
            "subject_label": label, "assignee": visit.visitor}
