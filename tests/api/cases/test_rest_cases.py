"""Cases over the API: registering from any channel, reading one, and the public status."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from engine.system import System
from tests.support.api import Caller, caller, check_error, make_app
from tests.support.people import create_estate, unit_id


@pytest.fixture
def app(shipped: System) -> Flask:
    return make_app(shipped)


def case(**changes: Any) -> dict[str, Any]:
    body = {"channel": "letter", "type": "repair", "category": "facilities", "unit": None,
            "description": "The lift in block B stops between floors",
            "complainant": {"name": "李小姐", "phone": "13900000000",
                            "address": "Block B 1203, Harmony Gardens"}}
    return {**body, **changes}


def test_a_letter_case_is_registered_and_starts_its_handling(clerk: Caller) -> None:
    registered = clerk.ok("POST", "/cases", 201, json=case(
        urgency="urgent", received_at="2026-03-01T22:30:00+08:00"))
    assert registered["number"] == "C-2026-000001" and len(registered["tracking_code"]) == 10
    read = clerk.ok("GET", f"/cases/{registered['number']}")
    assert read["case"]["channel"] == "letter" and read["case"]["urgency"] == "urgent"
    assert read["case"]["received_at"] == "2026-03-01T14:30:00+00:00"
    assert read["case"]["registered_by"] == "clerk"
    assert [t["element_id"] for t in read["open_tasks"]] == ["triage"]
    assert read["timeline"][0]["kind"] == "instance_started"


def test_a_letter_without_an_address_and_bad_codes_are_422(clerk: Caller) -> None:
    no_address = case(complainant={"name": "李小姐"})
    body = check_error(clerk.post("/cases", json=no_address), 422, "form_invalid")
    assert [e["field"] for e in body["errors"]] == ["complainant.address"]
    wrong = case(channel="pigeon", category="weather", type="rant", unit=0)
    body = check_error(clerk.post("/cases", json=wrong), 422)
    assert sorted(e["field"] for e in body["errors"]) == ["category", "channel", "type", "unit"]
    missing = {k: v for k, v in case().items() if k not in ("unit", "complainant")}
    body = check_error(clerk.post("/cases", json=missing), 422)
    assert sorted(e["field"] for e in body["errors"]) == ["complainant", "unit"]
    naive = check_error(clerk.post("/cases", json=case(received_at="2026-03-01T22:30:00")), 422)
    assert naive["errors"][0]["field"] == "received_at"
    check_error(clerk.post("/cases", json=case(unit=987654)), 422, "form_invalid")


def test_every_channel_and_type_is_accepted(clerk: Caller) -> None:
    sent = [*[{"channel": channel, "type": "inquiry"} for channel in (
        "in_person", "phone", "email", "web", "referral_superior", "referral_department")],
            *[{"channel": "phone", "type": kind, "category": "other"}
              for kind in ("complaint", "suggestion", "move_in", "praise")]]
    for fields in sent:
        number = clerk.ok("POST", "/cases", 201, json=case(**fields))["number"]
        stored = clerk.ok("GET", f"/cases/{number}")["case"]
        assert (stored["channel"], stored["type"]) == (fields["channel"], fields["type"])


def test_a_case_of_a_unit_belongs_to_its_estate(shipped: System, app: Flask,
                                                clerk: Caller) -> None:
    ours, theirs = create_estate(shipped, "Ours"), create_estate(shipped, "Theirs")
    number = clerk.ok("POST", "/cases", 201,
                      json=case(unit=unit_id(shipped, ours, "A", "1203")))["number"]
    assert clerk.ok("GET", f"/cases/{number}")["case"]["estate_id"] == ours.id
    stranger = caller(shipped, app, "stranger", "customer_service", estate_id=theirs.id)
    check_error(stranger.get(f"/cases/{number}"), 404, "not_found")
    check_error(clerk.get("/cases/C-2026-999999"), 404)


def test_the_public_status_shows_no_personal_data(clerk: Caller, app: Flask) -> None:
    registered = clerk.ok("POST", "/cases", 201, json=case())
    owner = Caller(app.test_client(), None)
    shown = owner.ok("GET", f"/public/cases/{registered['tracking_code'].lower()}")
    assert shown == {"number": registered["number"], "type": "repair",
                     "category": "facilities", "received_at": "2026-03-02T09:00:00+00:00",
                     "status": "open"}
    text = str(shown)
    for private in ("李小姐", "13900000000", "Block B", "lift"):
        assert private not in text
    check_error(owner.get("/public/cases/ZZZZZZZZZZ"), 404, "not_found")
    check_error(owner.get("/public/cases/short"), 422)


def test_a_body_past_the_limit_is_413(shipped: System, clerk: Caller) -> None:
    huge = case(description="x" * (1024 * 1024))
    body = check_error(clerk.post("/cases", json=huge), 413, "request_entity_too_large")
    assert "at most 1048576 bytes" in body["message"]
