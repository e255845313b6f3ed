"""The case page shows how an escalation ended: the decision, the referral, the final reply."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import Babel

from api.web.field_messages import for_people
from engine.cases.outcomes import FINAL_ROUND_MESSAGE
from engine.common.clock import FrozenClock
from engine.common.errors import FieldError
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.case_pages import Office, open_office, untranslated
from tests.support.cases import CaseDriver, escalate


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def passed_up(office: Office) -> CaseDriver:
    case = office.case(category="fees")
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    return case


def page_of(client: FlaskClient, number: str) -> str:
    response = client.get(f"/cases/{number}")
    assert response.status_code == 200
    return text(response)


def change(field: str, value: str) -> str:
    return f'<dt class="process-text">{field}</dt><dd class="process-text">{value}</dd>'


def test_a_final_position_is_shown_on_the_case_and_its_timeline(office: Office,
                                                               client: FlaskClient) -> None:
    case = passed_up(office)
    case.do("superior_decide", {"superior_decision": "final_position",
                                "final_position": "The late fee follows the 2025 resolution."},
            actor="manager")
    case.do("reply_final_position", {"reply_channel": "phone", "reply_letter_text": "",
                                     "reply_text": "The fee stands; this is our final reply."})
    sign_in(client, "supervisor")

    page = page_of(client, case.case().number)

    assert "Escalation outcomes" in page
    assert '<span class="badge badge-closed">Final position</span>' in page
    assert "The late fee follows the 2025 resolution." in page
    moments = re.findall(r'<span class="moment-kind">([^<]+)</span>', page)
    assert "Escalation decided" in moments
    assert change("Decision", "Final position") in page
    assert "Reply with the final position" in page


def test_a_referral_shows_the_authority_its_reference_and_answer(office: Office,
                                                                 client: FlaskClient) -> None:
    case = passed_up(office)
    case.do("superior_decide", {"superior_decision": "refer", "referred_to": "street_office",
                                "authority_reference": "SO-7781", "referred_on": "2026-03-02"},
            actor="manager")
    case.wait(timedelta(days=3, seconds=1))
    sign_in(client, "supervisor")

    waiting = page_of(client, case.case().number)
    assert "Follow up the referral" in waiting and "SO-7781" in waiting
    assert change("Referred to", "Street office") in waiting

    case.do("follow_up_referral", {"authority_answered": True,
                                   "authority_answer": "The street office mediates on Friday"})
    answered = page_of(client, case.case().number)
    assert "The street office mediates on Friday" in answered
    assert "The authority answered the referral" in answered


def test_the_final_round_refusal_is_worded_for_staff() -> None:
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        [worded] = for_people([FieldError(("superior_decision",), FINAL_ROUND_MESSAGE)])
    assert worded.message.startswith("This is the final round after the fourth dissatisfaction")


def test_an_ended_escalation_reads_all_in_chinese(office: Office, client: FlaskClient) -> None:
    case = passed_up(office)
    case.do("superior_decide", {"superior_decision": "refer", "referred_to": "utility",
                                "authority_reference": "W-88", "referred_on": "2026-03-02"},
            actor="manager")
    case.wait(timedelta(days=3, seconds=1))
    case.do("follow_up_referral", {"authority_answered": True,
                                   "authority_answer": "自來水公司週五檢查水管"})
    case.do("reply_with_answer", {"reply_channel": "phone", "reply_letter_text": "",
                                  "reply_text": "自來水公司將於週五檢查水管。"})
    sign_in(client, "supervisor")

    response = client.get(f"/cases/{case.case().number}", headers={"Accept-Language": "zh-TW"})

    page = text(response)
    assert "公用事業公司" in page and "上報結果" in page

    assert untranslated(page) == []


def test_the_clerk_replying_reads_the_superiors_position_beside_the_form(
        office: Office, client: FlaskClient) -> None:
    case = passed_up(office)
    case.do("superior_decide", {"superior_decision": "final_position",
                                "final_position": "The late fee follows the 2025 resolution."},
            actor="manager")
    sign_in(client, "clerk")

    html = text(client.get(f"/tasks/{case.task_id('reply_final_position')}"))

    assert "Reply with the final position" in html
    assert "The late fee follows the 2025 resolution." in html
    assert 'name="reply_text"' in html
    assert re.search(r'<textarea[^>]*name="final_position"[^>]*readonly>', html)  # shown, not sent
