"""Every path of the owner case (P1) and its escalation (P2), persisted and reloaded per step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.cases.letters import render_letter
from engine.cases.models import ArchiveEntry, CaseRecord, ReplyLetter, WorkOrder
from engine.cases.services import correct_archive_entry
from engine.common.audit import AuditEvent
from engine.common.errors import FormInvalid
from engine.system import System
from tests.support.cases import CaseDriver, add_contact_directory

REPLY = {"reply_channel": "phone", "reply_text": "We cleaned the stairwell this morning.",
         "reply_letter_text": ""}
HANDLED = {"handling_result": "resolved", "handling_method": "Cleared the rubbish, reminded "
           "the residents of the collection times"}


@pytest.fixture
def office(shipped: System) -> System:
    add_contact_directory(shipped)
    return shipped


def reply_and_close(case: CaseDriver, reply: dict[str, object] = REPLY) -> None:
    case.do("reply_to_complainant", dict(reply))
    case.do("record_satisfaction", {"satisfied": True, "satisfaction_remarks": "thanks"})


def archive_of(system: System, case_id: int) -> ArchiveEntry:
    with system.sessions() as session:
        return session.scalars(select(ArchiveEntry).where(ArchiveEntry.case_id == case_id)).one()


def test_solved_by_the_office_through_a_work_order(office: System) -> None:
    case = CaseDriver.register(office, category="hygiene")
    registered = case.case()
    assert registered.number.startswith("C-2026-") and len(registered.tracking_code) == 10

    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "stairwell"})
    handle = case.open()["handle_work_order"]
    assert handle.role == "cleaning"  # routed by the DMN table, not by a lane per department
    case.do("handle_work_order", HANDLED, actor="cleaner")
    reply_and_close(case)

    assert case.status() == "completed"
    closed = case.case()
    assert closed.status == "closed" and closed.replied_by_channel == "phone"
    with office.sessions() as session:
        order = session.scalars(select(WorkOrder)).one()
    assert (order.status, order.handled_by, order.department) == ("done", "cleaner", "cleaning")
    entry = archive_of(office, case.case_id)
    assert HANDLED["handling_method"] in entry.method and entry.satisfied is True
    assert [(s["step"], s["actor"]) for s in entry.steps if s["kind"] == "task"] == [
        ("Triage", "clerk"), ("Handle the work order", "cleaner"),
        ("Reply to the complainant", "clerk"), ("Record satisfaction", "clerk")]
    assert all(s["at"] for s in entry.steps)


def test_not_the_offices_cause_is_followed_up_until_rectified(office: System) -> None:
    case = CaseDriver.register(office, category="developer_defect")
    case.do("triage", {"triage_decision": "not_office_cause", "triage_notes": "roof leak",
                       "responsible_party": "developer"})
    case.do("notify_responsible_party", {"notified_party": "Developer's after-sales team",
                                         "notified_how": "phone and written notice",
                                         "rectification_requested": "repair the roof seal"})
    assert "follow_up_rectification" not in case.open()
    assert case.wait(timedelta(days=3, seconds=1)) == 1
    case.do("follow_up_rectification", {"rectification_done": False,
                                        "rectification_notes": "materials ordered"})
    assert case.open() == {}
    assert case.wait(timedelta(days=3, seconds=1)) == 1
    case.do("follow_up_rectification", {"rectification_done": True,
                                        "rectification_notes": "seal replaced, checked dry"})
    reply_and_close(case)
    assert case.status() == "completed"
    assert "seal replaced" in archive_of(office, case.case_id).method


def escalate(case: CaseDriver) -> None:
    case.do("triage", {"triage_decision": "escalate", "triage_notes": "",
                       "escalation_reason": "compensation beyond the office's authority"})


def test_escalation_passed_up_and_decided_by_the_superior(office: System) -> None:
    case = CaseDriver.register(office, category="fees")
    escalate(case)
    review = case.open()["supervisor_review"]
    assert review.role == "supervisor"
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    assert case.open()["superior_decide"].role == "superior"
    case.do("superior_decide", {"superior_decision": "instruct",
                                "superior_instruction": "Refund the late fee"}, actor="manager")
    assert case.data()["escalation_outcome"] == "decided"
    case.do("carry_out_instruction", {"handling_method": "Refunded the late fee",
                                      "handling_result": "refund paid"})
    reply_and_close(case)
    entry = archive_of(office, case.case_id)
    assert "Refund the late fee" in entry.method
    assert {"supervisor", "manager"} <= {s["actor"] for s in entry.steps}


def test_escalation_returned_with_instructions_goes_back_to_triage(office: System) -> None:
    case = CaseDriver.register(office, category="noise")
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "return",
                                  "supervisor_instruction": "Mediate between the neighbours"},
            actor="supervisor")
    assert set(case.open()) == {"triage"}
    assert case.data()["escalation_instruction"] == "Mediate between the neighbours"
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "mediate"})
    case.do("handle_work_order", HANDLED)
    reply_and_close(case)
    assert case.status() == "completed"


def test_a_supervisor_who_does_not_act_is_escalated_past(office: System) -> None:
    case = CaseDriver.register(office, category="fees")
    escalate(case)
    assert case.wait(timedelta(hours=3, minutes=59)) == 0
    assert set(case.open()) == {"supervisor_review"}
    assert case.wait(timedelta(minutes=1, seconds=1)) == 1
    assert set(case.open()) == {"superior_decide"}
    assert case.task_data("superior_decide")["escalated_past"] is True


def test_dissatisfied_complainant_reopens_handling_then_closes(office: System) -> None:
    case = CaseDriver.register(office)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    case.do("reply_to_complainant", REPLY)
    case.do("record_satisfaction", {"satisfied": False, "satisfaction_remarks": "still dirty"})
    assert set(case.open()) == {"triage"}  # re-opened
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "again"})
    case.do("handle_work_order", HANDLED)
    reply_and_close(case)
    assert case.status() == "completed"
    assert archive_of(office, case.case_id).satisfied is True


def test_dissatisfied_three_times_is_escalated(office: System) -> None:
    case = CaseDriver.register(office)
    for _ in range(3):
        case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
        case.do("handle_work_order", HANDLED)
        case.do("reply_to_complainant", REPLY)
        case.do("record_satisfaction", {"satisfied": False, "satisfaction_remarks": "no"})
    assert set(case.open()) == {"supervisor_review"}
    assert case.data()["reopen_count"] == 3


def test_a_letter_case_cannot_close_without_a_reply_letter(office: System) -> None:
    case = CaseDriver.register(office, channel="letter", address="和諧花園 A座 1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    with pytest.raises(FormInvalid) as refused:
        case.do("reply_to_complainant", REPLY)
    assert {e.field for e in refused.value.errors} == {"reply_channel", "reply_letter_text"}
    assert "reply_to_complainant" in case.open()  # nothing lost: the task is still there

    letter = "Dear Mr Chan, the stairwell was cleared on 2 March. 管理處"
    reply_and_close(case, {"reply_channel": "letter", "reply_text": "Replied by letter.",
                           "reply_letter_text": letter})
    with office.sessions() as session:
        printed = session.scalars(select(ReplyLetter)).one()
    assert printed.body == letter and printed.address == "和諧花園 A座 1203"
    assert "020-8600-1000" in {c["phone"] for c in printed.contacts}
    assert case.case().replied_by_channel == "letter"
    page = render_letter(case.case(), printed)
    assert letter in page and case.case().number in page and "020-8600-1006" in page


def test_the_printed_letter_escapes_what_people_typed(office: System) -> None:
    case = CaseDriver.register(office, channel="letter", address="<b>A-1203</b>")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "<script>alert(1)</script>"})
    with office.sessions() as session:
        page = render_letter(case.case(), session.scalars(select(ReplyLetter)).one())
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>A-1203" not in page


def test_a_move_in_question_that_cannot_be_explained_goes_to_the_supervisor(
        office: System) -> None:
    case = CaseDriver.register(office, type="move_in", category="other")
    case.do("triage", {"triage_decision": "explain", "triage_notes": "handover documents"})
    case.do("explain_to_owner", {"explained": False,
                                 "explanation": "owner disputes the area on the contract"})
    assert set(case.open()) == {"supervisor_review"}


def test_an_unresolvable_work_order_is_escalated(office: System) -> None:
    case = CaseDriver.register(office, category="facilities")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", {"handling_result": "cannot_resolve",
                                  "handling_method": "pump needs replacing"},
            actor="engineer")
    assert set(case.open()) == {"supervisor_review"}


def test_every_step_of_a_case_is_written_down(office: System) -> None:
    case = CaseDriver.register(office)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "first look"})
    with office.sessions() as session:
        kinds = list(session.scalars(select(CaseRecord.kind).order_by(CaseRecord.id)))
        started = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.kind == "case_registered"))
    assert kinds == ["task", "work_order_dispatched"] and started == 1


def test_a_work_order_is_due_by_the_sla_table_and_escalated_when_far_past_due(
        office: System) -> None:
    case = CaseDriver.register(office, category="hygiene")  # normal: handle 72 h, escalate 120 h
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    handle = case.open()["handle_work_order"]
    assert handle.due_at == handle.created_at + timedelta(hours=72)
    assert case.open()["handle_work_order"].overdue_since is None
    assert case.wait(timedelta(hours=72, seconds=1)) == 1  # overdue: flagged, still open
    assert set(case.open()) == {"handle_work_order"}
    assert case.open()["handle_work_order"].overdue_since == office.rt.clock.now()
    assert case.wait(timedelta(hours=48)) == 1  # past the second limit: escalated
    assert set(case.open()) == {"supervisor_review"}
    assert "was not handled within PT120H" in case.task_data("supervisor_review")[
        "escalation_reason"]
    case.do("supervisor_review", {"supervisor_decision": "resolve",
                                  "supervisor_instruction": "Send the night team"},
            actor="supervisor")
    case.do("carry_out_instruction", {"handling_method": "Night team cleared it"})
    reply_and_close(case)
    with office.sessions() as session:
        assert session.scalars(select(WorkOrder.status)).one() == "escalated"


def test_an_urgent_security_case_gets_the_shorter_limits(office: System) -> None:
    case = CaseDriver.register(office, category="security", urgency="urgent")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    handle = case.open()["handle_work_order"]
    assert handle.role == "security"
    assert handle.due_at == handle.created_at + timedelta(hours=8)


def test_an_archived_record_is_corrected_by_a_new_entry(office: System) -> None:
    case = CaseDriver.register(office)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    reply_and_close(case)
    original = archive_of(office, case.case_id)
    with office.sessions() as session:
        with pytest.raises(FormInvalid):
            correct_archive_entry(session, office.rt, entry_id=original.id, method="m",
                                  result="r", reason=" ", actor="supervisor")
        fixed = correct_archive_entry(session, office.rt, entry_id=original.id,
                                      method="Cleared and disinfected", result="resolved",
                                      reason="method was incomplete", actor="supervisor")
        session.commit()
        entries = list(session.scalars(select(ArchiveEntry).order_by(ArchiveEntry.id)))
    assert [e.method for e in entries] == [original.method, "Cleared and disinfected"]
    assert fixed.supersedes_id == original.id and entries[0].result == original.result


def due_in(case: CaseDriver, element_id: str) -> timedelta:
    task = case.open()[element_id]
    assert task.due_at is not None, f"{element_id} has no due time"
    return task.due_at - task.created_at


def test_every_step_of_an_urgent_case_is_due_by_the_sla_table(office: System) -> None:
    case = CaseDriver.register(office, category="security", urgency="urgent")
    assert due_in(case, "triage") == timedelta(hours=2)  # reply within
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    assert due_in(case, "superior_decide") == timedelta(hours=8)  # superior limit
    case.do("superior_decide", {"superior_decision": "instruct",
                                "superior_instruction": "Add a night patrol"}, actor="manager")
    assert due_in(case, "carry_out_instruction") == timedelta(hours=8)  # handle within
    case.do("carry_out_instruction", {"handling_method": "Night patrol added"})
    assert due_in(case, "reply_to_complainant") == timedelta(hours=2)
    case.do("reply_to_complainant", dict(REPLY))
    assert due_in(case, "record_satisfaction") == timedelta(hours=2)


def test_the_rectification_and_explanation_steps_are_due_too(office: System) -> None:
    defect = CaseDriver.register(office, category="developer_defect")
    defect.do("triage", {"triage_decision": "not_office_cause", "triage_notes": "",
                         "responsible_party": "developer"})
    assert due_in(defect, "notify_responsible_party") == timedelta(hours=120)
    defect.do("notify_responsible_party", {"notified_party": "Developer's after-sales team",
                                           "notified_how": "written notice",
                                           "rectification_requested": "repair the roof seal"})
    defect.wait(timedelta(days=3, seconds=1))  # follow_up_every
    assert due_in(defect, "follow_up_rectification") == timedelta(hours=120)
    question = CaseDriver.register(office, type="move_in", category="other")
    question.do("triage", {"triage_decision": "explain", "triage_notes": ""})
    assert due_in(question, "explain_to_owner") == timedelta(hours=24)


def test_an_untriaged_urgent_case_is_flagged_then_escalated(office: System) -> None:
    case = CaseDriver.register(office, category="noise", urgency="urgent")  # 4 h, then 48 h
    assert case.wait(timedelta(hours=4, seconds=1)) == 0
    assert case.open()["triage"].overdue_since == office.rt.clock.now()
    assert case.wait(timedelta(hours=44)) == 1  # past escalate_after: to the supervisor
    assert set(case.open()) == {"supervisor_review"}
    assert case.task_data("supervisor_review")["escalation_reason"] == (
        "The case was not triaged within PT48H.")
    case.do("supervisor_review", {"supervisor_decision": "return",
                                  "supervisor_instruction": "Triage it now"}, actor="supervisor")
    assert set(case.open()) == {"triage"}


def test_a_reply_not_given_in_time_is_escalated_and_then_given(office: System) -> None:
    case = CaseDriver.register(office)  # hygiene, normal: reply 24 h, escalate after 120 h
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    case.wait(timedelta(hours=24, seconds=1))
    assert case.open()["reply_to_complainant"].overdue_since is not None
    assert case.wait(timedelta(hours=96)) == 1
    assert "not replied to within PT120H" in case.task_data("supervisor_review")[
        "escalation_reason"]
    case.do("supervisor_review", {"supervisor_decision": "resolve",
                                  "supervisor_instruction": "Phone the owner today"},
            actor="supervisor")
    case.do("carry_out_instruction", {"handling_method": "The supervisor asked us to phone"})
    reply_and_close(case)
    assert case.status() == "completed"


def test_a_superior_who_does_not_decide_in_time_is_flagged(office: System) -> None:
    case = CaseDriver.register(office, category="fees")
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    case.wait(timedelta(hours=47))
    assert case.open()["superior_decide"].overdue_since is None
    case.wait(timedelta(hours=1, seconds=1))
    assert case.open()["superior_decide"].overdue_since == office.rt.clock.now()
