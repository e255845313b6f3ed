"""Agenda matters carry their item of art. 278; rows stored as "ordinary"/"special" still tally."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from engine.common.errors import FormInvalid
from engine.directory.models import Estate
from engine.meetings.ballots import record_paper_ballot
from engine.meetings.general_meeting import schedule_meeting, tally_meeting
from engine.meetings.models import AgendaMatter
from engine.system import System
from tests.support.meetings import owners_estate, unit_ids


@pytest.fixture
def estate(system: System) -> Estate:
    return owners_estate(system)


def hold(session: Session, system: System, estate: Estate,
         matters: list[tuple[str, str, int | None]]) -> list[AgendaMatter]:
    """Notice ``matters``, let 5 of 10 owners agree and 3 disagree, and tally."""
    held = schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                            meeting_at=system.rt.clock.now() + timedelta(days=15),
                            notice_text="AGM", matters=matters, instance_id=None, actor="clerk")
    for index, unit in enumerate(unit_ids(system, estate)[:8]):
        record_paper_ballot(session, system.rt, meeting_id=held.id, unit_id=unit,
                            votes={m.id: "agree" if index < 5 else "disagree"
                                   for m in held.matters}, actor="clerk")
    tally_meeting(session, system.rt, meeting_id=held.id, actor="clerk")
    return list(held.matters)


def test_each_item_is_stored_by_its_key_and_tallied_with_its_threshold(
        session: Session, system: System, estate: Estate) -> None:
    tallied = hold(session, system, estate, [
        ("Replace the lifts", "use_maintenance_fund", None),
        ("Raise the fund by 1 yuan per m²", "raise_maintenance_fund", None),
        ("Let the lobby to a café", "change_use_of_common_parts", None)])
    assert [(m.matter_class, m.passed) for m in tallied] == [
        ("use_maintenance_fund", True), ("raise_maintenance_fund", False),
        ("change_use_of_common_parts", False)]
    assert tallied[0].result is not None
    assert tallied[0].result["explanation"][0].startswith(
        "Civil Code art. 278 item 5, using the maintenance fund")


def test_matters_stored_as_ordinary_or_special_still_tally(
        session: Session, system: System, estate: Estate) -> None:
    tallied = hold(session, system, estate, [("Report", "ordinary", None),
                                             ("Fund", "special", None)])
    assert [(m.matter_class, m.passed) for m in tallied] == [("ordinary", True),
                                                             ("special", False)]
    assert tallied[1].result is not None
    assert tallied[1].result["explanation"][0].startswith("Special matter: ")


def test_a_matter_under_no_item_is_not_noticed(session: Session, system: System,
                                               estate: Estate) -> None:
    with pytest.raises(FormInvalid) as refused:
        schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                         meeting_at=system.rt.clock.now() + timedelta(days=15),
                         notice_text="AGM", matters=[("Paint the gate", "urgent", None)],
                         instance_id=None, actor="clerk")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("matters", '"Paint the gate" is under "urgent", which is no item of Civil Code art. 278')]
