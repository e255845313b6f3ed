"""What a survey follow-up's task copies into the inbox: the unit it visits and its survey."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.surveys.models import SampledUnit, SurveyCampaign

__all__ = ["follow_up_columns"]


def follow_up_columns(session: Session, data: Mapping[str, Any]) -> dict[str, object] | None:
    """The inbox columns of a follow-up visit's task: its estate, block, unit and survey.

    With 300 visits open at once, the unit in the inbox row is what tells them
    apart; the task's data names the sampled unit once the unit was looked up.
    """
    visit = data.get("visit")
    sampled_id = visit.get("sampled_unit_id") if isinstance(visit, dict) else None
    sampled = session.get(SampledUnit, sampled_id) if isinstance(sampled_id, int) else None
    if sampled is None:
        return None
    unit, survey = sampled.unit, session.get_one(SurveyCampaign, sampled.campaign_id)
    return {"estate_id": unit.building.estate_id, "building": unit.building.code,
            "subject_label": f"{unit.label} · {survey.number}"}
