"""The new categories and the praise and suggestion paths, over the REST API and the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.web.labels import LABELS
from engine.cases.models import CATEGORIES
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.api import Caller, caller, make_app
from tests.support.case_pages import Office, open_office, untranslated
from tests.support.cases import add_contact_directory
from tests.support.inbox_pages import post
from tests.support.people import create_estate, unit_id

NEW_CATEGORIES = {"service_attitude": "服務態度", "renovation": "裝修管理", "landscaping": "綠化",
                  "pets": "寵物", "utility_outage": "停水停電"}


def open_tasks(who: Caller, instance_id: int) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = who.ok("GET", f"/instances/{instance_id}")["open_tasks"]
    return tasks


def complete(who: Caller, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    claim = who.post(f"/tasks/{task_id}/claim")
    assert claim.status_code == 200, claim.get_json()
    done: dict[str, Any] = who.ok("POST", f"/tasks/{task_id}/complete", json={"data": data},
                                  headers={"If-Match": claim.headers["ETag"]})
    return done


@pytest.fixture
def people(shipped: System) -> tuple[Caller, Caller, int]:
    add_contact_directory(shipped)
    estate = create_estate(shipped, "Harmony Gardens")
    app: Flask = make_app(shipped)
    clerk = caller(shipped, app, "clerk", "customer_service", estate_id=estate.id)
    boss = caller(shipped, app, "boss", "supervisor", estate_id=estate.id)
    return clerk, boss, unit_id(shipped, estate, "A", "1203")


def register(clerk: Caller, unit: int, **fields: str) -> dict[str, Any]:
    body = {"channel": "phone", "type": "complaint", "category": "other", "unit": unit,
            "description": "Raised at the front desk",
            "complainant": {"name": "陳大文", "phone": "13800000000"}, **fields}
    registered: dict[str, Any] = clerk.ok("POST", "/cases", 201, json=body)
    return registered


@pytest.mark.parametrize("category", sorted(NEW_CATEGORIES))
def test_the_api_takes_every_new_category(people: tuple[Caller, Caller, int],
                                          category: str) -> None:
    clerk, _boss, unit = people
    number = register(clerk, unit, category=category)["number"]
    assert clerk.ok("GET", f"/cases/{number}")["case"]["category"] == category


def test_customer_service_never_sees_a_service_attitude_triage(
        people: tuple[Caller, Caller, int]) -> None:
    clerk, boss, unit = people
    registered = register(clerk, unit, category="service_attitude")
    [triage] = open_tasks(boss, registered["instance_id"])
    assert (triage["element_id"], triage["role"]) == ("triage", "supervisor")
    assert clerk.ok("GET", "/tasks", query_string={"scope": "roles"})["items"] == []
    assert clerk.post(f"/tasks/{triage['id']}/claim").status_code == 403


def test_a_suggestion_over_the_api_is_considered_answered_and_archived(
        people: tuple[Caller, Caller, int]) -> None:
    clerk, boss, unit = people
    registered = register(clerk, unit, type="suggestion", category="renovation")
    [consider] = open_tasks(boss, registered["instance_id"])
    assert (consider["element_id"], consider["role"]) == ("consider_suggestion", "supervisor")
    done = complete(boss, consider["id"], {"suggestion_adopted": False,
                                           "suggestion_reasons": "Works hours are set by "
                                           "the city's noise rules"})
    [answer] = done["open_tasks"]
    assert answer["element_id"] == "answer_suggestion"
    done = complete(clerk, answer["id"], {"reply_channel": "phone", "reply_letter_text": "",
                                          "reply_text": "Not adopted; told the owner why."})
    assert (done["status"], done["open_tasks"]) == ("completed", [])
    case = clerk.ok("GET", f"/cases/{registered['number']}")
    assert case["case"]["status"] == "closed"
    [archived] = case["archive"]
    assert archived["satisfied"] is None and "noise rules" in archived["method"]
    assert [r["step"] for r in case["records"] if r["kind"] == "task"] == [
        "Consider the suggestion", "Answer the suggestion"]


def test_the_new_categories_and_tasks_read_in_chinese(shipped: System, clock: FrozenClock,
                                                      client: FlaskClient) -> None:
    office: Office = open_office(shipped, clock)
    praise = office.case(type="praise", category="service_attitude")
    sign_in(client, "supervisor")
    client.get("/lang/zh")

    registration = text(client.get("/cases/new"))
    task = text(client.get(f"/tasks/{praise.task_id('pass_on_praise')}"))
    inbox = text(client.get("/inbox"))

    for code, chinese in NEW_CATEGORIES.items():
        assert f'<option value="{code}">{chinese}</option>' in registration
    assert "轉達表揚" in task and "服務態度" in task and "轉達表揚" in inbox
    for page in (registration, task, inbox):
        assert untranslated(page) == []


def test_the_api_document_lists_the_new_categories(shipped: System) -> None:
    document = make_app(shipped).test_client().get("/api/v1/openapi.json").get_json()
    enums = [field["enum"] for schema in document["components"]["schemas"].values()
             for name, field in schema.get("properties", {}).items()
             if name == "category" and "enum" in field]
    assert enums and all(set(NEW_CATEGORIES) <= set(enum) for enum in enums)


def test_every_category_has_a_label() -> None:
    assert list(LABELS["category"]) == list(CATEGORIES)


def test_the_supervisor_considers_a_suggestion_on_its_page(shipped: System, clock: FrozenClock,
                                                           client: FlaskClient) -> None:
    office: Office = open_office(shipped, clock)
    suggestion = office.case(type="suggestion", category="pets")
    task = suggestion.task_id("consider_suggestion")
    sign_in(client, "supervisor")
    reasons = "A fenced dog run fits behind block B"

    refused = post(client, f"/tasks/{task}", {"action": "complete", "suggestion_adopted": "true",
                                              "suggestion_reasons": reasons})
    assert refused.status_code == 422
    assert re.search(r'id="field-suggestion_action"[^>]*aria-invalid="true"', text(refused))
    done = post(client, f"/tasks/{task}", {"action": "complete", "suggestion_adopted": "true",
                                           "suggestion_reasons": reasons,
                                           "suggestion_action": "Build it in May"})
    assert done.status_code in (200, 303)
    assert set(suggestion.open()) == {"answer_suggestion"}
    assert suggestion.data()["suggestion_adopted"] is True
