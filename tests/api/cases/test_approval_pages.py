"""Supervisor approvals: who may decide, the list oldest first, each decision, a late second one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import csrf_token, sign_in, text
from tests.support.case_pages import Office, open_office, untranslated
from tests.support.cases import CaseDriver, escalate


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def decide(client: FlaskClient, task_id: str, **form: str) -> tuple[int, str, str | None]:
    response = client.post(f"/approvals/{task_id}",
                           data={"csrf_token": csrf_token(client, "/approvals"),
                                 "confirm": "yes", **form})
    return response.status_code, text(response), response.headers.get("Location")


def escalated(office: Office, reason: str = "compensation beyond the office's authority",
              **values: object) -> CaseDriver:
    case = office.case(category="fees", **values)
    escalate(case, reason)
    return case


def test_only_supervisors_see_and_decide_escalations(office: Office,
                                                     client: FlaskClient) -> None:
    case = escalated(office)
    sign_in(client, "clerk")

    assert client.get("/approvals").status_code == 403
    # The clerk's own token (from a page they may open): refused for the role, not the token.
    response = client.post(f"/approvals/{case.task_id('supervisor_review')}",
                           data={"csrf_token": csrf_token(client, "/cases/new"),
                                 "supervisor_decision": "pass_up"})
    assert response.status_code == 403
    assert set(case.open()) == {"supervisor_review"}  # nothing moved


def test_the_list_is_oldest_first_with_the_reason_and_the_sla(office: Office, clock: FrozenClock,
                                                              client: FlaskClient) -> None:
    first = escalated(office, "the owner asks for compensation")
    clock.advance(timedelta(hours=3))
    second = escalated(office, "a dispute with the developer", unit_id=office.unit_b1204)
    clock.advance(timedelta(hours=2))  # the first is past its 4 h limit, the second is not
    sign_in(client, "supervisor")

    page = text(client.get("/approvals"))

    numbers = re.findall(r'<h2 id="approval-title-\d+"><a href="/cases/([^"]+)"', page)
    assert numbers == [first.case().number, second.case().number]
    one, two = page.split('class="card approval')[1:3]
    assert "the owner asks for compensation" in one and "Overdue" in one and "5 h 00 min" in one
    assert "a dispute with the developer" in two and "On time" in two and "2 h 00 min" in two
    assert "<dd>B</dd>" in two and "<dd>Fees</dd>" in two
    assert re.search(r'name="supervisor_decision"\s+value="pass_up"', one)
    # One form per escalation, each with ids of its own.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("form", "next_task"), [
    ({"supervisor_decision": "pass_up"}, "superior_decide"),
    ({"supervisor_decision": "return", "supervisor_instruction": "Mediate first"}, "triage"),
    ({"supervisor_decision": "resolve", "supervisor_instruction": "Waive the fee"},
     "carry_out_instruction"),
])
def test_each_decision_moves_the_case_on(office: Office, client: FlaskClient,
                                         form: dict[str, str], next_task: str) -> None:
    case = escalated(office)
    sign_in(client, "supervisor")

    status, _, location = decide(client, case.task_id("supervisor_review"), **form)

    assert (status, location) == (303, "/approvals")
    assert set(case.open()) == {next_task}
    page = text(client.get("/approvals"))
    assert f"Case {case.case().number} is" in page  # the flash says what happened
    assert "No escalations are waiting" in page


def test_a_return_without_an_instruction_is_refused_and_kept(office: Office,
                                                             client: FlaskClient) -> None:
    case = escalated(office)
    sign_in(client, "supervisor")

    status, page, _ = decide(client, case.task_id("supervisor_review"),
                             supervisor_decision="return")

    assert status == 422
    assert "Write the instruction for customer service" in page
    assert re.search(r'value="return" checked', page)
    assert "approval-failed" in page
    assert set(case.open()) == {"supervisor_review"}


@pytest.mark.parametrize("decision", ["pass_up", "return", "resolve"])
def test_an_unconfirmed_decision_records_nothing_and_keeps_the_form(
        office: Office, client: FlaskClient, decision: str) -> None:
    case = escalated(office)
    sign_in(client, "supervisor")

    status, page, _ = decide(client, case.task_id("supervisor_review"), confirm="",
                             supervisor_decision=decision, supervisor_instruction="Mediate first")

    assert status == 422
    assert "Tick the box to confirm the decision; nothing was recorded yet." in page
    assert re.search(rf'value="{decision}" checked', page) and "Mediate first" in page
    assert set(case.open()) == {"supervisor_review"}
    status, _, _ = decide(client, case.task_id("supervisor_review"),
                          supervisor_decision=decision, supervisor_instruction="Mediate first")
    assert status == 303 and "supervisor_review" not in case.open()


def test_a_second_decision_is_told_who_decided_first(office: Office,
                                                     client: FlaskClient) -> None:
    case = escalated(office)
    task_id = case.task_id("supervisor_review")
    sign_in(client, "supervisor")
    token = csrf_token(client, "/approvals")
    assert client.post(f"/approvals/{task_id}", data={
        "csrf_token": token, "supervisor_decision": "pass_up", "confirm": "yes"}).status_code == 303

    late = client.post(f"/approvals/{task_id}", data={
        "csrf_token": token, "supervisor_decision": "resolve",
        "supervisor_instruction": "Waive the fee", "confirm": "yes"})

    assert late.status_code == 409
    assert "Already decided" in text(late) and "already completed this task at" in text(late)
    assert "UTC" not in text(late)
    assert set(case.open()) == {"superior_decide"}


def test_another_estates_supervisor_neither_sees_nor_decides(office: Office,
                                                             client: FlaskClient) -> None:
    case = escalated(office)
    sign_in(client, "outsider")

    assert case.case().number not in text(client.get("/approvals"))
    status, _, _ = decide(client, case.task_id("supervisor_review"),
                          supervisor_decision="pass_up")
    assert status == 403
    assert set(case.open()) == {"supervisor_review"}


def test_the_approvals_page_in_chinese_has_no_english_interface_text(
        office: Office, client: FlaskClient) -> None:
    case = escalated(office)
    sign_in(client, "supervisor")
    client.get("/lang/zh")

    page = text(client.get("/approvals"))
    status, refused, _ = decide(client, case.task_id("supervisor_review"),
                                supervisor_decision="resolve")

    assert "審批" in page and status == 422
    assert untranslated(page) == [] and untranslated(refused) == []
