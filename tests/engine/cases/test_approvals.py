"""Escalations waiting for a supervisor: oldest first, with the reason and the SLA state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.cases.approvals import PendingApproval, pending_approvals
from engine.common.errors import PermissionDenied
from engine.system import System
from tests.support.cases import HANDLED, CaseDriver, escalate
from tests.support.people import create_estate, create_user, unit_id, viewer_of


@pytest.fixture
def office(shipped: System) -> System:
    create_user(shipped, "clerk", "customer_service")
    create_user(shipped, "boss", "supervisor")
    return shipped


def pending(system: System, username: str = "boss") -> list[PendingApproval]:
    with system.sessions() as session:
        return pending_approvals(session, system.rt, viewer=viewer_of(system, username))


def test_escalations_wait_oldest_first_with_the_handlers_reason(office: System) -> None:
    first = CaseDriver.register(office, category="fees")
    escalate(first, reason="the owner asks for a refund of the late fee")
    office.rt.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    second = CaseDriver.register(office, category="facilities")
    second.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    second.do("handle_work_order", {**HANDLED, "handling_result": "cannot_resolve",
                                    "handling_method": "the pump must be replaced"})
    office.rt.clock.advance(timedelta(hours=2, minutes=30))  # type: ignore[attr-defined]
    CaseDriver.register(office)  # still at triage: nothing to approve

    waiting = pending(office)
    assert [a.case_number for a in waiting] == [first.case().number, second.case().number]
    assert waiting[0].reason == "the owner asks for a refund of the late fee"
    assert waiting[1].reason.startswith("The department could not resolve work order W-2026-")
    assert "the pump must be replaced" in waiting[1].reason
    assert [a.waited for a in waiting] == [timedelta(hours=3, minutes=30),
                                           timedelta(hours=2, minutes=30)]
    assert waiting[0].due_at == waiting[0].offered_at + timedelta(hours=4)
    assert [a.overdue for a in waiting] == [False, False]
    assert waiting[0].category == "fees"

    office.rt.clock.advance(timedelta(minutes=45))  # type: ignore[attr-defined]
    assert [a.overdue for a in pending(office)] == [True, False]  # the worker has not run yet


def test_a_decided_escalation_leaves_the_list(office: System) -> None:
    case = CaseDriver.register(office)
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "resolve",
                                  "supervisor_instruction": "Send the night team"},
            actor="boss")
    assert pending(office) == []


def test_only_supervisors_see_approvals_and_only_of_their_estate(office: System) -> None:
    north, south = create_estate(office, "North"), create_estate(office, "South")
    create_user(office, "north_boss", "supervisor", estate_id=north.id)
    escalate(CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203")))
    with pytest.raises(PermissionDenied):
        pending(office, "clerk")
    assert pending(office, "north_boss") == []
    assert len(pending(office)) == 1
