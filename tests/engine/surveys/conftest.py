"""Fixtures of the survey engine tests: two small estates and a campaign opened on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pytest
from sqlalchemy import select

from engine.common.settings import PROJECT_ROOT
from engine.surveys.campaigns import (
    distribute,
    install_questionnaires,
    open_campaign,
    sample_units,
    surveyed_already,
)
from engine.surveys.models import SampledUnit, SurveyCampaign
from engine.surveys.responses import enter_response
from engine.system import QUESTIONNAIRES, System
from tests.support.people import create_estate
from tests.support.surveys import GOOD, unit_numbers


@dataclass(frozen=True)
class Estates:
    """Harmony Gardens: blocks A and B of 10 units each; Riverside: block D of 5 units."""

    harmony: int
    riverside: int


@dataclass(frozen=True)
class Survey:
    """One campaign opened by the engine's own functions, without the BPMN around them."""

    system: System
    id: int
    number: str

    def campaign(self) -> SurveyCampaign:
        with self.system.sessions() as session:
            return session.get_one(SurveyCampaign, self.id)

    def sampled(self) -> list[SampledUnit]:
        """The sample in building and unit order."""
        with self.system.sessions() as session:
            return list(session.scalars(select(SampledUnit)
                                        .where(SampledUnit.campaign_id == self.id)
                                        .order_by(SampledUnit.building_id,
                                                  SampledUnit.unit_id)))

    def answer(self, units: Sequence[SampledUnit], answers: Mapping[str, Any] = GOOD,
               channel: str = "paper") -> list[int]:
        """Enter each unit's answers as staff do; the new responses' ids."""
        ids = []
        for unit in units:
            with self.system.sessions() as session:
                ids.append(enter_response(session, self.system.rt, campaign_id=self.id,
                                          answers=dict(answers), channel=channel,
                                          actor="clerk", sampled_unit_id=unit.id).id)
                session.commit()
        return ids


class OpenSurvey(Protocol):
    def __call__(self, *, percent: object = ..., estate: int | None = ..., year: int = ...,
                 seed: int = ..., days: int | None = ...) -> Survey: ...


@pytest.fixture
def estates(system: System) -> Estates:
    """The shipped questionnaires and two estates with one owner per unit."""
    with system.sessions() as session:
        install_questionnaires(session, system.rt, PROJECT_ROOT / "forms" / QUESTIONNAIRES,
                               actor="tests")
        session.commit()
    harmony = create_estate(system, "Harmony Gardens", buildings=("A", "B"),
                            units=unit_numbers(10))
    riverside = create_estate(system, "Riverside", buildings=("D",), units=unit_numbers(5))
    return Estates(harmony.id, riverside.id)


@pytest.fixture
def open_survey(system: System, estates: Estates) -> OpenSurvey:
    """Open, sample and (unless ``days`` is None) distribute a campaign.

    By default it surveys Harmony Gardens at 20 %: 4 of its 20 units, 2 per block.
    Tests open several campaigns of one year; each after the first carries a reason.
    """
    def make(*, percent: object = 20, estate: int | None = estates.harmony, year: int = 2026,
             seed: int = 7, days: int | None = 21) -> Survey:
        with system.sessions() as session:
            again = surveyed_already(session, year, estate)
            row = open_campaign(session, system.rt, year=year, target_percent=percent,
                                estate_id=estate, actor="boss",
                                repeat_reason="another survey for this test" if again else "")
            sample_units(session, system.rt, row.id, seed=seed, actor="boss")
            if days is not None:
                distribute(session, system.rt, row.id, collection_days=days, actor="boss")
            session.commit()
            return Survey(system, row.id, row.number)
    return make
