"""The case page: records, archive, letters, work orders, diagram progress, the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.cases.services import correct_archive_entry
from engine.cases.views import CaseView, case_view, find_cases, search_units
from engine.common.errors import NotFound
from engine.system import System
from tests.support.cases import CaseDriver, add_contact_directory, escalate, run_to_the_end
from tests.support.people import create_estate, create_user, unit_id, viewer_of


@pytest.fixture
def office(shipped: System) -> System:
    add_contact_directory(shipped)
    create_user(shipped, "clerk", "customer_service")
    return shipped


def page(system: System, number: str, username: str = "clerk") -> CaseView:
    with system.sessions() as session:
        return case_view(session, system.rt, number=number, viewer=viewer_of(system, username))


def test_a_closed_case_shows_every_step_done_and_nothing_waiting(office: System) -> None:
    case = CaseDriver.register(office)
    run_to_the_end(case)
    seen = page(office, case.case().number)
    assert seen.case.status == "closed" and seen.case.replied_by_channel == "phone"
    assert seen.process is not None
    assert (seen.process.process_id, seen.process.version, seen.process.status) == (
        "owner_case", 1, "completed")
    assert 'id="owner_case"' in seen.process.bpmn_xml
    assert {"case_registered", "decide_sla", "triage", "dispatch_work_order",
            "handle_work_order", "close_work_order", "reply_to_complainant", "save_reply",
            "record_satisfaction", "archive_handling", "case_closed"} <= set(
        seen.process.completed_ids)
    assert seen.process.current_ids == [] and seen.called == [] and seen.open_tasks == []
    assert [(e.kind, e.element_id, e.actor) for e in seen.timeline] == [
        ("instance_started", None, "clerk"),
        ("task_completed", "triage", "clerk"),
        ("task_completed", "handle_work_order", "cleaner"),
        ("task_completed", "reply_to_complainant", "clerk"),
        ("task_completed", "record_satisfaction", "clerk"),
        ("case_archived", None, "clerk")]
    assert seen.timeline[1].data["data"]["triage_decision"] == "office_handles"
    assert [w.status for w in seen.work_orders] == ["done"]
    assert [r.kind for r in seen.records].count("task") == 4
    assert [a.current for a in seen.archive] == [True] and seen.letters == []


def test_an_escalated_case_shows_the_called_process_and_what_it_waits_for(
        office: System) -> None:
    case = CaseDriver.register(office)
    escalate(case)
    seen = page(office, case.case().number)
    assert seen.process is not None
    assert seen.process.current_ids == ["escalate"] and "triage" in seen.process.completed_ids
    [called] = seen.called
    assert (called.process_id, called.version, called.status) == ("escalation", 1, "running")
    assert called.current_ids == ["supervisor_review", "supervisor_review_late"]
    assert "escalation_requested" in called.completed_ids
    assert [t.element_id for t in seen.open_tasks] == ["supervisor_review"]

    case.wait(timedelta(hours=4, seconds=1))  # nobody reviewed it: passed up past the boss
    [called] = page(office, case.case().number).called
    assert called.current_ids == ["superior_decide"]
    assert {"supervisor_review_late", "note_escalated_past"} <= set(called.completed_ids)
    assert "supervisor_review" not in called.completed_ids  # cancelled, not done


def test_a_corrected_archive_entry_supersedes_the_first(office: System) -> None:
    case = CaseDriver.register(office, channel="letter", address="和諧花園 A座 1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", {"handling_result": "resolved", "handling_method": "swept"})
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "Dear Mr Chan"})
    case.do("record_satisfaction", {"satisfied": True, "satisfaction_remarks": ""})
    first = page(office, case.case().number).archive[0]
    with office.sessions() as session:
        correct_archive_entry(session, office.rt, entry_id=first.id, method="swept and washed",
                              result="resolved", reason="method incomplete", actor="clerk")
        session.commit()
    seen = page(office, case.case().number)
    assert [(a.method, a.current) for a in seen.archive] == [
        ("swept", False), ("swept and washed", True)]
    assert seen.timeline[-1].kind == "archive_corrected"
    assert [(x.addressee, x.body) for x in seen.letters] == [("陳大文", "Dear Mr Chan")]


def test_a_case_of_another_estate_is_not_found(office: System) -> None:
    north, south = create_estate(office, "North"), create_estate(office, "South")
    create_user(office, "north_clerk", "customer_service", estate_id=north.id)
    number = CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203")
                                 ).case().number
    with pytest.raises(NotFound) as hidden:
        page(office, number, "north_clerk")
    with pytest.raises(NotFound) as missing:
        page(office, "C-2026-999999", "north_clerk")
    assert str(hidden.value).replace(number, "?") == str(missing.value).replace(
        "C-2026-999999", "?")
    assert page(office, number).case.unit_label == "A-1203"


def test_earlier_cases_are_found_by_phone_or_unit_within_the_estate(office: System) -> None:
    north, south = create_estate(office, "North"), create_estate(office, "South")
    create_user(office, "north_clerk", "customer_service", estate_id=north.id)
    home = unit_id(office, north, "A", "1203")
    older = CaseDriver.register(office, unit_id=home, phone="139-1")
    office.rt.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    newer = CaseDriver.register(office, phone="139-1")  # no unit given this time
    CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203"), phone="139-1")
    viewer = viewer_of(office, "north_clerk")
    with office.sessions() as session:
        by_phone = find_cases(session, viewer=viewer, complainant_phone=" 139-1 ")
        by_unit = find_cases(session, viewer=viewer, unit_id=home)
        nothing = find_cases(session, viewer=viewer)
        limited = find_cases(session, viewer=viewer_of(office, "clerk"),
                             complainant_phone="139-1", limit=2)
    assert [c.id for c in by_phone] == [newer.case_id, older.case_id]
    assert [c.id for c in by_unit] == [older.case_id] and nothing == []
    assert len(limited) == 2


def test_units_come_in_the_order_people_count_them_and_the_limit_keeps_the_first(
        office: System) -> None:
    create_estate(office, "North", buildings=("A",), units=("1001", "102", "101", "1002"))
    viewer = viewer_of(office, "clerk")
    with office.sessions() as session:
        first_two = search_units(session, viewer=viewer, building="A", limit=2)
        every = search_units(session, viewer=viewer, building="A")
    assert [u.label for u in first_two] == ["A-101", "A-102"]
    assert [u.label for u in every] == ["A-101", "A-102", "A-1001", "A-1002"]


def test_units_are_searched_by_building_and_number_within_the_estate(office: System) -> None:
    north = create_estate(office, "North", buildings=("A", "B"), units=("1203", "1204", "801"))
    create_estate(office, "South", buildings=("A",), units=("1203",))
    create_user(office, "north_clerk", "customer_service", estate_id=north.id)
    viewer = viewer_of(office, "north_clerk")
    with office.sessions() as session:
        twelfth = search_units(session, viewer=viewer, building="A", number_prefix="12")
        all_a = search_units(session, viewer=viewer, building="A")
        wild = search_units(session, viewer=viewer, number_prefix="%")
        everywhere = search_units(session, viewer=viewer_of(office, "clerk"),
                                  number_prefix="1203")
    assert [u.label for u in twelfth] == ["A-1203", "A-1204"]
    assert twelfth[0].owners[0].name == "Owner of A-1203" and twelfth[0].floor == 12
    assert [u.label for u in all_a] == ["A-801", "A-1203", "A-1204"] and wild == []
    assert len(everywhere) == 3  # company-wide staff search every estate
