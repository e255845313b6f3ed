"""The owner case (P1) from registration to the archive, through the REST API only."""

from __future__ import annotations

from typing import Any

from flask import Flask

from engine.system import System
from tests.support.api import Caller, caller, make_app
from tests.support.cases import HANDLED, REPLY, add_contact_directory
from tests.support.people import create_estate, unit_id


def open_task(who: Caller, instance_id: int, element_id: str) -> dict[str, Any]:
    tasks = who.ok("GET", f"/instances/{instance_id}")["open_tasks"]
    assert [t["element_id"] for t in tasks] == [element_id], tasks
    task: dict[str, Any] = tasks[0]
    return task


def complete(who: Caller, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Read the task with its form, claim it, and complete it under its ETag."""
    read = who.get(f"/tasks/{task_id}")
    assert read.status_code == 200, read.get_json()
    assert read.get_json()["form"]["schema"]["type"] == "object"
    claim = who.post(f"/tasks/{task_id}/claim")
    assert claim.status_code == 200 and claim.get_json()["assignee"]
    done: dict[str, Any] = who.ok("POST", f"/tasks/{task_id}/complete", json={"data": data},
                                  headers={"If-Match": claim.headers["ETag"]})
    return done


def test_a_hygiene_complaint_from_registration_to_the_archive(shipped: System) -> None:
    add_contact_directory(shipped)
    estate = create_estate(shipped, "Harmony Gardens")
    app: Flask = make_app(shipped)
    clerk = caller(shipped, app, "clerk", "customer_service", estate_id=estate.id)
    cleaner = caller(shipped, app, "cleaner", "cleaning", estate_id=estate.id)

    registered = clerk.ok("POST", "/cases", 201, json={
        "channel": "phone", "type": "complaint", "category": "hygiene",
        "unit": unit_id(shipped, estate, "A", "1203"),
        "description": "Rubbish left in the stairwell of block A",
        "complainant": {"name": "陳大文", "phone": "13800000000"}})
    number, instance_id = registered["number"], registered["instance_id"]
    assert number.startswith("C-2026-") and registered["status"] == "open"

    triage = open_task(clerk, instance_id, "triage")
    assert triage["role"] == "customer_service" and triage["case_number"] == number
    done = complete(clerk, triage["id"], {"triage_decision": "office_handles",
                                          "triage_notes": "stairwell"})
    assert [t["element_id"] for t in done["open_tasks"]] == ["handle_work_order"]

    work_order = done["open_tasks"][0]
    assert work_order["role"] == "cleaning"
    inbox = cleaner.ok("GET", "/tasks", query_string={"scope": "roles"})
    assert [t["id"] for t in inbox["items"]] == [work_order["id"]]
    complete(cleaner, work_order["id"], HANDLED)

    reply = open_task(clerk, instance_id, "reply_to_complainant")
    complete(clerk, reply["id"], dict(REPLY))
    satisfaction = open_task(clerk, instance_id, "record_satisfaction")
    done = complete(clerk, satisfaction["id"], {"satisfied": True,
                                                "satisfaction_remarks": "thanks"})
    assert (done["status"], done["open_tasks"]) == ("completed", [])

    case = clerk.ok("GET", f"/cases/{number}")
    assert case["case"]["status"] == "closed" and case["case"]["closed_at"] is not None
    assert case["case"]["replied_by_channel"] == "phone"
    assert [(w["department"], w["status"], w["handled_by"]) for w in case["work_orders"]] == [
        ("cleaning", "done", "cleaner")]
    [archived] = case["archive"]
    assert HANDLED["handling_method"] in archived["method"] and archived["satisfied"] is True
    assert case["open_tasks"] == []
    steps = [(r["step"], r["actor"]) for r in case["records"] if r["kind"] == "task"]
    assert steps == [("Triage", "clerk"), ("Handle the work order", "cleaner"),
                     ("Reply to the complainant", "clerk"), ("Record satisfaction", "clerk")]

    instance = clerk.ok("GET", f"/instances/{instance_id}")
    assert instance["instance"]["status"] == "completed"
    assert instance["instance"]["process_id"] == "owner_case"
    kinds = [e["kind"] for e in instance["events"]]
    assert kinds[0] == "instance_started" and kinds.count("task_completed") == 4
    assert kinds.count("task_claimed") == 4

    owner = Caller(app.test_client(), None)
    tracked = owner.ok("GET", f"/public/cases/{registered['tracking_code']}")
    assert tracked == {"number": number, "type": "complaint", "category": "hygiene",
                       "received_at": "2026-03-02T09:00:00+00:00", "status": "closed"}


def test_an_escalation_ended_by_a_final_position_reads_through_the_api(shipped: System) -> None:
    add_contact_directory(shipped)
    estate = create_estate(shipped, "Harmony Gardens")
    app: Flask = make_app(shipped)
    clerk = caller(shipped, app, "clerk", "customer_service", estate_id=estate.id)
    supervisor = caller(shipped, app, "lee", "supervisor", estate_id=estate.id)
    manager = caller(shipped, app, "manager", "superior")
    registered = clerk.ok("POST", "/cases", 201, json={
        "channel": "phone", "type": "complaint", "category": "fees",
        "unit": unit_id(shipped, estate, "A", "1203"),
        "description": "The owner wants the parking fee waived",
        "complainant": {"name": "陳大文", "phone": "13800000000"}})
    number, instance_id = registered["number"], registered["instance_id"]
    complete(clerk, open_task(clerk, instance_id, "triage")["id"], {
        "triage_decision": "escalate", "triage_notes": "",
        "escalation_reason": "a waiver is beyond the office"})
    complete(supervisor, open_task(supervisor, instance_id, "supervisor_review")["id"],
             {"supervisor_decision": "pass_up"})
    decide = open_task(manager, instance_id, "superior_decide")
    claim = manager.post(f"/tasks/{decide['id']}/claim")
    refused = manager.post(f"/tasks/{decide['id']}/complete",
                           json={"data": {"superior_decision": "refer"}},
                           headers={"If-Match": claim.headers["ETag"]})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == [
        "referred_to", "authority_reference", "referred_on"]  # each missing field, once
    complete(manager, decide["id"], {"superior_decision": "final_position",
                                     "final_position": "The fee follows the 2025 resolution."})
    reply = open_task(clerk, instance_id, "reply_final_position")
    done = complete(clerk, reply["id"], {"reply_channel": "phone", "reply_letter_text": "",
                                         "reply_text": "The fee stands; this is our final reply."})
    assert done["status"] == "completed"

    case = clerk.ok("GET", f"/cases/{number}")
    [outcome] = case["outcomes"]
    assert (outcome["decision"], outcome["decided_by"], outcome["final_round"]) == (
        "final_position", "manager", False)
    assert outcome["text"] == "The fee follows the 2025 resolution."
    assert outcome["replied_at"] is not None and case["case"]["status"] == "closed"
