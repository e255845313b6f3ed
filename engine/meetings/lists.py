"""The committees and general meetings a staff member may see, newest first, for list pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.models import Estate
from engine.meetings.models import Committee, Meeting, Petition
from engine.workflow.viewer import Viewer

__all__ = ["committees_of", "estates_of", "meetings_of", "petition_view"]


def committees_of(session: Session, *, viewer: Viewer) -> list[dict[str, Any]]:
    """Every committee of the viewer's estates: state, members and the filing deadline."""
    query = (select(Committee, Estate.name).join(Estate, Estate.id == Committee.estate_id)
             .order_by(Committee.opened_at.desc(), Committee.id.desc()))
    if viewer.estate_id is not None:
        query = query.where(Committee.estate_id == viewer.estate_id)
    return [{"id": c.id, "estate": name, "state": c.state, "opened_at": c.opened_at,
             "members": sum(1 for candidate in c.candidates if candidate.office),
             "term_ends_at": c.term_ends_at, "filing_due_at": c.filing_due_at,
             "filed_at": c.filed_at}
            for c, name in session.execute(query)]


def meetings_of(session: Session, *, viewer: Viewer) -> list[dict[str, Any]]:
    """Every meeting round of the viewer's estates, the latest meeting date first."""
    query = (select(Meeting, Estate.name).join(Estate, Estate.id == Meeting.estate_id)
             .order_by(Meeting.meeting_at.desc(), Meeting.id.desc()))
    if viewer.estate_id is not None:
        query = query.where(Meeting.estate_id == viewer.estate_id)
    return [{"id": m.id, "estate": name, "estate_id": m.estate_id, "kind": m.kind,
             "round": m.round, "state": m.state, "meeting_at": m.meeting_at,
             "matters": len(m.matters)}
            for m, name in session.execute(query)]


def estates_of(session: Session, *, viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of the estates the viewer works for."""
    query = select(Estate.id, Estate.name).order_by(Estate.name, Estate.id)
    if viewer.estate_id is not None:
        query = query.where(Estate.id == viewer.estate_id)
    return [(estate_id, name) for estate_id, name in session.execute(query)]


def petition_view(session: Session, *, petition_id: int) -> dict[str, Any] | None:
    """A recorded petition as its page shows it, or None."""
    petition = session.get(Petition, petition_id)
    if petition is None:
        return None
    return {"id": petition.id, "estate_id": petition.estate_id, "purpose": petition.purpose,
            "signed": petition.headcount_signed, "total": petition.headcount_total,
            "meets_threshold": petition.meets_threshold, "recorded_at": petition.recorded_at,
            "unit_ids": [s.unit_id for s in petition.signatures]}
