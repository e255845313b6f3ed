"""The supervisor's review and the superior's decision show why the case was escalated and,
for the superior, what the supervisor decided, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.case_pages import Office, open_office
from tests.support.cases import escalate

REASON = "compensation beyond the authority of the office"


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def test_the_supervisor_reads_the_handlers_reason_beside_the_review(
        office: Office, client: FlaskClient) -> None:
    case = office.case(category="fees")
    escalate(case, REASON)
    sign_in(client, "supervisor")

    page = text(client.get(f"/tasks/{case.task_id('supervisor_review')}"))

    assert 'class="card escalation-card"' in page
    assert REASON in page
    assert "Supervisor&#39;s decision" not in page and "Supervisor's decision" not in page


def test_the_superior_reads_the_reason_the_decision_and_the_note(
        office: Office, client: FlaskClient) -> None:
    case = office.case(category="fees")
    escalate(case, REASON)
    case.do("supervisor_review", {"supervisor_decision": "pass_up",
                                  "supervisor_instruction": "The owner has a point on the fee."},
            actor="supervisor")
    sign_in(client, "manager")

    page = text(client.get(f"/tasks/{case.task_id('superior_decide')}"))

    assert REASON in page
    assert "Passed up to the superior" in page
    assert "The owner has a point on the fee." in page


def test_the_superior_reads_it_in_chinese(office: Office, client: FlaskClient) -> None:
    case = office.case(category="fees")
    escalate(case, REASON)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    sign_in(client, "manager")

    page = text(client.get(f"/tasks/{case.task_id('superior_decide')}",
                           headers={"Accept-Language": "zh-TW"}))

    assert "上報原因" in page and REASON in page
    assert "已上報上級" in page and "Passed up to the superior" not in page


def test_a_supervisor_who_did_not_act_is_named_so(office: Office,
                                                   client: FlaskClient) -> None:
    case = office.case(category="fees")
    escalate(case, REASON)
    case.wait(timedelta(hours=4, seconds=1))
    sign_in(client, "manager")

    page = text(client.get(f"/tasks/{case.task_id('superior_decide')}"))

    assert REASON in page
    assert "The supervisor did not review it in time" in page
