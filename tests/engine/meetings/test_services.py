"""The refusals of the meeting, ballot, committee and petition operations, called directly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from engine.common.clock import FrozenClock
from engine.common.errors import Conflict, FormInvalid, NotFound, VoteInputError
from engine.directory.models import Building, Estate, Owner, Unit
from engine.meetings.ballots import (
    ballot_paper,
    cast_online_ballot,
    issue_ballot_tokens,
    record_paper_ballot,
)
from engine.meetings.committee import (
    elect_committee,
    open_committee,
    record_authority_filing,
    record_candidates,
)
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import schedule_meeting, tally_meeting
from engine.meetings.models import Committee, CommitteeFiling, Meeting
from engine.meetings.petitions import record_petition
from engine.system import System
from tests.support.meetings import owners_estate, unit_ids


@pytest.fixture
def estate(system: System) -> Estate:
    return owners_estate(system)


def meeting(session: Session, system: System, estate: Estate) -> Meeting:
    return schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                            meeting_at=system.rt.clock.now() + timedelta(days=15),
                            notice_text="AGM", matters=[("Report", "ordinary", None),
                                                        ("Fund", "special", None)],
                            instance_id=None, actor="clerk")


def votes(held: Meeting, vote: str = "agree") -> dict[int | str, str]:
    return {m.id: vote for m in held.matters}


def test_the_electorate_counts_owners_not_units(system: System) -> None:
    with system.sessions() as session:
        estate = Estate(name="Two towers")
        block = Building(estate=estate, code="B", name="Block B")
        chan, wong, spouse = Owner(name="Chan"), Owner(name="Wong"), Owner(name="Wong's spouse")
        developer = Owner(name="Developer", is_developer=True)
        session.add_all([
            Unit(building=block, number="B-1", floor=1, area=Decimal("80.00"), owners=[chan]),
            Unit(building=block, number="B-2", floor=1, area=Decimal("70.00"), owners=[chan]),
            Unit(building=block, number="B-3", floor=1, area=Decimal("90.00"),
                 owners=[wong, spouse]),
            Unit(building=block, number="B-4", floor=2, area=Decimal("60.00"),
                 owners=[developer]),
            Unit(building=block, number="B-5", floor=2, area=Decimal("60.00"), delivered=False,
                 owners=[wong]),
        ])
        session.flush()
        voters = electorate(session, estate.id)
        assert voters.headcount == 3  # Chan, the Wongs, the developer
        wongs = "+".join(str(o) for o in sorted([wong.id, spouse.id]))
        assert [u.owner for u in voters.units] == [str(chan.id), str(chan.id), wongs,
                                                   str(developer.id), str(developer.id)]
        with pytest.raises(VoteInputError, match="no owner on record"):
            session.add(Unit(building=block, number="B-6", floor=2, area=Decimal("1.00")))
            session.flush()
            electorate(session, estate.id)


def test_a_notice_less_than_15_days_ahead_is_refused(session: Session, system: System,
                                                     estate: Estate) -> None:
    with pytest.raises(FormInvalid) as refused:
        schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                         meeting_at=system.rt.clock.now() + timedelta(days=15, seconds=-1),
                         notice_text="", matters=[("Report", "ordinary", None)],
                         instance_id=None, actor="clerk")
    assert refused.value.errors[0].field == "meeting_at"
    with pytest.raises(FormInvalid, match="need"):
        schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                         meeting_at=system.rt.clock.now() + timedelta(days=20),
                         notice_text="", matters=[], instance_id=None, actor="clerk")


def test_a_ballot_link_is_refused_unknown_used_late_or_closed(session: Session, system: System,
                                                              estate: Estate) -> None:
    held = meeting(session, system, estate)
    units = unit_ids(system, estate)
    tokens = issue_ballot_tokens(session, system.rt, meeting_id=held.id)
    assert issue_ballot_tokens(session, system.rt, meeting_id=held.id) == {}  # shown once
    with pytest.raises(NotFound):
        ballot_paper(session, system.rt, token="not-a-token")
    paper = ballot_paper(session, system.rt, token=tokens[units[0]])
    assert paper.unit == "A-101" and [m.title for m in paper.matters] == ["Report", "Fund"]
    with pytest.raises(FormInvalid) as partial:
        cast_online_ballot(session, system.rt, token=tokens[units[0]],
                           votes={held.matters[0].id: "agree"})
    assert [e.field for e in partial.value.errors] == [f"votes.{held.matters[1].id}"]
    with pytest.raises(FormInvalid, match="attention"):
        cast_online_ballot(session, system.rt, token=tokens[units[0]],
                           votes=votes(held, "maybe"))
    cast_online_ballot(session, system.rt, token=tokens[units[0]], votes=votes(held))
    with pytest.raises(Conflict, match="used"):
        cast_online_ballot(session, system.rt, token=tokens[units[0]], votes=votes(held))

    record_paper_ballot(session, system.rt, meeting_id=held.id, unit_id=units[1],
                        votes=votes(held), actor="clerk")
    with pytest.raises(Conflict, match="already"):  # the same owner, online after paper
        cast_online_ballot(session, system.rt, token=tokens[units[1]], votes=votes(held))

    clock = system.rt.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(days=15))
    with pytest.raises(Conflict, match="began"):
        cast_online_ballot(session, system.rt, token=tokens[units[2]], votes=votes(held))
    record_paper_ballot(session, system.rt, meeting_id=held.id, unit_id=units[2],
                        votes=votes(held), actor="clerk")  # cast at the meeting itself
    tally_meeting(session, system.rt, meeting_id=held.id, actor="clerk")
    with pytest.raises(Conflict, match="closed"):
        record_paper_ballot(session, system.rt, meeting_id=held.id, unit_id=units[3],
                            votes=votes(held), actor="clerk")
    with pytest.raises(Conflict, match="closed already"):
        tally_meeting(session, system.rt, meeting_id=held.id, actor="clerk")


def test_the_committee_needs_five_owners_and_a_tallied_meeting(session: Session, system: System,
                                                               estate: Estate) -> None:
    forming = open_committee(session, system.rt, estate_id=estate.id, instance_id=None)
    owners = sorted(o for v in electorate(session, estate.id).voters for o in v.owner_ids)
    with pytest.raises(FormInvalid, match="attention") as few:
        record_candidates(session, system.rt, committee_id=forming.id,
                          candidates=[(o, "") for o in owners[:4]], actor="clerk")
    assert "at least 5 candidates" in few.value.errors[0].message
    with pytest.raises(FormInvalid):
        record_candidates(session, system.rt, committee_id=forming.id,
                          candidates=[(owners[0], "")] * 5, actor="clerk")
    record_candidates(session, system.rt, committee_id=forming.id,
                      candidates=[(o, "") for o in owners[:5]], actor="clerk")
    held = meeting(session, system, estate)
    with pytest.raises(Conflict, match="tallied"):
        elect_committee(session, system.rt, committee_id=forming.id, meeting_id=held.id,
                        seats=5, chair=1, vice_chair=2, term_years=5, actor="clerk")


def test_a_petition_refuses_foreign_units_and_a_unit_signed_twice(
        session: Session, system: System, estate: Estate) -> None:
    units = unit_ids(system, estate)
    with pytest.raises(FormInvalid) as twice:
        record_petition(session, system.rt, estate_id=estate.id, purpose="New company",
                        signed_unit_ids=[units[0], units[0], units[1]], actor="clerk")
    assert [(e.field, e.message) for e in twice.value.errors] == [
        ("signed_unit_ids", "A-101 signed more than once: a unit signs once")]
    with pytest.raises(FormInvalid, match="attention") as foreign:
        record_petition(session, system.rt, estate_id=estate.id, purpose="New company",
                        signed_unit_ids=[999_999], actor="clerk")
    assert [(e.field, e.message) for e in foreign.value.errors] == [
        ("signed_unit_ids", "units [999999] are not units of this estate")]
    with pytest.raises(FormInvalid) as empty:
        record_petition(session, system.rt, estate_id=estate.id, purpose="New company",
                        signed_unit_ids=[], actor="clerk")
    assert "tick the units" in empty.value.errors[0].message
    with pytest.raises(FormInvalid):
        record_petition(session, system.rt, estate_id=estate.id, purpose=" ",
                        signed_unit_ids=units[:2], actor="clerk")


def test_each_authority_is_filed_once_and_the_committee_only_with_both(
        session: Session, system: System, estate: Estate) -> None:
    now = system.rt.clock.now()
    elected = Committee(estate_id=estate.id, state="elected", opened_at=now - timedelta(days=60),
                        elected_at=now - timedelta(days=5), filing_due_at=now + timedelta(days=25))
    session.add(elected)
    session.flush()
    today = now.astimezone(system.rt.office_zone).date()

    def file(authority: str, name: str = "Bureau", reference: str = "R-1",
             filed_on: date = today) -> CommitteeFiling:
        return record_authority_filing(session, system.rt, committee_id=elected.id,
                                       authority=authority, authority_name=name,
                                       reference=reference, filed_on=filed_on, actor="clerk")

    with pytest.raises(FormInvalid) as blank:
        file("street_office", name=" ", reference="")
    assert [e.field for e in blank.value.errors] == ["street_office_name",
                                                     "street_office_reference"]
    with pytest.raises(FormInvalid) as unknown:
        file("district_court")
    assert "housing department and the street office" in unknown.value.errors[0].message
    file("housing_department")
    assert (elected.state, elected.filed_at) == ("elected", None)
    with pytest.raises(Conflict, match="recorded already"):
        file("housing_department", reference="R-2")
    file("street_office", filed_on=today - timedelta(days=5))  # the day of the election
    assert (elected.state, elected.filed_at) == ("filed", now)
    assert sorted(f.authority for f in elected.filings) == ["housing_department",
                                                            "street_office"]
    with pytest.raises(Conflict, match="after its election"):
        file("street_office")
