"""Registering a case while the phone call is in progress: the form, its look-ups, its errors."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.cases.models import Case
from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.models import HumanTask
from tests.api.conftest import csrf_token, sign_in, text
from tests.support.case_pages import Office, open_office, untranslated

CALL = {"channel": "phone", "type": "complaint", "category": "noise", "urgency": "urgent",
        "description": "Drilling upstairs after 10 pm", "name": "陳大文",
        "phone": "13800000001", "address": "", "building": "A", "q": "12"}


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def post(client: FlaskClient, **values: object) -> tuple[int, str, str | None]:
    response = client.post("/cases/new", data={"csrf_token": csrf_token(client, "/cases/new"),
                                               **values})
    return response.status_code, text(response), response.headers.get("Location")


def error_of(page: str, name: str) -> str:
    match = re.search(rf'<p class="reg-error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def test_the_form_starts_as_a_phone_call_received_now(office: Office,
                                                      client: FlaskClient) -> None:
    sign_in(client, "clerk")

    page = text(client.get("/cases/new"))

    assert '<option value="phone" selected>Phone</option>' in page
    # 09:00 UTC on the frozen clock is 17:00 in the office (Asia/Shanghai).
    assert 'name="received_at" type="datetime-local" value="2026-03-02T17:00"' in page
    assert 'hx-get="/cases/units"' in page and 'hx-get="/cases/earlier"' in page


def test_a_registered_case_lands_on_its_page_with_number_and_tracking_code(
        office: Office, client: FlaskClient) -> None:
    sign_in(client, "clerk")

    status, _page, location = post(client, **CALL, unit=str(office.unit_a1203))

    assert status == 303
    with office.system.sessions() as session:
        case = session.scalars(select(Case)).one()
        triage = session.scalars(select(HumanTask.element_id)
                                 .where(HumanTask.instance_id == case.instance_id)).all()
    assert location == f"/cases/{case.number}"
    assert (case.unit_id, case.estate_id, case.urgency) == (office.unit_a1203, office.estate_id,
                                                            "urgent")
    assert case.registered_by == "clerk" and case.received_at == datetime(2026, 3, 2, 9, 0,
                                                                          tzinfo=UTC)
    assert triage == ["triage"]
    page = text(client.get(location))
    assert (f"Case {case.number} registered. The owner&#39;s tracking code is "
            f"{case.tracking_code}.") in page


def test_a_letter_may_be_back_dated(office: Office, client: FlaskClient) -> None:
    sign_in(client, "clerk")

    status, _page, _ = post(client, **{**CALL, "channel": "letter", "address": "A座 1203"},
                            received_at="2026-02-27T10:30")

    assert status == 303
    with office.system.sessions() as session:
        case = session.scalars(select(Case)).one()
    assert case.received_at == datetime(2026, 2, 27, 2, 30, tzinfo=UTC)
    assert case.unit_id is None and case.estate_id == office.estate_id  # the clerk's estate


def test_a_refused_form_keeps_what_was_typed_and_names_each_problem(
        office: Office, client: FlaskClient) -> None:
    sign_in(client, "clerk")

    status, page, _ = post(client, **{**CALL, "name": " ", "description": "x"})

    assert status == 422
    assert error_of(page, "name") == "Error: Enter the complainant's name."
    assert error_of(page, "description") == "Error: Say what the owner raised."
    assert error_of(page, "phone") == ""
    assert 'value="13800000001"' in page
    assert '<option value="noise" selected>' in page
    assert '<option value="urgent" selected>' in page
    assert 'id="unit-' in page  # the unit search is still on screen
    with office.system.sessions() as session:
        assert session.scalars(select(Case)).all() == []


def test_a_letter_without_an_address_is_refused_on_the_address(office: Office,
                                                               client: FlaskClient) -> None:
    sign_in(client, "clerk")

    status, page, _ = post(client, **{**CALL, "channel": "letter", "address": ""})

    assert status == 422
    assert error_of(page, "address") == ("Error: A letter is answered by letter: "
                                         "enter the postal address.")
    assert 'id="reg-address" name="address" autocomplete="off" value="" aria-invalid="true"' \
        in page


@pytest.mark.parametrize(("field", "value"), [("received_at", "yesterday"), ("unit", "A-1203"),
                                              ("channel", "fax")])
def test_unreadable_values_are_refused_on_their_field(office: Office, client: FlaskClient,
                                                      field: str, value: str) -> None:
    sign_in(client, "clerk")

    status, page, _ = post(client, **{**CALL, field: value})

    assert status == 422 and error_of(page, field)


def test_staff_who_do_not_take_cases_in_may_not_register(office: Office,
                                                         client: FlaskClient) -> None:
    sign_in(client, "cleaner")

    assert client.get("/cases/new").status_code == 403
    assert client.get("/cases/units?building=A").status_code == 403
    assert client.post("/cases/new", data=CALL).status_code in (400, 403)


def test_the_unit_search_lists_the_estates_units_with_their_owners(
        office: Office, client: FlaskClient) -> None:
    sign_in(client, "clerk")

    found = text(client.get("/cases/units?building=A&q=12"))

    labels = re.findall(r'<span class="unit-label">([^<]+)</span>', found)
    assert labels == ["A-1203", "A-1204"]  # not the other estate's A-1203
    assert "Owner of A-1203" in found and f'value="{office.unit_a1203}"' in found
    assert 'id="unit-none"' in found
    assert "No unit matches" in text(client.get("/cases/units?building=C&q=1"))
    assert "Type a building" in text(client.get("/cases/units"))
    chosen = text(client.get(f"/cases/units?building=A&q=12&unit={office.unit_a1203}"))
    assert f'value="{office.unit_a1203}" checked' in chosen


def test_the_complainants_earlier_cases_show_as_the_phone_is_typed(
        office: Office, client: FlaskClient) -> None:
    first = office.case(phone="13800000009")
    second = office.case(phone="13800000009", category="noise")
    office.case(phone="13700000000")
    sign_in(client, "clerk")

    found = text(client.get("/cases/earlier?phone=13800000009"))

    numbers = re.findall(r'>(C-\d{4}-\d+)</a>', found)
    assert numbers == [second.case().number, first.case().number]  # newest first
    assert "No earlier cases" in text(client.get("/cases/earlier?phone=13900000000"))
    assert text(client.get("/cases/earlier?phone=")).strip() == ""


def test_without_javascript_find_reshows_the_form_with_the_matches(
        office: Office, client: FlaskClient) -> None:
    office.case(phone="13800000001")
    sign_in(client, "clerk")

    page = text(client.get("/cases/new", query_string={**CALL, "q": "1203"}))

    assert f'value="{office.unit_a1203}"' in page and "Owner of A-1203" in page
    assert 'value="陳大文"' in page
    assert "Earlier cases from this number" in page


def test_the_registration_pages_in_chinese_have_no_english_interface_text(
        office: Office, client: FlaskClient) -> None:
    office.case(phone="13800000001")
    sign_in(client, "clerk")
    client.get("/lang/zh")

    blank = text(client.get("/cases/new"))
    status, refused, _ = post(client, **{**CALL, "channel": "letter", "name": ""})
    units = text(client.get("/cases/units?building=A&q=1"))
    earlier = text(client.get("/cases/earlier?phone=13800000001"))

    assert status == 422 and "登記" in blank
    for page in (blank, refused, units, earlier):
        # The test estate's owners are named "Owner of A-1203": data, not interface text.
        assert untranslated(re.sub(r"Owner of [A-Z]-\d+", " ", page)) == []
