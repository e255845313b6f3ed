"""An estate of owners and drivers for the committee and general-meeting processes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.directory.models import Building, Estate, Unit
from engine.meetings.ballots import record_paper_ballot
from engine.meetings.models import AgendaMatter
from engine.meetings.views import MeetingView, meeting_view
from engine.system import System
from engine.workflow.instances import start_instance
from tests.support.cases import CaseDriver
from tests.support.people import create_estate

UNITS = tuple(str(101 + i) for i in range(10))  # A-101 … A-110, one owner each, equal areas


def owners_estate(system: System, units: Iterable[str] = UNITS) -> Estate:
    return create_estate(system, "和諧花園", units=tuple(units))


def unit_ids(system: System, estate: Estate) -> list[int]:
    """The estate's units in the order of their numbers."""
    with system.sessions() as session:
        return list(session.scalars(select(Unit.id).join(Building)
                                    .where(Building.estate_id == estate.id)
                                    .order_by(Unit.number)))


def in_days(system: System, days: int) -> str:
    """A meeting time ``days`` from now, as the notice form takes it."""
    return (system.rt.clock.now() + timedelta(days=days)).isoformat()


@dataclass
class ProcessDriver(CaseDriver):
    """A process instance with no case behind it, driven step by step like a case."""

    @classmethod
    def start(cls, system: System, process_id: str, data: dict[str, Any]) -> ProcessDriver:
        with system.sessions() as session:
            instance = start_instance(session, system.rt, process_id=process_id, data=data,
                                      actor="clerk")
            session.commit()
            return cls(system, 0, instance.id)

    def meeting_id(self) -> int:
        return int(self.data()["meeting"]["meeting_id"])

    def meeting(self) -> MeetingView:
        with self.system.sessions() as session:
            return meeting_view(session, meeting_id=self.meeting_id())


GROUP = {"owner_members": "A-101\nA-102 陳大文", "other_members": "李主任, residents' committee"}
CANDIDATES = {"candidates": "A-101 wants the lifts fixed\nA-102\nA-103\nA-104\nA-105\nA-106"}
CLOSE = {"closing_remarks": "Paper ballots from the meeting entered."}
REPORT = "Approve the committee's annual report"
FUND = "Use the maintenance fund to replace the lifts of block A"
LEVY = "Raise the maintenance fund by 1 yuan per m² a month"


def start_formation(system: System, estate: Estate) -> ProcessDriver:
    return ProcessDriver.start(system, "committee_formation", {"estate_id": estate.id})


def notice_first_meeting(formation: ProcessDriver, days: int = 15) -> None:
    formation.do("send_meeting_notice", {"meeting_at": in_days(formation.system, days),
                                         "notice_text": "First general meeting, estate hall.",
                                         "residents_committee_notified": True})


def hold_the_vote(formation: ProcessDriver, estate: Estate, voters: int) -> None:
    """Notice a round, let ``voters`` owners agree on paper, and tally at the meeting."""
    notice_first_meeting(formation)
    vote_on_paper(formation.system, formation.meeting_id(),
                  unit_ids(formation.system, estate)[:voters], "agree")
    assert formation.wait(timedelta(days=15, seconds=1)) == 1
    formation.do("close_the_vote", CLOSE)


def elected_committee(system: System, estate: Estate) -> ProcessDriver:
    """A committee formed, voted in by 7 of 10 owners and constituted: Nos. 1–5, for 5 years."""
    formation = start_formation(system, estate)
    formation.do("form_preparatory_group", GROUP)
    formation.do("announce_candidates", CANDIDATES)
    hold_the_vote(formation, estate, voters=7)
    # The same 7 owners agreed to all six candidates: a run-off for the 5 seats chose Nos. 1–5.
    formation.do("constitute_committee", {"seats": 5, "run_off_winners": [1, 2, 3, 4, 5],
                                          "chair": 1, "vice_chair": 2, "term_years": 5})
    return formation


def filing(system: System, authority: str, reference: str, days_ago: int = 0) -> dict[str, str]:
    """The filing form of one authority ("housing_department", "street_office"), received today."""
    today = system.rt.clock.now().astimezone(system.rt.office_zone).date()
    name = {"housing_department": "District housing bureau",
            "street_office": "Harmony street office"}[authority]
    return {f"{authority}_name": name, f"{authority}_reference": reference,
            f"{authority}_filed_on": (today - timedelta(days=days_ago)).isoformat()}


def file_with_both(formation: ProcessDriver, actor: str = "clerk") -> None:
    formation.do("file_with_housing_department",
                 filing(formation.system, "housing_department", "BA-2026-018"), actor=actor)
    formation.do("file_with_street_office",
                 filing(formation.system, "street_office", "JD-2026-044"), actor=actor)


def noticed_meeting(system: System, estate: Estate, days: int = 15) -> ProcessDriver:
    """An annual general meeting on items 6 (3/4) and 9 (> 1/2) of art. 278, noticed, vote open."""
    meeting = ProcessDriver.start(system, "general_meeting",
                                  {"estate_id": estate.id, "meeting_kind": "annual",
                                   "petition_id": 0})
    meeting.do("prepare_agenda", {"estate_id": estate.id, "meeting_kind": "annual",
                                  "petition_id": 0, "other_major": REPORT,
                                  "raise_maintenance_fund": LEVY})
    meeting.do("send_meeting_notice", {"meeting_at": in_days(system, days),
                                       "notice_text": "Annual general meeting, estate hall."})
    return meeting


def vote_on_paper(system: System, meeting_id: int, units: Iterable[int], vote: str) -> None:
    """Enter a paper ballot for each unit, with ``vote`` on every matter of the meeting."""
    with system.sessions() as session:
        matters = list(session.scalars(select(AgendaMatter.id)
                                       .where(AgendaMatter.meeting_id == meeting_id)))
        for unit in units:
            record_paper_ballot(session, system.rt, meeting_id=meeting_id, unit_id=unit,
                                votes={m: vote for m in matters}, actor="clerk")
        session.commit()
