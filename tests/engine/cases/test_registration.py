"""Registering cases: checks, numbers and tracking codes, the immutable archive."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.cases.models import ArchiveEntry, Case
from engine.cases.registration import Complainant, register_case
from engine.common.errors import FormInvalid, LiaisonError
from engine.common.numbering import TRACKING_ALPHABET, next_number
from engine.system import System


def register(system: System, **overrides: object) -> Case:
    fields: dict[str, object] = {
        "channel": "phone", "type": "complaint", "category": "noise",
        "description": "Drilling after 10 pm", "complainant": Complainant("李先生", "139")}
    fields.update(overrides)
    with system.sessions() as session:
        case = register_case(session, system.rt, actor="clerk", **fields)  # type: ignore[arg-type]
        session.commit()
        return case


def test_a_case_gets_a_number_a_tracking_code_and_its_process(shipped: System) -> None:
    first, second = register(shipped), register(shipped)
    assert (first.number, second.number) == ("C-2026-000001", "C-2026-000002")
    assert set(first.tracking_code) <= set(TRACKING_ALPHABET)
    assert first.tracking_code != second.tracking_code
    assert first.instance_id is not None and first.received_at == shipped.rt.clock.now()


def test_a_case_received_at_night_keeps_its_time(shipped: System) -> None:
    night = datetime(2026, 3, 1, 23, 40, tzinfo=UTC)
    assert register(shipped, received_at=night).received_at == night


@pytest.mark.parametrize(("overrides", "field"), [
    ({"channel": "fax"}, "channel"),
    ({"type": "rant"}, "type"),
    ({"category": "weather"}, "category"),
    ({"urgency": "whenever"}, "urgency"),
    ({"description": " "}, "description"),
    ({"complainant": Complainant(" ")}, "complainant.name"),
    ({"channel": "letter"}, "complainant.address"),
    ({"unit_id": 999_999}, "unit"),
    ({"received_at": datetime(2026, 3, 1, 8, 0)}, "received_at"),
])
def test_bad_registrations_name_the_field_and_store_nothing(
        shipped: System, overrides: dict[str, object], field: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        register(shipped, **overrides)
    assert field in {e.field for e in refused.value.errors}
    with shipped.sessions() as session:
        assert session.scalars(select(Case)).all() == []


def test_concurrent_takers_never_share_a_number(system: System) -> None:
    numbers: list[str] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        barrier.wait()
        for _ in range(10):
            with system.sessions() as session:
                numbers.append(next_number(session, "W", 2026))
                session.commit()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(numbers) == [f"W-2026-{n:06d}" for n in range(1, 41)]


def test_an_archive_entry_is_never_changed(shipped: System) -> None:
    case = register(shipped)
    with shipped.sessions() as session:
        session.add(ArchiveEntry(case_id=case.id, archived_at=shipped.rt.clock.now(),
                                 method="m", result="r", satisfied=True, steps=[]))
        session.commit()
        entry = session.scalars(select(ArchiveEntry)).one()
        entry.result = "rewritten"
        with pytest.raises(LiaisonError, match="never changed"):
            session.flush()
        session.rollback()
        with pytest.raises(LiaisonError, match="never changed"):
            session.delete(session.scalars(select(ArchiveEntry)).one())
            session.flush()
