"""Every path of the general meeting of owners (P6), persisted and reloaded per step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.common.clock import FrozenClock
from engine.common.errors import Conflict, FormInvalid
from engine.directory.models import Estate
from engine.meetings.models import Committee
from engine.meetings.petitions import record_petition, start_extraordinary_meeting
from engine.system import System
from engine.workflow.models import ProcessInstance
from engine.workflow.timers.schedules import fire_due_schedules
from tests.support.meetings import (
    FUND,
    LEVY,
    REPORT,
    ProcessDriver,
    in_days,
    owners_estate,
    unit_ids,
    vote_on_paper,
)


@pytest.fixture
def estate(shipped: System) -> Estate:
    return owners_estate(shipped)


def agenda(estate: Estate, **changes: object) -> dict[str, object]:
    return {"estate_id": estate.id, "meeting_kind": "annual", "petition_id": 0,
            "other_major": REPORT, "use_maintenance_fund": FUND, "raise_maintenance_fund": LEVY,
            **changes}


def notice(meeting: ProcessDriver, days: int = 15) -> None:
    meeting.do("send_meeting_notice", {"meeting_at": in_days(meeting.system, days),
                                       "notice_text": "Annual general meeting, estate hall."})


def test_the_yearly_schedule_starts_one_meeting_a_year(shipped: System) -> None:
    clock = shipped.rt.clock
    assert isinstance(clock, FrozenClock)

    def started() -> list[ProcessInstance]:
        with shipped.sessions() as session:
            return list(session.scalars(select(ProcessInstance).where(
                ProcessInstance.process_id == "general_meeting")))

    # Other yearly processes may share the date, so count this process's own instances.
    clock.set(datetime(2027, 1, 15, 0, 59, tzinfo=UTC))
    fire_due_schedules(shipped.sessions, shipped.rt)
    assert started() == []
    clock.set(datetime(2027, 1, 15, 1, 0, tzinfo=UTC))  # 09:00 in the office
    fire_due_schedules(shipped.sessions, shipped.rt)
    assert len(started()) == 1
    fire_due_schedules(shipped.sessions, shipped.rt)
    assert len(started()) == 1
    clock.set(datetime(2028, 1, 15, 1, 0, tzinfo=UTC))
    fire_due_schedules(shipped.sessions, shipped.rt)
    instances = started()
    assert len(instances) == 2
    first = ProcessDriver(shipped, 0, instances[0].id)
    assert set(first.open()) == {"prepare_agenda"}


def test_each_matter_is_decided_by_its_item_of_art_278_on_the_same_ballots(
        shipped: System, estate: Estate) -> None:
    meeting = ProcessDriver.start(shipped, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    meeting.do("prepare_agenda", agenda(estate))
    with pytest.raises(FormInvalid) as too_soon:
        notice(meeting, days=14)
    assert [e.field for e in too_soon.value.errors] == ["meeting_at"]
    notice(meeting)
    units = unit_ids(shipped, estate)
    vote_on_paper(shipped, meeting.meeting_id(), units[:5], "agree")
    vote_on_paper(shipped, meeting.meeting_id(), units[5:8], "disagree")  # 8 of 10 take part
    meeting.wait(timedelta(days=15, seconds=1))
    meeting.do("close_the_vote", {})

    # 5 of the 8 taking part agree: more than half, less than 3/4.
    results = {m.title: m for m in meeting.meeting().agenda}
    assert [m.title for m in meeting.meeting().agenda] == [FUND, LEVY, REPORT]  # item order
    assert (results[REPORT].matter_class, results[REPORT].passed) == ("other_major", True)
    assert (results[FUND].matter_class, results[FUND].passed) == ("use_maintenance_fund", True)
    assert (results[LEVY].matter_class, results[LEVY].passed) == ("raise_maintenance_fund",
                                                                  False)
    levy = results[LEVY].result
    assert levy is not None and any("3/4" in line for line in levy["explanation"])
    assert set(meeting.open()) == {"record_minutes"}

    meeting.do("record_minutes",
               {"minutes": "The report and the lifts were approved; the levy was not."})
    assert meeting.status() == "completed"
    closed = meeting.meeting()
    assert closed.state == "archived" and closed.minutes_published_at is not None


def test_too_few_owners_take_part_so_the_meeting_is_noticed_again(shipped: System,
                                                                  estate: Estate) -> None:
    meeting = ProcessDriver.start(shipped, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    meeting.do("prepare_agenda", agenda(estate))
    notice(meeting)
    vote_on_paper(shipped, meeting.meeting_id(), unit_ids(shipped, estate)[:6], "agree")
    meeting.wait(timedelta(days=15, seconds=1))
    meeting.do("close_the_vote", {})
    assert set(meeting.open()) == {"send_meeting_notice"}
    notice(meeting)
    assert (meeting.meeting().round, len(meeting.meeting().agenda)) == (2, 3)


def petition(system: System, estate: Estate, signers: int) -> int:
    with system.sessions() as session:
        units = unit_ids(system, estate)
        signed = record_petition(session, system.rt, estate_id=estate.id,
                                 purpose="Replace the property company",
                                 signed_unit_ids=units[:signers], actor="clerk")
        session.commit()
        return signed.id


def test_an_extraordinary_meeting_needs_a_fifth_of_the_owners(shipped: System,
                                                              estate: Estate) -> None:
    short = petition(shipped, estate, signers=1)
    with shipped.sessions() as session, pytest.raises(FormInvalid) as refused:
        start_extraordinary_meeting(session, shipped.rt, petition_id=short, actor="clerk")
    assert "at least 20 % of the headcount (2 of 10); its signers hold 88.50 m² and count as 1" \
        in refused.value.errors[0].message

    # Nor can the agenda form call one on that petition.
    manual = ProcessDriver.start(shipped, "general_meeting", {"estate_id": estate.id,
                                                              "meeting_kind": "annual",
                                                              "petition_id": 0})
    with pytest.raises(FormInvalid):
        manual.do("prepare_agenda", agenda(estate, meeting_kind="extraordinary",
                                           petition_id=short))
    assert set(manual.open()) == {"prepare_agenda"}

    enough = petition(shipped, estate, signers=2)
    with shipped.sessions() as session:
        instance = start_extraordinary_meeting(session, shipped.rt, petition_id=enough,
                                               actor="clerk")
        session.commit()
    with shipped.sessions() as session, pytest.raises(Conflict, match="already started"):
        start_extraordinary_meeting(session, shipped.rt, petition_id=enough, actor="clerk")
    with shipped.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.business_key == f"petition-{enough}")) == 1
    meeting = ProcessDriver(shipped, 0, instance.id)
    meeting.do("prepare_agenda", agenda(estate, meeting_kind="extraordinary",
                                        petition_id=enough, raise_maintenance_fund=""))
    notice(meeting)
    assert (meeting.meeting().kind, meeting.meeting().petition_id) == ("extraordinary",
                                                                         enough)
    # No committee serves this estate: the residents' committee convenes, proposed at the start.
    assert meeting.data()["convener"] == "residents_committee"
    assert meeting.meeting().convener == "residents_committee"


def test_an_agenda_with_no_matter_under_any_item_is_refused(shipped: System,
                                                          estate: Estate) -> None:
    meeting = ProcessDriver.start(shipped, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    with pytest.raises(FormInvalid) as empty:
        meeting.do("prepare_agenda", agenda(estate, other_major=" \n", use_maintenance_fund="",
                                            raise_maintenance_fund=""))
    assert [(e.field, e.message) for e in empty.value.errors] == [
        ("rules_of_procedure", "put at least one matter on the agenda")]
    assert set(meeting.open()) == {"prepare_agenda"}
    meeting.do("prepare_agenda", agenda(estate, other_major="", use_maintenance_fund="",
                                        raise_maintenance_fund="",
                                        change_use_of_common_parts="Let the lobby to a café"))
    notice(meeting)
    assert [(m.title, m.matter_class) for m in meeting.meeting().agenda] == [
        ("Let the lobby to a café", "change_use_of_common_parts")]


def serving_committee_of(system: System, estate: Estate) -> None:
    """An owners' committee elected a year ago for five years."""
    now = system.rt.clock.now()
    with system.sessions() as session:
        session.add(Committee(estate_id=estate.id, state="filed", opened_at=now,
                              elected_at=now - timedelta(days=365), term_years=5,
                              term_ends_at=now + timedelta(days=4 * 365)))
        session.commit()


