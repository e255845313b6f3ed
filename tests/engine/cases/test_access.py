"""Who reads which case: the front desk every case, a department the ones dispatched to it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.cases.access import may_read_case, summary_for
from engine.cases.history import CaseSummary
from engine.cases.models import Case
from engine.system import System
from engine.workflow.instance_view import list_instances
from tests.support.cases import CaseDriver
from tests.support.people import create_user, viewer_of

ROLES = ("customer_service", "supervisor", "superior", "cleaning", "equipment_operations",
         "process_owner")


@pytest.fixture
def staff(shipped: System) -> System:
    for role in ROLES:
        create_user(shipped, role, role)
    return shipped


def readers(system: System, case: CaseDriver) -> set[str]:
    """The roles that read the case, and that find its instance among the instances."""
    found = set()
    with system.sessions() as session:
        row = session.get_one(Case, case.case_id)
        for role in ROLES:
            viewer = viewer_of(system, role)
            listed = {i.id for i in list_instances(session, system.rt, viewer=viewer).items}
            assert may_read_case(session, row, viewer) == (case.instance_id in listed), role
            if may_read_case(session, row, viewer):
                found.add(role)
    return found


def test_a_case_waiting_for_triage_is_read_by_the_front_desk_and_superiors_only(
        staff: System) -> None:
    case = CaseDriver.register(staff)

    assert readers(staff, case) == {"customer_service", "supervisor", "superior"}


def test_once_dispatched_the_department_it_went_to_reads_it_and_no_other(
        staff: System) -> None:
    case = CaseDriver.register(staff)  # hygiene: cleaning's work
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})

    assert readers(staff, case) == {"customer_service", "supervisor", "superior", "cleaning"}


@pytest.mark.parametrize(("role", "shown"), [
    ("customer_service", ("13912345678", "Call 13912345678 after six")),
    ("superior", ("13912345678", "Call 13912345678 after six")),
    ("cleaning", ("139****5678", "Call 139****5678 after six")),
])
def test_a_department_reads_the_complainants_phone_masked_even_in_what_they_said(
        staff: System, role: str, shown: tuple[str, str]) -> None:
    case = CaseDriver.register(staff, phone="13912345678")
    with staff.sessions() as session:
        summary = replace(CaseSummary.of(session.get_one(Case, case.case_id)),
                          description="Call 13912345678 after six")

    read = summary_for(summary, viewer_of(staff, role))

    assert (read.complainant_phone, read.description) == shown
    assert read.complainant_name == "陳大文"
