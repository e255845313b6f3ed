"""Tracking a case by its code shows its state and nothing personal."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.tracking import PublicCaseStatus, normalise_tracking_code, track_case
from engine.common.clock import FrozenClock
from engine.common.errors import FormInvalid, NotFound


def _case(session: Session, clock: FrozenClock, **values: object) -> Case:
    case = Case(number="C-2026-000001", tracking_code="ABCD234567", type="complaint",
                channel="phone", category="noise", description="Drilling at night",
                complainant_name="陳大文", complainant_phone="13800000000",
                received_at=clock.now(), **values)
    session.add(case)
    session.flush()
    return case


def test_the_status_carries_no_personal_field() -> None:
    assert {f.name for f in fields(PublicCaseStatus)} == {
        "number", "type", "category", "received_at", "status"}


@pytest.mark.parametrize(("values", "status"), [
    ({}, "open"),
    ({"first_reply_at": "now"}, "replied"),
    ({"first_reply_at": "now", "status": "closed", "closed_at": "now"}, "closed"),
])
def test_open_replied_closed(session: Session, clock: FrozenClock, values: dict[str, object],
                             status: str) -> None:
    _case(session, clock, **{k: clock.now() if v == "now" else v for k, v in values.items()})

    found = track_case(session, code="abcd-234 567")

    assert found == PublicCaseStatus(number="C-2026-000001", type="complaint",
                                     category="noise", received_at=clock.now(), status=status)


def test_an_unknown_code_is_not_found(session: Session, clock: FrozenClock) -> None:
    _case(session, clock)

    with pytest.raises(NotFound):
        track_case(session, code="ABCD234568")


@pytest.mark.parametrize("code", ["", "ABC", "ABCD2345670", "ABCD23456O", "' OR 1=1 --"])
def test_a_malformed_code_is_refused_before_any_lookup(code: str) -> None:
    with pytest.raises(FormInvalid):
        normalise_tracking_code(code)