def test_without_a_committee_the_residents_committee_or_street_office_convenes(
        shipped: System, estate: Estate) -> None:
    meeting = ProcessDriver.start(shipped, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    with pytest.raises(FormInvalid) as refused:
        meeting.do("prepare_agenda", agenda(estate, convener="owners_committee"))
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("convener", "the estate has no owners' committee: the residents' committee or the "
                     "street office convenes the meeting, with the office's help")]
    assert set(meeting.open()) == {"prepare_agenda"}
    meeting.do("prepare_agenda", agenda(estate, convener="street_office"))
    notice(meeting)
    assert meeting.meeting().convener == "street_office"


def test_a_serving_committee_convenes_the_extraordinary_meeting_not_the_supervisor(
        shipped: System, estate: Estate) -> None:
    serving_committee_of(shipped, estate)
    enough = petition(shipped, estate, signers=2)
    with shipped.sessions() as session:
        instance = start_extraordinary_meeting(session, shipped.rt, petition_id=enough,
                                               actor="boss")
        session.commit()
    meeting = ProcessDriver(shipped, 0, instance.id)
    assert meeting.data()["convener"] == "owners_committee"
    extraordinary = agenda(estate, meeting_kind="extraordinary", petition_id=enough)
    with pytest.raises(FormInvalid) as refused:
        meeting.do("prepare_agenda", {**extraordinary, "convener": "street_office"})
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("convener", "the estate has an owners' committee: it convenes the meeting")]
    meeting.do("prepare_agenda", extraordinary)  # the proposed convener stands
    notice(meeting)
    assert meeting.meeting().convener == "owners_committee"


def test_an_annual_meeting_left_without_a_convener_takes_the_serving_committee(
        shipped: System, estate: Estate) -> None:
    serving_committee_of(shipped, estate)
    meeting = ProcessDriver.start(shipped, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    meeting.do("prepare_agenda", agenda(estate))
    notice(meeting)
    assert meeting.meeting().convener == "owners_committee"
