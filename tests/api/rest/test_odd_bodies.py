"""Bodies no form would send are 4xx in the usual error shape, never a 500 (issue #16)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.system import System
from engine.workflow.models import ProcessInstance
from tests.api.conftest import text
from tests.support.api import Caller, check_error, make_app


@pytest.fixture
def app(shipped: System) -> Flask:
    return make_app(shipped)


def case(**changes: Any) -> dict[str, Any]:
    body = {"channel": "phone", "type": "complaint", "category": "hygiene", "unit": None,
            "description": "Rubbish in the stairwell",
            "complainant": {"name": "陳大文", "phone": "13800000000"}}
    return {**body, **changes}


def instances(system: System) -> int:
    with system.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("path", ["/cases", "/instances"])
def test_a_body_nested_fifty_thousand_deep_is_a_400(clerk: Caller, path: str) -> None:
    body = '{"process_id": "owner_case", "data": ' + nested(50_000) + "}"

    refused = clerk.post(path, data=body, content_type="application/json")

    check_error(refused, 400, "bad_request")
    assert refused.get_json()["errors"] == [
        {"field": "", "message": "Invalid JSON body: nested too deeply or a number too long."}]


def test_a_unit_of_five_thousand_digits_is_a_400(clerk: Caller, shipped: System) -> None:
    body = json.dumps(case()).replace('"unit": null', '"unit": ' + "9" * 5000)

    check_error(clerk.post("/cases", data=body, content_type="application/json"), 400)
    assert instances(shipped) == 0


def test_a_unit_of_too_many_digits_for_a_unit_id_is_a_422(clerk: Caller) -> None:
    body = check_error(clerk.post("/cases", json=case(unit=10**4000)), 422, "unprocessable_entity")
    assert [e["field"] for e in body["errors"]] == ["unit"]


@pytest.mark.parametrize("unit", [1.5, 1.0, "1"])
def test_a_unit_that_is_not_a_whole_number_is_refused_not_rounded(
        clerk: Caller, shipped: System, unit: object) -> None:
    body = check_error(clerk.post("/cases", json=case(unit=unit)), 422)
    assert [e["field"] for e in body["errors"]] == ["unit"]
    assert instances(shipped) == 0


def test_starting_an_owner_case_without_its_start_data_is_refused_before_an_instance_exists(
        clerk: Caller, shipped: System) -> None:
    refused = clerk.post("/instances", json={"process_id": "owner_case", "data": {}})

    body = check_error(refused, 422, "form_invalid")
    assert {"case_id", "category", "urgency"} <= {e["field"] for e in body["errors"]}
    assert body["context"] == {"process_id": "owner_case"}
    assert instances(shipped) == 0


def test_start_data_of_the_wrong_kind_names_the_field(clerk: Caller, shipped: System) -> None:
    body = check_error(clerk.post("/instances", json={
        "process_id": "committee_formation", "data": {"estate_id": "one"}}), 422, "form_invalid")
    assert body["errors"] == [{"field": "estate_id", "message": "'one' is not of type 'integer'"}]
    assert instances(shipped) == 0


def test_a_process_that_declares_no_start_data_still_starts(clerk: Caller) -> None:
    started = clerk.ok("POST", "/instances", 201, json={"process_id": "routine_repair",
                                                         "data": {"anything": [1, 2]}})
    assert started["instance"]["status"] == "running"


def test_a_ten_thousand_character_tracking_code_gets_our_own_page(client: FlaskClient) -> None:
    refused = client.get("/track?code=" + "A" * 10_000)

    assert refused.status_code == 400
    assert "That is not a tracking code" in text(refused)

