"""The committees and general meetings a staff member may see, newest first, for list pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.models import Estate
from engine.meetings.models import Committee, Meeting, Petition
from engine.meetings.petitions import PETITION_SHARE, petition_reaches
from engine.workflow.viewer import Viewer

__all__ = ["CommitteeRow", "MeetingRow", "PetitionView", "committees_of", "estates_of",
           "meetings_of", "petition_view"]


@dataclass(frozen=True)
class CommitteeRow:
    id: int
    estate: str  # its name
    state: str
    opened_at: datetime
    members: int
    term_ends_at: datetime | None
    filing_due_at: datetime | None
    filed_at: datetime | None


@dataclass(frozen=True)
class MeetingRow:
    id: int
    estate: str  # its name
    estate_id: int
    kind: str
    round: int
    state: str
    meeting_at: datetime
    matters: int  # how many are on its agenda


@dataclass(frozen=True)
class PetitionView:
    id: int
    estate_id: int
    purpose: str
    signed: int  # owners, by headcount
    total: int
    headcount_needed: int  # 20 % of the headcount, rounded up to whole owners
    headcount_ok: bool
    area_signed: Decimal | None  # m²; None on a petition recorded before the area counted
    area_total: Decimal | None
    area_needed: Decimal | None  # 20 % of the area
    area_ok: bool
    meets_threshold: bool  # both
    recorded_at: datetime
    unit_ids: list[int]  # the units signed for


def committees_of(session: Session, *, viewer: Viewer) -> list[CommitteeRow]:
    """Every committee of the viewer's estates: state, members and the filing deadline."""
    query = (select(Committee, Estate.name).join(Estate, Estate.id == Committee.estate_id)
             .order_by(Committee.opened_at.desc(), Committee.id.desc()))
    if viewer.estate_id is not None:
        query = query.where(Committee.estate_id == viewer.estate_id)
    return [CommitteeRow(id=c.id, estate=name, state=c.state, opened_at=c.opened_at,
                         members=sum(1 for candidate in c.candidates if candidate.office),
                         term_ends_at=c.term_ends_at, filing_due_at=c.filing_due_at,
                         filed_at=c.filed_at)
            for c, name in session.execute(query)]


def meetings_of(session: Session, *, viewer: Viewer) -> list[MeetingRow]:
    """Every meeting round of the viewer's estates, the latest meeting date first."""
    query = (select(Meeting, Estate.name).join(Estate, Estate.id == Meeting.estate_id)
             .order_by(Meeting.meeting_at.desc(), Meeting.id.desc()))
    if viewer.estate_id is not None:
        query = query.where(Meeting.estate_id == viewer.estate_id)
    return [MeetingRow(id=m.id, estate=name, estate_id=m.estate_id, kind=m.kind,
                       round=m.round, state=m.state, meeting_at=m.meeting_at,
                       matters=len(m.matters))
            for m, name in session.execute(query)]


def estates_of(session: Session, *, viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of the estates the viewer works for."""
    query = select(Estate.id, Estate.name).order_by(Estate.name, Estate.id)
    if viewer.estate_id is not None:
        query = query.where(Estate.id == viewer.estate_id)
    return [(estate_id, name) for estate_id, name in session.execute(query)]


def petition_view(session: Session, *, petition_id: int) -> PetitionView | None:
    """A recorded petition as its page shows it, or None."""
    petition = session.get(Petition, petition_id)
    if petition is None:
        return None
    share = PETITION_SHARE
    area_needed = (None if petition.area_total is None
                   else petition.area_total * share.numerator / share.denominator)
    return PetitionView(id=petition.id, estate_id=petition.estate_id, purpose=petition.purpose,
                        signed=petition.headcount_signed, total=petition.headcount_total,
                        headcount_needed=-(-petition.headcount_total * share.numerator
                                           // share.denominator),
                        headcount_ok=petition_reaches(petition.headcount_signed,
                                                      petition.headcount_total),
                        area_signed=petition.area_signed, area_total=petition.area_total,
                        area_needed=area_needed,
                        area_ok=(petition.area_signed is not None
                                 and petition.area_total is not None
                                 and petition_reaches(petition.area_signed,
                                                      petition.area_total)),
                        meets_threshold=petition.meets_threshold,
                        recorded_at=petition.recorded_at,
                        unit_ids=[s.unit_id for s in petition.signatures])
