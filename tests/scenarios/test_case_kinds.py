"""The categories of issue 17 and their routing; praise and suggestions, which skip triage and
the satisfaction check, persisted and reloaded per step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.models import CATEGORIES, ArchiveEntry, CaseRecord, ReplyLetter, WorkOrder
from engine.common.errors import FormInvalid
from engine.directory.demo import DEPARTMENTS
from engine.system import System
from tests.support.cases import CaseDriver, add_contact_directory

HANDLED = {"handling_result": "resolved", "handling_method": "Talked it through with the owner"}
PHONE_REPLY = {"reply_channel": "phone", "reply_letter_text": ""}
SATISFACTION_STEPS = {"record_satisfaction", "reply_to_complainant", "triage"}


@pytest.fixture
def office(shipped: System) -> System:
    add_contact_directory(shipped)
    return shipped


def archive_of(system: System, case_id: int) -> ArchiveEntry:
    with system.sessions() as session:
        return session.scalars(select(ArchiveEntry).where(ArchiveEntry.case_id == case_id)).one()


def done_steps(system: System, case_id: int) -> list[str]:
    with system.sessions() as session:
        return [r.data["element_id"] for r in session.scalars(
            select(CaseRecord).where(CaseRecord.case_id == case_id, CaseRecord.kind == "task")
            .order_by(CaseRecord.id))]


@pytest.mark.parametrize(("category", "department", "role"), [
    ("renovation", "equipment_operations", "equipment_operations"),
    ("landscaping", "cleaning", "cleaning"),
    ("pets", "customer_service", "customer_service"),
    ("utility_outage", "equipment_operations", "equipment_operations"),
])
def test_each_new_category_goes_to_its_department(office: System, category: str,
                                                  department: str, role: str) -> None:
    case = CaseDriver.register(office, category=category)
    assert case.open()["triage"].role == "customer_service"
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    assert case.open()["handle_work_order"].role == role
    with office.sessions() as session:
        assert session.scalars(select(WorkOrder.department)).one() == department


def test_service_attitude_goes_to_the_supervisor_never_to_a_department(office: System) -> None:
    case = CaseDriver.register(office, category="service_attitude")
    triage = case.open()["triage"]
    assert triage.role == "supervisor"  # customer service may be the team complained about
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "rude at the desk"},
            actor="supervisor")
    handle = case.open()["handle_work_order"]
    assert handle.role == "supervisor"
    with office.sessions() as session:
        assert session.scalars(select(WorkOrder.department)).one() == "office"
    case.do("handle_work_order", HANDLED, actor="supervisor")
    case.do("reply_to_complainant", {**PHONE_REPLY, "reply_text": "We apologise; the supervisor "
                                     "spoke to the staff member."})
    case.do("record_satisfaction", {"satisfied": False, "satisfaction_remarks": "not enough"})
    assert case.open()["triage"].role == "supervisor"  # re-opened: still the supervisor's


def test_only_service_attitude_is_routed_to_the_supervisor(office: System) -> None:
    departments = {code for code, *_ in DEPARTMENTS} - {"office"}
    routed = {}
    for category in CATEGORIES:
        case = CaseDriver.register(office, category=category)
        data = case.data()
        routed[category] = (data["department"], data["handling_role"], data["triage_role"])
    assert routed.pop("service_attitude") == ("office", "supervisor", "supervisor")
    for department, handling_role, triage_role in routed.values():
        assert department in departments
        assert (handling_role, triage_role) != ("supervisor", "supervisor")
        assert triage_role == "customer_service"


@pytest.mark.parametrize("urgency", ["normal", "urgent"])
def test_a_water_or_power_cut_is_urgent_whatever_was_recorded(office: System,
                                                              urgency: str) -> None:
    case = CaseDriver.register(office, category="utility_outage", urgency=urgency)
    triage = case.open()["triage"]
    assert triage.due_at == triage.created_at + timedelta(hours=2)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    handle = case.open()["handle_work_order"]
    assert handle.due_at == handle.created_at + timedelta(hours=12)


def test_praise_is_passed_on_and_acknowledged_without_a_satisfaction_check(
        office: System) -> None:
    case = CaseDriver.register(office, type="praise", category="service_attitude")
    assert set(case.open()) == {"pass_on_praise"}  # no triage
    passed = case.open()["pass_on_praise"]
    assert passed.role == "supervisor" and passed.due_at is not None
    case.do("pass_on_praise", {"praised_staff": "黃曉燕 (service centre)",
                               "praise_passed_on": "Read out at the morning team meeting"},
            actor="supervisor")
    acknowledge = case.open()["acknowledge_praise"]
    assert acknowledge.role == "customer_service"
    case.do("acknowledge_praise", {**PHONE_REPLY, "reply_text": "Thanked the owner; Ms Huang "
                                   "was told at the team meeting."})
    assert case.open() == {} and case.status() == "completed"
    closed = case.case()
    assert closed.status == "closed" and closed.replied_by_channel == "phone"
    assert done_steps(office, case.case_id) == ["pass_on_praise", "acknowledge_praise"]
    entry = archive_of(office, case.case_id)
    assert entry.satisfied is None
    assert "morning team meeting" in entry.method and "Thanked the owner" in entry.result


def test_a_suggestion_is_considered_and_answered_without_a_satisfaction_check(
        office: System) -> None:
    case = CaseDriver.register(office, type="suggestion", category="landscaping")
    considered = case.open()["consider_suggestion"]
    assert set(case.open()) == {"consider_suggestion"} and considered.role == "supervisor"
    with pytest.raises(FormInvalid) as refused:
        case.do("consider_suggestion", {"suggestion_adopted": True,
                                        "suggestion_reasons": "More shade by the playground"},
                actor="supervisor")
    assert {e.field for e in refused.value.errors} == {"suggestion_action"}
    case.do("consider_suggestion", {"suggestion_adopted": True,
                                    "suggestion_reasons": "More shade by the playground",
                                    "suggestion_action": "Cleaning plants two trees in April"},
            actor="supervisor")
    assert case.open()["answer_suggestion"].role == "customer_service"
    case.do("answer_suggestion", {**PHONE_REPLY, "reply_text": "Adopted: two trees will be "
                                  "planted by the playground in April."})
    assert case.status() == "completed" and case.case().status == "closed"
    assert SATISFACTION_STEPS.isdisjoint(done_steps(office, case.case_id))
    entry = archive_of(office, case.case_id)
    assert entry.satisfied is None and "More shade" in entry.method


def test_a_suggestion_by_letter_not_adopted_is_answered_by_letter(office: System) -> None:
    case = CaseDriver.register(office, type="suggestion", category="pets", channel="letter",
                               address="和諧花園 B棟 0801")
    case.do("consider_suggestion", {"suggestion_adopted": False,
                                    "suggestion_reasons": "The deed of mutual covenant "
                                    "already allows pets on leads"}, actor="supervisor")
    with pytest.raises(FormInvalid) as refused:
        case.do("answer_suggestion", {**PHONE_REPLY, "reply_text": "Not adopted, explained why."})
    assert {e.field for e in refused.value.errors} == {"reply_channel", "reply_letter_text"}
    letter = "Dear owner, thank you for your suggestion. 管理處"
    case.do("answer_suggestion", {"reply_channel": "letter", "reply_letter_text": letter,
                                  "reply_text": "Not adopted, explained why by letter."})
    assert case.status() == "completed"
    with office.sessions() as session:
        printed = session.scalars(select(ReplyLetter)).one()
    assert printed.body == letter and printed.address == "和諧花園 B棟 0801"
