"""The owners' committee, general meetings, their matters, ballots, petitions (SPEC §3 P5, P6)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.common.db import Base


class Committee(Base):
    """An owners' committee from its preparatory group to its filing with both authorities."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"),
                                                    index=True)
    state: Mapped[str] = mapped_column(String(20), default="forming")  # elected, filed, archived
    opened_at: Mapped[datetime]
    elected_at: Mapped[datetime | None]
    term_years: Mapped[int | None]
    term_ends_at: Mapped[datetime | None]
    filing_due_at: Mapped[datetime | None]
    # Set once the committee is filed with every authority (CommitteeFiling): the later date.
    filed_at: Mapped[datetime | None]
    # The single filing of committees formed before both authorities were filed with.
    filing_reference: Mapped[str | None] = mapped_column(String(100))
    filing_authority: Mapped[str | None] = mapped_column(String(200))
    archived_at: Mapped[datetime | None]

    preparatory_members: Mapped[list[PreparatoryMember]] = relationship(
        order_by="PreparatoryMember.position")
    candidates: Mapped[list[Candidate]] = relationship(order_by="Candidate.position")
    filings: Mapped[list[CommitteeFiling]] = relationship(order_by="CommitteeFiling.id")


class CommitteeFiling(Base):
    """The committee filed with one authority (Regulations art. 16), with its date and reference."""

    __tablename__ = "committee_filings"
    __table_args__ = (UniqueConstraint("committee_id", "authority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    authority: Mapped[str] = mapped_column(String(30))  # housing_department, street_office
    authority_name: Mapped[str] = mapped_column(String(200))  # as on the receipt
    reference: Mapped[str] = mapped_column(String(100))
    filed_on: Mapped[date]  # the day the authority received it
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class PreparatoryMember(Base):
    """A member of the preparatory group; an owner unless ``owner_id`` is empty."""

    __tablename__ = "preparatory_members"
    __table_args__ = (UniqueConstraint("committee_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owners.id"))
    # Who a member who is not an owner represents: the residents' committee, the street office.
    represents: Mapped[str] = mapped_column(String(200), default="")


class Candidate(Base):
    """An owner nominated for the committee; ``office`` is set once they sit on it."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("committee_id", "owner_id",
                                       name="uq_candidates_committee_owner"),
                      UniqueConstraint("committee_id", "position",
                                       name="uq_candidates_committee_position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    position: Mapped[int]
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))
    name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text, default="")
    office: Mapped[str | None] = mapped_column(String(20))  # chair, vice_chair, member


class Petition(Base):
    """Owners asking for an extraordinary general meeting, with the area and headcount signed."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    headcount_signed: Mapped[int]
    headcount_total: Mapped[int]
    # None on petitions recorded when only the headcount was counted.
    area_signed: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    area_total: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    meets_threshold: Mapped[bool]  # both the area and the headcount reach 20 %

    signatures: Mapped[list[PetitionSignature]] = relationship(order_by="PetitionSignature.id")


class PetitionSignature(Base):
    """A unit signed for by its owners of record; a voter signing for two units counts once."""

    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("petition_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The key of the voter the unit counts for (engine.meetings.electorate.voter_key).
    voter: Mapped[str] = mapped_column(String(200))


class Meeting(Base):
    """One round of a general meeting: its notice, its matters and the ballots cast on them."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # first, annual, extraordinary
    # owners_committee, residents_committee, street_office; preparatory_group for the first.
    convener: Mapped[str | None] = mapped_column(String(30))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"),
                                                    index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    round: Mapped[int] = mapped_column(default=1)
    # voting -> tallied | failed (participation too low) -> minuted -> archived
    state: Mapped[str] = mapped_column(String(20), default="voting")
    meeting_at: Mapped[datetime]
    notice_sent_at: Mapped[datetime]
    notice_text: Mapped[str] = mapped_column(Text, default="")
    residents_committee_notified: Mapped[bool] = mapped_column(default=False)
    tallied_at: Mapped[datetime | None]
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]

    matters: Mapped[list[AgendaMatter]] = relationship(order_by="AgendaMatter.position")


class AgendaMatter(Base):
    """A matter put to the vote under its item of Civil Code art. 278, which sets its threshold."""

    __tablename__ = "agenda_matters"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    # A key of engine.meetings.votes.tally.Matter: an item of art. 278, or an old class.
    matter_class: Mapped[str] = mapped_column(String(40))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"))
    passed: Mapped[bool | None]
    result: Mapped[dict[str, Any] | None]  # Tally.as_dict(): every figure and the explanation


class MeetingBallot(Base):
    """One voter's vote on one matter, through one of their units, on paper or online."""

    __tablename__ = "meeting_ballots"
    # One ballot covers all of a voter's units (the tally counts owner sets), and a unit
    # votes once.
    __table_args__ = (UniqueConstraint("matter_id", "voter",
                                       name="uq_meeting_ballots_matter_voter"),
                      UniqueConstraint("matter_id", "unit_id",
                                       name="uq_meeting_ballots_matter_unit"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("agenda_matters.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The key of the voter the unit counts for (engine.meetings.electorate.voter_key).
    voter: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))  # paper, online
    vote: Mapped[str] = mapped_column(String(10))  # engine.meetings.votes.tally.Vote
    entered_by: Mapped[str | None] = mapped_column(String(100))  # staff, for a paper ballot
    cast_at: Mapped[datetime]


class BallotToken(Base):
    """A one-time online ballot link for one unit at one meeting; the link itself is not kept."""

    __tablename__ = "ballot_tokens"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The link is derived from this random nonce and the app's secret key, so a supervisor can
    # print it again; None for a link issued only once, before links could be printed again.
    nonce: Mapped[str | None] = mapped_column(String(43))
    issued_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


__all__ = ["AgendaMatter", "BallotToken", "Candidate", "Committee", "CommitteeFiling", "Meeting",
           "MeetingBallot",
           "Petition", "PetitionSignature", "PreparatoryMember"]
