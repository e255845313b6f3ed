"""Who counts as one voter: the units' identical owner sets, never grouped through a co-owner."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from engine.common.errors import AlreadyVoted
from engine.directory.models import Building, Estate, Owner, Unit
from engine.meetings.ballots import record_paper_ballot
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import schedule_meeting, tally_meeting
from engine.meetings.petitions import record_petition
from engine.system import System


def estate_of(session: Session, *holdings: tuple[list[Owner], bool]) -> list[Unit]:
    """Units U-1, U-2 … of 100 m² each, held by the owners given; False: not delivered."""
    block = Building(estate=Estate(name="Chained"), code="U", name="Block U")
    units = [Unit(building=block, number=f"U-{i}", floor=1, area=Decimal("100.00"),
                  owners=owners, delivered=delivered)
             for i, (owners, delivered) in enumerate(holdings, 1)]
    session.add_all(units)
    session.flush()
    return units


def test_co_owners_chained_through_one_owner_are_separate_voters(session: Session,
                                                                 system: System) -> None:
    a, b, c, d, e = (Owner(name=name) for name in "ABCDE")
    ab, bc, cd, e_alone = estate_of(session, ([a, b], True), ([b, c], True), ([c, d], True),
                                    ([e], True))
    voters = electorate(session, ab.building.estate_id)
    assert voters.headcount == 4
    assert [set(v.names) for v in voters.voters] == [{"A", "B"}, {"B", "C"}, {"C", "D"}, {"E"}]
    assert voters.voter_of_unit(cd.id).owner_ids == tuple(sorted([c.id, d.id]))
    assert len({voters.voter(u.id) for u in (ab, bc, cd, e_alone)}) == 4


def test_a_ballot_for_one_co_owned_unit_does_not_cast_the_vote_of_another(
        session: Session, system: System) -> None:
    a, b, c, d, e = (Owner(name=name) for name in "ABCDE")
    ab, bc, cd, _ = estate_of(session, ([a, b], True), ([b, c], True), ([c, d], True),
                              ([e], True))
    meeting = schedule_meeting(session, system.rt, estate_id=ab.building.estate_id,
                               kind="annual", notice_text="",
                               meeting_at=system.rt.clock.now() + timedelta(days=15),
                               matters=[("Report", "ordinary", None)], instance_id=None,
                               actor="clerk")
    matter = meeting.matters[0].id
    record_paper_ballot(session, system.rt, meeting_id=meeting.id, unit_id=ab.id,
                        votes={matter: "agree"}, actor="clerk")
    # B's vote through A+B's unit leaves B+C's and C+D's units their own votes.
    for unit in (bc, cd):
        record_paper_ballot(session, system.rt, meeting_id=meeting.id, unit_id=unit.id,
                            votes={matter: "disagree"}, actor="clerk")
    result = tally_meeting(session, system.rt, meeting_id=meeting.id, actor="clerk")
    counted = meeting.matters[0].result
    assert result["participation_ok"] and counted is not None
    figures = {c["name"]: c["value"] for c in counted["checks"]}
    assert figures["participation_headcount"] == 3


def test_an_owner_alone_and_with_a_spouse_are_two_voters(session: Session,
                                                         system: System) -> None:
    a, spouse = Owner(name="A"), Owner(name="A's spouse")
    alone, together = estate_of(session, ([a], True), ([a, spouse], True))
    voters = electorate(session, alone.building.estate_id)
    assert voters.headcount == 2
    assert voters.voter(alone.id) == str(a.id)
    assert voters.voter(together.id) == "+".join(str(o) for o in sorted([a.id, spouse.id]))


def test_one_buyers_two_units_are_one_voter_with_both_areas(session: Session,
                                                            system: System) -> None:
    a, b, c = Owner(name="A"), Owner(name="B"), Owner(name="C")
    first, second, other = estate_of(session, ([a, b], True), ([b, a], True), ([c], True))
    voters = electorate(session, first.building.estate_id)
    assert voters.headcount == 2
    buyer = voters.voter_of_unit(second.id)
    assert buyer.labels == ("U-1", "U-2") and buyer.area == Decimal("200.00")
    petition = record_petition(session, system.rt, estate_id=first.building.estate_id,
                               purpose="Repairs", signed_unit_ids=[first.id, second.id],
                               actor="clerk")
    assert (petition.headcount_signed, petition.headcount_total) == (1, 2)
    assert petition.area_signed == Decimal("200.00")  # both units' area, one head
    assert [s.voter for s in petition.signatures] == [buyer.key, buyer.key]
    meeting = schedule_meeting(session, system.rt, estate_id=first.building.estate_id,
                               kind="annual", notice_text="",
                               meeting_at=system.rt.clock.now() + timedelta(days=15),
                               matters=[("Report", "ordinary", None)], instance_id=None,
                               actor="clerk")
    votes: dict[int | str, str] = {meeting.matters[0].id: "agree"}
    record_paper_ballot(session, system.rt, meeting_id=meeting.id, unit_id=first.id,
                        votes=votes, actor="clerk")
    with pytest.raises(AlreadyVoted, match="through U-1"):
        record_paper_ballot(session, system.rt, meeting_id=meeting.id, unit_id=second.id,
                            votes=votes, actor="clerk")
    assert other.id in electorate(session, first.building.estate_id).voter_of


def test_the_developers_unsold_and_undelivered_units_are_one_voter(session: Session,
                                                                   system: System) -> None:
    developer, a = Owner(name="Developer", is_developer=True), Owner(name="A")
    unsold, undelivered, _ = estate_of(session, ([developer], True), ([a], False),
                                       ([a], True))
    voters = electorate(session, unsold.building.estate_id)
    assert voters.headcount == 2
    held = voters.voter_of_unit(undelivered.id)
    assert held.is_developer and held.key == str(developer.id)
    assert held.labels == ("U-1", "U-2") and held.names == ("Developer",)
