"""Instances over the API: start one, list with filters and paging, show one."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.system import System
from engine.workflow.deployments import deploy
from tests.support.api import Caller, caller, check_error, make_app
from tests.support.cases import CaseDriver
from tests.support.diagrams import bundle, chain, script_task, user_task
from tests.support.people import create_estate


@pytest.fixture
def app(shipped: System) -> Flask:
    xml = chain("fees", script_task("share", "share = total / households"), user_task("plan"))
    with shipped.sessions() as session:
        deploy(session, shipped.rt, bundle("fees", xml), actor="modeler")
        session.commit()
    return make_app(shipped)


def test_starting_an_instance_shows_where_it_waits(clerk: Caller) -> None:
    started = clerk.ok("POST", "/instances", 201, json={
        "process_id": "fees", "data": {"total": 9, "households": 3}, "business_key": "F-1"})
    assert started["instance"]["status"] == "running"
    assert (started["instance"]["version"], started["instance"]["started_by"]) == (1, "clerk")
    assert [t["element_id"] for t in started["open_tasks"]] == ["plan"]
    shown = clerk.ok("GET", f"/instances/{started['instance']['id']}")
    assert [e["kind"] for e in shown["events"]] == ["instance_started"]
    assert shown["events"][0]["data"]["data"] == {"total": 9, "households": 3}


def test_a_failing_script_shows_as_an_incident(clerk: Caller) -> None:
    started = clerk.ok("POST", "/instances", 201, json={
        "process_id": "fees", "data": {"total": 9, "households": 0}})
    assert started["instance"]["status"] == "error"
    [incident] = started["incidents"]
    assert incident["element_id"] == "share" and "division by zero" in incident["message"]


def test_unknown_processes_and_instances_are_404(clerk: Caller) -> None:
    check_error(clerk.post("/instances", json={"process_id": "nope"}), 404, "not_found")
    check_error(clerk.get("/instances/999"), 404, "not_found")
    check_error(clerk.get(f"/instances/{2**63}"), 404)
    check_error(clerk.post("/instances", json={"process_id": "fees", "data": []}), 422)


def test_instances_are_listed_newest_first_with_filters(shipped: System, clerk: Caller) -> None:
    case = CaseDriver.register(shipped)
    for households in (1, 0, 3):
        clerk.ok("POST", "/instances", 201, json={
            "process_id": "fees", "data": {"total": 9, "households": households}})
    listed = clerk.ok("GET", "/instances", query_string={"per_page": 2})
    assert (listed["total"], listed["pages"], len(listed["items"])) == (4, 2, 2)
    assert clerk.ok("GET", "/instances", query_string={"status": "error"})["total"] == 1
    by_process = clerk.ok("GET", "/instances", query_string={"process_id": "owner_case"})
    assert [i["id"] for i in by_process["items"]] == [case.instance_id]
    number = case.case().number
    assert clerk.ok("GET", "/instances", query_string={"business_key": number})["total"] == 1
    check_error(clerk.get("/instances", query_string={"per_page": 101}), 422)
    check_error(clerk.get("/instances", query_string={"status": "paused"}), 422)


def test_another_estates_case_instance_is_hidden(shipped: System, app: Flask) -> None:
    ours, theirs = create_estate(shipped, "Ours"), create_estate(shipped, "Theirs")
    case = CaseDriver.register(shipped, estate_id=ours.id)
    stranger = caller(shipped, app, "stranger", "customer_service", estate_id=theirs.id)
    neighbour = caller(shipped, app, "neighbour", "customer_service", estate_id=ours.id)
    check_error(stranger.get(f"/instances/{case.instance_id}"), 404)
    assert stranger.ok("GET", "/instances")["total"] == 0
    assert neighbour.ok("GET", f"/instances/{case.instance_id}")["instance"]["id"] == \
        case.instance_id
