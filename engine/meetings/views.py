"""The committee and the meeting as their pages show them, as typed read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.meetings.committee import AUTHORITIES, MAX_MEMBERS, get_committee
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import Participation, get_meeting, participation
from engine.meetings.models import Committee, Meeting
from engine.meetings.ranking import rank_elected

__all__ = ["AgendaMatterView", "CandidateView", "CommitteeStatus", "FilingView", "MeetingView",
           "MemberView",
           "PreparatoryMemberView", "VoterView", "committee_status", "meeting_view"]


@dataclass(frozen=True)
class PreparatoryMemberView:
    name: str
    owner_id: int | None
    is_owner: bool
    represents: str  # whom a member who is not an owner speaks for


@dataclass(frozen=True)
class CandidateView:
    id: int
    number: int  # as on the announcement and the ballot paper
    owner_id: int
    name: str
    statement: str
    elected_by_meeting: bool | None  # None until a meeting has tallied the candidate
    office: str | None
    place: int | None = None  # among the elected, by agreeing area then headcount
    tied: bool = False  # shares its place with another elected candidate


@dataclass(frozen=True)
class MemberView:
    id: int
    number: int
    name: str
    office: str  # chair, vice_chair, member


@dataclass(frozen=True)
class FilingView:
    """The committee's filing with one authority, or None where not yet recorded."""

    authority: str  # housing_department, street_office
    authority_name: str | None
    reference: str | None
    filed_on: date | None


@dataclass(frozen=True)
class CommitteeStatus:
    id: int
    estate_id: int
    state: str
    preparatory_group: list[PreparatoryMemberView]
    candidates: list[CandidateView]
    members: list[MemberView]
    elected_at: datetime | None
    term_years: int | None
    term_ends_at: datetime | None
    filing_due_at: datetime | None
    filed_at: datetime | None  # once filed with both authorities
    filings: list[FilingView]  # one per authority, in AUTHORITIES order
    filing_reference: str | None
    filing_authority: str | None
    archived_at: datetime | None


@dataclass(frozen=True)
class AgendaMatterView:
    id: int
    position: int
    title: str
    matter_class: str
    passed: bool | None
    result: dict[str, Any] | None  # the stored tally record (votes.report), None until tallied


@dataclass(frozen=True)
class VoterView:
    """One person of the headcount: the owners who vote together and the units they vote for."""

    names: tuple[str, ...]
    is_developer: bool
    units: tuple[str, ...]  # labels, "A-1203"
    area: Decimal


@dataclass(frozen=True)
class MeetingView:
    id: int
    estate_id: int
    kind: str
    convener: str | None  # None on meetings noticed before conveners were recorded
    round: int
    previous_id: int | None
    state: str
    meeting_at: datetime
    notice_sent_at: datetime
    notice_text: str
    residents_committee_notified: bool
    petition_id: int | None
    committee_id: int | None
    agenda: list[AgendaMatterView]
    participation: Participation
    voters: list[VoterView]  # who votes for which units, in the order of their first unit
    minutes: str | None
    minutes_published_at: datetime | None


def committee_status(session: Session, *, committee_id: int) -> CommitteeStatus:
    """The committee as its status page shows it: group, candidates, members, term, filing."""
    committee = get_committee(session, committee_id)
    meetings = session.scalars(select(Meeting).where(Meeting.committee_id == committee.id)
                               .order_by(Meeting.round))
    rounds = list(meetings)
    votes = {m.candidate_id: m.passed for meeting in rounds for m in meeting.matters
             if m.candidate_id is not None}
    tallied = [meeting for meeting in rounds if meeting.state != "voting"]
    ranked = (rank_elected(committee, tallied[-1], seats=MAX_MEMBERS).elected
              if tallied else ())
    places = {c.number: c.place for c in ranked}
    shared = {c.place for c in ranked if sum(1 for o in ranked if o.place == c.place) > 1}
    return CommitteeStatus(
        id=committee.id, estate_id=committee.estate_id, state=committee.state,
        preparatory_group=[PreparatoryMemberView(name=m.name, owner_id=m.owner_id,
                                                 is_owner=bool(m.owner_id),
                                                 represents=m.represents)
                           for m in committee.preparatory_members],
        candidates=[CandidateView(id=c.id, number=c.position, owner_id=c.owner_id, name=c.name,
                                  statement=c.statement, elected_by_meeting=votes.get(c.id),
                                  office=c.office, place=places.get(c.position),
                                  tied=places.get(c.position) in shared)
                    for c in committee.candidates],
        members=[MemberView(id=c.id, number=c.position, name=c.name, office=c.office)
                 for c in committee.candidates if c.office],
        elected_at=committee.elected_at, term_years=committee.term_years,
        term_ends_at=committee.term_ends_at, filing_due_at=committee.filing_due_at,
        filed_at=committee.filed_at, filings=_filings(committee),
        filing_reference=committee.filing_reference,
        filing_authority=committee.filing_authority, archived_at=committee.archived_at)


def _filings(committee: Committee) -> list[FilingView]:
    recorded = {f.authority: f for f in committee.filings}
    return [FilingView(authority=authority,
                       authority_name=recorded[authority].authority_name
                       if authority in recorded else None,
                       reference=recorded[authority].reference if authority in recorded else None,
                       filed_on=recorded[authority].filed_on if authority in recorded else None)
            for authority in AUTHORITIES]


def meeting_view(session: Session, *, meeting_id: int) -> MeetingView:
    """The meeting as its page shows it: notice, agenda, participation, results explained."""
    meeting = get_meeting(session, meeting_id)
    voters = electorate(session, meeting.estate_id)
    return MeetingView(
        id=meeting.id, estate_id=meeting.estate_id, kind=meeting.kind,
        convener=meeting.convener, round=meeting.round,
        previous_id=meeting.previous_id, state=meeting.state, meeting_at=meeting.meeting_at,
        notice_sent_at=meeting.notice_sent_at, notice_text=meeting.notice_text,
        residents_committee_notified=meeting.residents_committee_notified,
        petition_id=meeting.petition_id, committee_id=meeting.committee_id,
        agenda=[AgendaMatterView(id=m.id, position=m.position, title=m.title,
                                 matter_class=m.matter_class, passed=m.passed, result=m.result)
                for m in meeting.matters],
        participation=participation(session, meeting_id=meeting.id, voters=voters),
        voters=[VoterView(names=v.names, is_developer=v.is_developer, units=v.labels,
                          area=v.area) for v in voters.voters],
        minutes=meeting.minutes, minutes_published_at=meeting.minutes_published_at)
