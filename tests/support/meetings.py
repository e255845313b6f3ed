"""An estate of owners and drivers for the committee and general-meeting processes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.ballots import record_paper_ballot
from engine.bootstrap import System
from engine.instances import start_instance
from engine.meetings import meeting_view
from engine.models import Building, Estate, Unit
from engine.models.meeting import AgendaMatter
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

    def meeting(self) -> dict[str, Any]:
        with self.system.sessions() as session:
            return meeting_view(session, meeting_id=self.meeting_id())


def vote_on_paper(system: System, meeting_id: int, units: Iterable[int], vote: str) -> None:
    """Enter a paper ballot for each unit, with ``vote`` on every matter of the meeting."""
    with system.sessions() as session:
        matters = list(session.scalars(select(AgendaMatter.id)
                                       .where(AgendaMatter.meeting_id == meeting_id)))
        for unit in units:
            record_paper_ballot(session, system.rt, meeting_id=meeting_id, unit_id=unit,
                                votes={m: vote for m in matters}, actor="clerk")
        session.commit()
