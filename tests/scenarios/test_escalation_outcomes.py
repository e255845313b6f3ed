"""An escalation that can end (P2): a referral followed up until answered, a final position,
and the final round after the fourth dissatisfaction — each replied to the owner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.cases.models import ArchiveEntry, EscalationOutcome, ReplyLetter
from engine.cases.outcomes import FINAL_ROUND_MESSAGE
from engine.common.audit import AuditEvent
from engine.common.errors import FormInvalid
from engine.system import System
from tests.support.cases import HANDLED, REPLY, CaseDriver, add_contact_directory, escalate

REFERRAL = {"superior_decision": "refer", "referred_to": "housing_department",
            "authority_reference": "HD-2026-0412", "referred_on": "2026-03-02"}
POSITION = {"superior_decision": "final_position",
            "final_position": "The parking fee follows the owners' meeting resolution of 2025; "
                              "the office cannot waive it."}
FINAL_REPLY = {"reply_channel": "phone", "reply_letter_text": "",
               "reply_text": "The fee stands by the 2025 resolution; this is our final reply."}


@pytest.fixture
def office(shipped: System) -> System:
    add_contact_directory(shipped)
    return shipped


def passed_up(office: System, **register: str) -> CaseDriver:
    case = CaseDriver.register(office, **register)
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    return case


def outcomes(system: System) -> list[EscalationOutcome]:
    with system.sessions() as session:
        return list(session.scalars(select(EscalationOutcome).order_by(EscalationOutcome.id)))


def archive_of(system: System, case_id: int) -> ArchiveEntry:
    with system.sessions() as session:
        return session.scalars(select(ArchiveEntry).where(ArchiveEntry.case_id == case_id)).one()


def test_a_referral_is_followed_up_until_the_authority_answers(office: System) -> None:
    case = passed_up(office, category="fees")  # normal fees: follow up every 3 days
    case.do("superior_decide", dict(REFERRAL), actor="manager")
    assert case.open() == {}  # waiting for the first follow-up
    [referred] = outcomes(office)
    assert (referred.decision, referred.authority, referred.authority_reference,
            referred.referred_on, referred.decided_by, referred.case_id) == (
        "refer", "housing_department", "HD-2026-0412", date(2026, 3, 2), "manager",
        case.case_id)

    assert case.wait(timedelta(days=3) - timedelta(seconds=1)) == 0
    assert case.wait(timedelta(seconds=2)) == 1  # the follow-up timer fired
    assert case.open()["follow_up_referral"].role == "customer_service"
    case.do("follow_up_referral", {"authority_answered": False,
                                   "referral_notes": "file is with the section chief"})
    assert case.open() == {}
    assert case.wait(timedelta(days=3, seconds=1)) == 1  # and fires again
    case.do("follow_up_referral", {"authority_answered": True,
                                   "authority_answer": "The department will inspect on 20 March"})
    assert set(case.open()) == {"reply_with_answer"}
    case.do("reply_with_answer", {"reply_channel": "phone", "reply_letter_text": "",
                                  "reply_text": "The housing department inspects on 20 March."})

    assert case.status() == "completed"  # no satisfaction round after a referral
    [answered] = outcomes(office)
    assert answered.follow_ups == 2 and "inspect on 20 March" in answered.authority_answer
    assert answered.answered_at is not None and answered.replied_at is not None
    closed = case.case()
    assert closed.status == "closed" and closed.replied_by_channel == "phone"
    assert case.data()["escalation_outcome"] == "referred"
    result = archive_of(office, case.case_id).result
    assert "inspect on 20 March" in result and "inspects on 20 March" in result


def test_a_final_position_is_replied_by_letter_and_closes_the_case(office: System) -> None:
    case = passed_up(office, category="fees", channel="letter", address="和諧花園 B座 803")
    case.do("superior_decide", dict(POSITION), actor="manager")
    assert set(case.open()) == {"reply_final_position"}
    assert case.task_data("reply_final_position")["final_position"] == POSITION["final_position"]
    with pytest.raises(FormInvalid) as refused:  # a letter is still answered by a letter
        case.do("reply_final_position", dict(FINAL_REPLY))
    assert {e.field for e in refused.value.errors} == {"reply_channel", "reply_letter_text"}

    letter = "Dear Ms Chan, the parking fee stands by the 2025 resolution. 管理處"
    case.do("reply_final_position", {**FINAL_REPLY, "reply_channel": "letter",
                                     "reply_letter_text": letter})
    assert case.status() == "completed" and "record_satisfaction" not in case.open()
    [position] = outcomes(office)
    assert position.decision == "final_position" and position.text == POSITION["final_position"]
    assert position.replied_at is not None and position.final_round is False
    with office.sessions() as session:
        assert session.scalars(select(ReplyLetter.body)).one() == letter
        kinds = set(session.scalars(select(AuditEvent.kind)))
    assert {"escalation_decided", "case_archived"} <= kinds
    assert case.case().status == "closed"


def test_an_instruction_is_still_carried_out_and_recorded(office: System) -> None:
    case = passed_up(office, category="fees")
    case.do("superior_decide", {"superior_decision": "instruct",
                                "superior_instruction": "Refund the late fee"}, actor="manager")
    assert set(case.open()) == {"carry_out_instruction"}
    assert case.data()["escalation_instruction"] == "Refund the late fee"
    [instructed] = outcomes(office)
    assert (instructed.decision, instructed.text) == ("instruct", "Refund the late fee")


def dissatisfied_round(case: CaseDriver) -> None:
    case.do("reply_to_complainant", dict(REPLY))
    case.do("record_satisfaction", {"satisfied": False, "satisfaction_remarks": "no"})


def test_the_fourth_dissatisfaction_is_the_final_round(office: System) -> None:
    case = CaseDriver.register(office)
    for _ in range(3):
        case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
        case.do("handle_work_order", HANDLED)
        dissatisfied_round(case)
    case.do("supervisor_review", {"supervisor_decision": "resolve",
                                  "supervisor_instruction": "Clean twice a day"},
            actor="supervisor")
    case.do("carry_out_instruction", {"handling_method": "Cleaning twice a day"})
    dissatisfied_round(case)  # the fourth: no silent archive

    assert case.status() == "running" and set(case.open()) == {"superior_decide"}
    assert case.task_data("superior_decide")["escalation_final_round"] is True
    with pytest.raises(FormInvalid) as refused:
        case.do("superior_decide", {"superior_decision": "instruct",
                                    "superior_instruction": "Try once more"}, actor="manager")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("superior_decision", FINAL_ROUND_MESSAGE)]
    assert set(case.open()) == {"superior_decide"}  # nothing lost

    # The flag is shown on the form, read-only: a submission cannot clear it.
    case.do("superior_decide", {**POSITION, "escalation_final_round": False}, actor="manager")
    case.do("reply_final_position", dict(FINAL_REPLY))
    assert case.status() == "completed"
    [final] = outcomes(office)
    assert final.final_round is True and final.decision == "final_position"
    entry = archive_of(office, case.case_id)
    assert entry.satisfied is False and "final reply" in entry.result
    assert POSITION["final_position"] in entry.method


def test_the_final_round_may_refer_the_case_too(office: System) -> None:
    case = CaseDriver.register(office, category="developer_defect")
    for _ in range(3):
        case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
        case.do("handle_work_order", HANDLED)
        dissatisfied_round(case)
    case.do("supervisor_review", {"supervisor_decision": "return",
                                  "supervisor_instruction": "Ask the developer"},
            actor="supervisor")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED)
    dissatisfied_round(case)
    case.do("superior_decide", {**REFERRAL, "referred_to": "developer"}, actor="manager")
    case.wait(timedelta(days=3, seconds=1))
    case.do("follow_up_referral", {"authority_answered": True,
                                   "authority_answer": "The developer replaces the seal in May"})
    case.do("reply_with_answer", {"reply_channel": "phone", "reply_letter_text": "",
                                  "reply_text": "The developer replaces the seal in May."})
    assert case.status() == "completed"
    assert [(o.decision, o.final_round) for o in outcomes(office)] == [("refer", True)]


@pytest.mark.parametrize(("submitted", "fields"), [
    ({"superior_decision": "refer"}, {"referred_to", "authority_reference", "referred_on"}),
    ({"superior_decision": "refer", "referred_to": "utility"},
     {"authority_reference", "referred_on"}),
    ({"superior_decision": "refer", "referred_to": "police", "authority_reference": "x",
      "referred_on": "2026-03-02"}, {"referred_to"}),
    ({**REFERRAL, "referred_on": "2 March"}, {"referred_on"}),
    ({"superior_decision": "final_position"}, {"final_position"}),
    ({"superior_decision": "final_position", "final_position": "no"}, {"final_position"}),
    ({"superior_decision": "instruct"}, {"superior_instruction"}),
    ({"superior_decision": "ignore"}, {"superior_decision"}),
])
def test_the_superiors_form_says_what_each_decision_needs(
        office: System, submitted: dict[str, str], fields: set[str]) -> None:
    case = passed_up(office, category="fees")
    with pytest.raises(FormInvalid) as refused:
        case.do("superior_decide", submitted, actor="manager")
    assert {e.field for e in refused.value.errors} == fields
    assert outcomes(office) == [] and set(case.open()) == {"superior_decide"}


def test_a_follow_up_that_says_answered_needs_the_answer(office: System) -> None:
    case = passed_up(office, category="fees")
    case.do("superior_decide", dict(REFERRAL), actor="manager")
    case.wait(timedelta(days=3, seconds=1))
    with pytest.raises(FormInvalid) as refused:
        case.do("follow_up_referral", {"authority_answered": True})
    assert {e.field for e in refused.value.errors} == {"authority_answer"}


def test_a_routine_repair_escalation_can_only_be_instructed(office: System) -> None:
    repair = CaseDriver.repair(office)
    repair.do("describe_repair", {"location": "Block A pump room", "urgency": "normal",
                                  "description": "The basement pump leaks"})
    repair.do("carry_out_repair", {"result": "cannot_repair", "method": "needs a new pump"},
              actor="engineer")
    repair.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    with pytest.raises(FormInvalid) as refused:
        repair.do("superior_decide", dict(POSITION), actor="manager")
    assert {e.field for e in refused.value.errors} == {"superior_decision"}
    repair.do("superior_decide", {"superior_decision": "instruct",
                                  "superior_instruction": "Buy a new pump"}, actor="manager")
    assert repair.status() == "completed"
    [instructed] = outcomes(office)
    assert instructed.case_id is None and instructed.instance_id == repair.instance_id

