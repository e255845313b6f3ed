"""Every path of the owners' committee formation (P5), persisted and reloaded per step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.errors import Conflict, FormInvalid
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Estate
from engine.meetings.ballots import cast_online_ballot, issue_ballot_tokens, record_paper_ballot
from engine.meetings.general_meeting import participation
from engine.meetings.views import committee_status
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.models import ProcessInstance, ProcessVersion
from tests.support.meetings import (
    CANDIDATES,
    CLOSE,
    GROUP,
    UNITS,
    ProcessDriver,
    elected_committee,
    filing,
    hold_the_vote,
    notice_first_meeting,
    owners_estate,
    start_formation,
    unit_ids,
    vote_on_paper,
)
from tests.support.people import create_estate, create_user

# The committee formation as deployed before the committee was filed with two authorities.
SINGLE_FILING = Path(__file__).parent / "fixtures" / "single_filing" / "processes"


@pytest.fixture
def estate(shipped: System) -> Estate:
    create_user(shipped, "boss", "supervisor")
    return owners_estate(shipped)


def test_the_preparatory_group_is_odd_and_at_least_half_owners(shipped: System,
                                                                 estate: Estate) -> None:
    formation = start_formation(shipped, estate)
    with pytest.raises(FormInvalid) as even:
        formation.do("form_preparatory_group", {"owner_members": "A-101\nA-102",
                                                "other_members": ""})
    assert "odd number of members; it has 2" in even.value.errors[0].message
    with pytest.raises(FormInvalid) as few_owners:
        formation.do("form_preparatory_group", {
            "owner_members": "A-101", "other_members": "李主任, residents' committee\n"
                                                       "王先生, street office"})
    assert [e.message for e in few_owners.value.errors] == [
        "at least half of the preparatory group must be owners; 1 of its 3 members are"]
    with pytest.raises(FormInvalid) as unknown:
        formation.do("form_preparatory_group", {"owner_members": "A-999", "other_members": ""})
    assert "no unit 'A-999'" in unknown.value.errors[0].message
    assert set(formation.open()) == {"form_preparatory_group"}  # nothing lost

    formation.do("form_preparatory_group", GROUP)
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=formation.data()["committee_id"])
    assert [(m.name, m.is_owner) for m in status.preparatory_group] == [
        ("Owner of A-101", True), ("陳大文", True), ("李主任", False)]
    assert set(formation.open()) == {"announce_candidates"}


def test_a_meeting_14_days_after_the_notice_is_refused_15_accepted(shipped: System,
                                                                    estate: Estate) -> None:
    formation = start_formation(shipped, estate)
    formation.do("form_preparatory_group", GROUP)
    formation.do("announce_candidates", CANDIDATES)
    with pytest.raises(FormInvalid) as refused:
        notice_first_meeting(formation, days=14)
    assert refused.value.errors[0].field == "meeting_at"
    assert "at least 15 days before" in refused.value.errors[0].message
    assert set(formation.open()) == {"send_meeting_notice"}

    notice_first_meeting(formation, days=15)
    meeting = formation.meeting()
    assert (meeting.kind, meeting.round, meeting.state) == ("first", 1, "voting")
    assert meeting.residents_committee_notified is True
    assert meeting.convener == "preparatory_group"  # the first meeting, before any committee
    assert [m.title.split(":")[0] for m in meeting.agenda] == [
        "No. 1 Owner of A-101", "No. 2 Owner of A-102", "No. 3 Owner of A-103",
        "No. 4 Owner of A-104", "No. 5 Owner of A-105", "No. 6 Owner of A-106"]
    assert formation.open() == {}  # the vote is open until the meeting


def test_too_few_owners_vote_so_a_second_round_elects_the_committee(shipped: System,
                                                                    estate: Estate) -> None:
    formation = start_formation(shipped, estate)
    formation.do("form_preparatory_group", GROUP)
    formation.do("announce_candidates", CANDIDATES)
    notice_first_meeting(formation)
    first_round = formation.meeting_id()
    units = unit_ids(shipped, estate)

    with shipped.sessions() as session:
        tokens = issue_ballot_tokens(session, shipped.rt, meeting_id=first_round)
        session.commit()
    assert len(tokens) == 10 and len(set(tokens.values())) == 10
    matters = [m.id for m in formation.meeting().agenda]
    with shipped.sessions() as session:
        cast_online_ballot(session, shipped.rt, token=tokens[units[0]],
                           votes={m: "agree" for m in matters})
        session.commit()
    with shipped.sessions() as session, pytest.raises(Conflict, match="used"):
        cast_online_ballot(session, shipped.rt, token=tokens[units[0]],
                           votes={m: "agree" for m in matters})
    vote_on_paper(shipped, first_round, units[1:6], "agree")  # 6 of 10 owners: below 2/3
    with shipped.sessions() as session:
        live = participation(session, meeting_id=first_round)
    assert (live.headcount.value, live.headcount.base, live.ok) == (6, 10, False)

    assert formation.wait(timedelta(days=14, hours=23)) == 0
    assert formation.wait(timedelta(hours=1, seconds=1)) == 1
    formation.do("close_the_vote", CLOSE)
    assert set(formation.open()) == {"send_meeting_notice"}  # round 2
    assert "did not take part" in formation.data()["failed_round_reason"]
    with shipped.sessions() as session, pytest.raises(Conflict, match="closed"):
        vote_on_paper(shipped, first_round, units[6:7], "agree")

    hold_the_vote(formation, estate, voters=7)
    second = formation.meeting()
    assert (second.round, second.previous_id, second.state) == (2, first_round, "tallied")
    assert all(m.passed for m in second.agenda)
    assert set(formation.open()) == {"constitute_committee"}

    # All six were elected by the same 7 owners: tied at the last of 5 seats, nobody is seated
    # without a run-off, and staff record its result rather than pick.
    def constitute(winners: list[int], vice_chair: int = 2) -> list[tuple[str, str]]:
        with pytest.raises(FormInvalid) as refused:
            formation.do("constitute_committee", {"seats": 5, "run_off_winners": winners,
                                                  "chair": 1, "vice_chair": vice_chair,
                                                  "term_years": 5})
        return [(e.field, e.message) for e in refused.value.errors]

    run_off = ("No. 1, No. 2, No. 3, No. 4, No. 5, No. 6 are tied at the last seat, with "
               "619.50 m² and 7 owners agreeing each: a run-off between them fills 5 of the 5 "
               "seats; record the 5 it elected")
    assert constitute([]) == [("run_off_winners", run_off)]
    assert constitute([1, 2, 3, 4]) == [("run_off_winners", run_off)]
    assert [field for field, _ in constitute([1, 2, 3, 4, 5], vice_chair=1)] == ["vice_chair"]
    assert [field for field, _ in constitute([1, 2, 3, 4, 6], vice_chair=5)] == ["vice_chair"]
    formation.do("constitute_committee", {"seats": 5, "run_off_winners": [1, 2, 3, 4, 5],
                                          "chair": 1, "vice_chair": 2, "term_years": 5})
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=formation.data()["committee_id"])
    assert [(m.number, m.office) for m in status.members] == [
        (1, "chair"), (2, "vice_chair"), (3, "member"), (4, "member"), (5, "member")]
    assert status.state == "elected" and status.filing_due_at is not None
    assert set(formation.open()) == {"file_with_housing_department", "file_with_street_office"}


def alerts(system: System, formation: ProcessDriver) -> list[tuple[str, str, int]]:
    with system.sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == formation.instance_id,
            AuditEvent.kind.in_(("committee_filing_reminder", "committee_filing_overdue")))
            .order_by(AuditEvent.id))
        return sorted((e.kind, e.data["authority"], e.data["days_left"]) for e in events)


def test_each_authority_is_reminded_at_day_20_and_27_and_chased_at_day_30(
        shipped: System, estate: Estate) -> None:
    formation = elected_committee(shipped, estate)
    assert formation.wait(timedelta(days=19, hours=23)) == 0
    assert formation.wait(timedelta(hours=1, seconds=1)) == 1
    assert alerts(shipped, formation) == [
        ("committee_filing_reminder", "housing_department", 9),
        ("committee_filing_reminder", "street_office", 9)]
    # The street office has it by day 25; only the housing department is still chased.
    formation.wait(timedelta(days=5))
    formation.do("file_with_street_office", filing(shipped, "street_office", "JD-2026-017",
                                                   days_ago=1))
    assert formation.wait(timedelta(days=2)) == 1
    assert alerts(shipped, formation) == [  # none at day 27 for the one filed
        ("committee_filing_reminder", "housing_department", 2),
        ("committee_filing_reminder", "housing_department", 9),
        ("committee_filing_reminder", "street_office", 9)]
    assert set(formation.open()) == {"file_with_housing_department"}
    assert formation.wait(timedelta(days=3)) == 1
    assert [a[:2] for a in alerts(shipped, formation) if a[0] == "committee_filing_overdue"] == [
        ("committee_filing_overdue", "housing_department")]
    chase = formation.open()["chase_housing_department_filing"]
    assert chase.role == "supervisor"
    assert formation.open()["file_with_housing_department"].due_at is not None
    with shipped.sessions() as session:
        waiting = committee_status(session, committee_id=formation.data()["committee_id"])
    assert (waiting.state, waiting.filed_at) == ("elected", None)  # one of two: not filed
    assert [(f.authority, f.reference) for f in waiting.filings] == [
        ("housing_department", None), ("street_office", "JD-2026-017")]

    formation.do("chase_housing_department_filing",
                 {"action_taken": "Called the chair; filing tomorrow."}, actor="boss")
    formation.do("file_with_housing_department",
                 filing(shipped, "housing_department", "BA-2026-017"))
    assert formation.status() == "completed"


def test_filed_with_both_in_time_is_archived_and_no_reminder_fires(shipped: System,
                                                                    estate: Estate) -> None:
    formation = elected_committee(shipped, estate)
    formation.wait(timedelta(days=10))
    formation.do("file_with_housing_department",
                 filing(shipped, "housing_department", "BA-2026-018", days_ago=2))
    with shipped.sessions() as session:
        half = committee_status(session, committee_id=formation.data()["committee_id"])
    assert (half.state, half.filed_at) == ("elected", None)
    assert set(formation.open()) == {"file_with_street_office"}
    formation.do("file_with_street_office", filing(shipped, "street_office", "JD-2026-044"))
    assert formation.status() == "completed"
    today = shipped.rt.clock.now().astimezone(shipped.rt.office_zone).date()
    assert formation.wait(timedelta(days=30)) == 0
    assert alerts(shipped, formation) == []
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=formation.data()["committee_id"])
    assert status.state == "archived"
    assert [(f.authority, f.authority_name, f.reference, f.filed_on) for f in status.filings] == [
        ("housing_department", "District housing bureau", "BA-2026-018",
         today - timedelta(days=2)),
        ("street_office", "Harmony street office", "JD-2026-044", today)]
    assert status.filed_at is not None and status.filing_due_at is not None
    assert status.filed_at < status.filing_due_at


def test_a_filing_dated_before_the_election_or_in_the_future_is_refused(
        shipped: System, estate: Estate) -> None:
    formation = elected_committee(shipped, estate)
    formation.wait(timedelta(days=3))
    for days_ago in (4, -1):
        with pytest.raises(FormInvalid) as refused:
            formation.do("file_with_street_office",
                         filing(shipped, "street_office", "JD-1", days_ago=days_ago))
        assert [e.field for e in refused.value.errors] == ["street_office_filed_on"]
        assert "between the election" in refused.value.errors[0].message
    assert set(formation.open()) == {"file_with_housing_department", "file_with_street_office"}


def test_an_instance_begun_on_the_single_filing_diagram_still_completes(
        shipped: System, estate: Estate) -> None:
    with shipped.sessions() as session:
        deploy(session, shipped.rt, Bundle.from_paths([SINGLE_FILING]), actor="tests")
        session.commit()
    formation = elected_committee(shipped, estate)  # started on the old diagram
    with shipped.sessions() as session:
        new = deploy(session, shipped.rt, Bundle.from_paths([PROJECT_ROOT / "processes"]),
                     actor="tests")
        session.commit()
        assert [d.version for d in new if d.process_id == "committee_formation"] == [3]
        pinned = session.get(ProcessInstance, formation.instance_id)
        assert pinned is not None
        assert session.get(ProcessVersion, pinned.process_version_id).version == 2  # type: ignore[union-attr]
    assert set(formation.open()) == {"file_with_housing_authority"}
    assert formation.wait(timedelta(days=20, seconds=1)) == 1
    assert alerts_of_old(shipped, formation) == [("committee_filing_reminder", 9)]
    formation.do("file_with_housing_authority", {"filing_authority": "District housing bureau",
                                                 "filing_reference": "BA-2026-019"})
    assert formation.status() == "completed"
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=formation.data()["committee_id"])
    assert (status.state, status.filing_reference) == ("archived", "BA-2026-019")
    assert [(f.authority, f.reference) for f in status.filings] == [
        ("housing_department", "BA-2026-019"), ("street_office", None)]

    again = elected_committee(shipped, create_estate(shipped, "翠景苑", units=UNITS))  # new diagram
    assert set(again.open()) == {"file_with_housing_department", "file_with_street_office"}


def alerts_of_old(system: System, formation: ProcessDriver) -> list[tuple[str, int]]:
    with system.sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == formation.instance_id,
            AuditEvent.kind.in_(("committee_filing_reminder", "committee_filing_overdue")))
            .order_by(AuditEvent.id))
        return [(e.kind, e.data["days_left"]) for e in events]


def test_more_elected_than_seats_are_seated_by_agreeing_area_then_headcount(
        shipped: System, estate: Estate) -> None:
    formation = start_formation(shipped, estate)
    formation.do("form_preparatory_group", GROUP)
    formation.do("announce_candidates", CANDIDATES)
    notice_first_meeting(formation)
    meeting_id = formation.meeting_id()
    matters = [m.id for m in formation.meeting().agenda]  # candidates Nos. 1–6, in order
    # Nine owners take part; No. 1 has all nine, No. 6 five: every one is elected (> 4.5).
    agreeing = {1: 9, 2: 8, 3: 8, 4: 7, 5: 6, 6: 5}
    with shipped.sessions() as session:
        for voter, unit in enumerate(unit_ids(shipped, estate)[:9]):
            votes = {matter: "agree" if voter < agreeing[number] else "disagree"
                     for number, matter in enumerate(matters, 1)}
            record_paper_ballot(session, shipped.rt, meeting_id=meeting_id, unit_id=unit,
                                votes=votes, actor="clerk")
        session.commit()
    formation.wait(timedelta(days=15, seconds=1))
    formation.do("close_the_vote", CLOSE)
    assert all(m.passed for m in formation.meeting().agenda)

    with pytest.raises(FormInvalid) as refused:  # No. 6 ranks sixth: it has no seat to chair
        formation.do("constitute_committee", {"seats": 5, "chair": 6, "vice_chair": 1,
                                              "term_years": 3})
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("chair", "choose the chair and the vice-chair from the committee's members: "
                  "Nos. 1, 2, 3, 4, 5")]
    with pytest.raises(FormInvalid) as refused:
        formation.do("constitute_committee", {"seats": 5, "run_off_winners": [6], "chair": 1,
                                              "vice_chair": 2, "term_years": 3})
    assert [e.field for e in refused.value.errors] == ["run_off_winners"]
    with pytest.raises(FormInvalid) as refused:
        formation.do("constitute_committee", {"seats": 7, "chair": 1, "vice_chair": 2,
                                              "term_years": 3})
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("seats", "the meeting elected 6 candidates, fewer than 7 seats")]

    formation.do("constitute_committee", {"seats": 5, "chair": 3, "vice_chair": 2,
                                          "term_years": 3})
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=formation.data()["committee_id"])
    assert [(m.number, m.office) for m in status.members] == [
        (1, "member"), (2, "vice_chair"), (3, "chair"), (4, "member"), (5, "member")]
    with shipped.sessions() as session:
        elected = session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "committee_elected")).one()
    assert (elected.data["members"], elected.data["run_off"]) == ([1, 2, 3, 4, 5], [])
