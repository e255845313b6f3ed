"""Tasks over the API: field errors, completing twice, stale ETags, claiming, paging limits."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from engine.system import System
from engine.workflow.tasks.inbox import MAX_PER_PAGE
from tests.support.api import Caller, caller, check_error, make_app
from tests.support.cases import CaseDriver

TRIAGED = {"triage_decision": "office_handles", "triage_notes": "stairwell"}


@pytest.fixture
def app(shipped: System) -> Flask:
    return make_app(shipped)


def triage_of(system: System) -> str:
    return CaseDriver.register(system).task_id("triage")


def test_a_task_carries_its_form_and_an_etag(shipped: System, clerk: Caller) -> None:
    task_id = triage_of(shipped)
    response = clerk.get(f"/tasks/{task_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["form"]["name"] == "owner_case/triage.schema.json"
    assert "triage_decision" in body["form"]["schema"]["properties"]
    assert isinstance(body["form"]["ui"], dict) and body["form"]["ui"]
    assert body["data"]["case_number"] == body["case"]["number"]
    assert body["may_complete"] is True and body["task"]["id"] == task_id
    etag = response.headers["ETag"]
    assert etag.startswith('"') and clerk.get(f"/tasks/{task_id}").headers["ETag"] == etag


def test_a_task_s_form_comes_in_the_caller_s_language(shipped: System, clerk: Caller) -> None:
    task_id = triage_of(shipped)
    for language, title, first in (
            ("zh-TW", "由誰處理", "本處處理（派工單）"),
            ("en", "Who can solve it?", "The office handles it (work order)")):
        response = clerk.get(f"/tasks/{task_id}", headers={"Accept-Language": language})
        form = response.get_json()["form"]
        assert form["schema"]["properties"]["triage_decision"]["title"] == title
        assert form["ui"]["triage_decision"]["ui:enumNames"][0] == first
        assert form["schema"]["properties"]["triage_decision"]["enum"][0] == "office_handles"


def test_field_errors_come_back_as_422_with_the_field_named(shipped: System,
                                                            clerk: Caller) -> None:
    task_id = triage_of(shipped)
    body = check_error(clerk.post(f"/tasks/{task_id}/complete",
                                   json={"data": {"triage_decision": "shrug"}}), 422,
                        "form_invalid")
    assert [e["field"] for e in body["errors"]] == ["triage_decision"]
    missing = check_error(clerk.post(f"/tasks/{task_id}/complete", json={}), 422)
    assert missing["errors"] == [{"field": "data",
                                  "message": "Missing data for required field."}]
    nul = check_error(clerk.post(f"/tasks/{task_id}/complete",
                                  json={"data": {"triage_notes": "a\u0000b"}}), 422)
    assert nul["errors"][0]["field"] == "data"
    not_json = clerk.post(f"/tasks/{task_id}/complete", data="{", content_type="application/json")
    check_error(not_json, 400)


def test_completing_twice_is_409(shipped: System, clerk: Caller) -> None:
    task_id = triage_of(shipped)
    done = clerk.ok("POST", f"/tasks/{task_id}/complete", json={"data": TRIAGED})
    assert done["status"] == "running"
    again = check_error(clerk.post(f"/tasks/{task_id}/complete", json={"data": TRIAGED}), 409,
                         "task_not_ready")
    assert "already completed by clerk" in again["message"]


def test_a_stale_if_match_is_412_and_the_current_one_completes(shipped: System,
                                                               clerk: Caller) -> None:
    task_id = triage_of(shipped)
    before = clerk.get(f"/tasks/{task_id}").headers["ETag"]
    claimed = clerk.post(f"/tasks/{task_id}/claim")
    assert claimed.headers["ETag"] != before  # the task changed hands
    body = check_error(clerk.post(f"/tasks/{task_id}/complete", json={"data": TRIAGED},
                                   headers={"If-Match": before}), 412, "precondition_failed")
    assert claimed.headers["ETag"].strip('"') in body["message"]
    check_error(clerk.post(f"/tasks/{task_id}/complete", json={"data": TRIAGED},
                            headers={"If-Match": f"W/{claimed.headers['ETag']}"}), 412)
    clerk.ok("POST", f"/tasks/{task_id}/complete", json={"data": TRIAGED},
             headers={"If-Match": f'"other", {claimed.headers["ETag"]}'})


def test_if_match_star_and_no_if_match_leave_it_to_the_ready_check(shipped: System,
                                                                   clerk: Caller) -> None:
    first, second = triage_of(shipped), triage_of(shipped)
    clerk.ok("POST", f"/tasks/{first}/complete", json={"data": TRIAGED},
             headers={"If-Match": "*"})
    clerk.ok("POST", f"/tasks/{second}/complete", json={"data": TRIAGED})
    check_error(clerk.post(f"/tasks/{first}/complete", json={"data": TRIAGED},
                            headers={"If-Match": '"anything"'}), 409)


def test_another_roles_task_is_403_to_complete(shipped: System, app: Flask) -> None:
    task_id = triage_of(shipped)
    guard = caller(shipped, app, "guard", "security")
    check_error(guard.post(f"/tasks/{task_id}/complete", json={"data": TRIAGED}), 403,
                 "permission_denied")
    check_error(guard.get(f"/tasks/{task_id}"), 403)


def test_claim_release_and_assign(shipped: System, app: Flask, clerk: Caller) -> None:
    task_id = triage_of(shipped)
    other = caller(shipped, app, "other_clerk", "customer_service")
    boss = caller(shipped, app, "boss", "supervisor", "customer_service")
    assert clerk.ok("POST", f"/tasks/{task_id}/claim")["assignee"] == "clerk"
    check_error(other.post(f"/tasks/{task_id}/claim"), 409, "conflict")
    check_error(other.post(f"/tasks/{task_id}/release"), 403)
    assert clerk.ok("POST", f"/tasks/{task_id}/release")["assignee"] is None
    check_error(clerk.post(f"/tasks/{task_id}/assign", json={"assignee": "other_clerk"}), 403)
    assigned = boss.ok("POST", f"/tasks/{task_id}/assign", json={"assignee": "other_clerk"})
    assert assigned["assignee"] == "other_clerk"
    unfit = check_error(boss.post(f"/tasks/{task_id}/assign", json={"assignee": "nobody"}), 422)
    assert unfit["errors"][0]["field"] == "assignee"
    check_error(clerk.post(f"/tasks/{task_id}/complete", json={"data": TRIAGED}), 403)
    other.ok("POST", f"/tasks/{task_id}/complete", json={"data": TRIAGED})


def test_unknown_tasks_are_404(clerk: Caller) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    check_error(clerk.get(f"/tasks/{missing}"), 404, "not_found")
    check_error(clerk.post(f"/tasks/{missing}/claim"), 404)
    check_error(clerk.get("/tasks/not-a-uuid"), 404)


def page(who: Caller, **query: Any) -> dict[str, Any]:
    body: dict[str, Any] = who.ok("GET", "/tasks", query_string=query)
    return body


def test_paging_has_limits_and_walks_every_task_once(shipped: System, clerk: Caller) -> None:
    ids = {triage_of(shipped) for _ in range(5)}
    first = page(clerk, per_page=2)
    assert (first["total"], first["pages"], len(first["items"])) == (5, 3, 2)
    seen = [t["id"] for n in (1, 2, 3) for t in page(clerk, per_page=2, page=n)["items"]]
    assert sorted(seen) == sorted(ids)
    assert page(clerk, per_page=2, page=4)["items"] == []
    assert page(clerk, per_page=MAX_PER_PAGE)["per_page"] == MAX_PER_PAGE
    for bad in ({"per_page": MAX_PER_PAGE + 1}, {"per_page": 0}, {"page": 0},
                {"page": 10_001}, {"scope": "everything"}, {"sort": "random"},
                {"due": "someday"}):
        body = check_error(clerk.get("/tasks", query_string=bad), 422)
        assert [e["field"] for e in body["errors"]] == list(bad)


def test_scopes_and_filters(shipped: System, app: Flask, clerk: Caller) -> None:
    task_id = triage_of(shipped)
    number = clerk.ok("GET", f"/tasks/{task_id}")["case"]["number"]
    assert page(clerk, scope="mine")["total"] == 0
    clerk.ok("POST", f"/tasks/{task_id}/claim")
    assert [t["id"] for t in page(clerk, scope="mine")["items"]] == [task_id]
    assert page(clerk, text=number)["total"] == 1
    assert page(clerk, text="C-1999")["total"] == 0
    assert page(clerk, process_id="routine_repair")["total"] == 0
    check_error(clerk.get("/tasks", query_string={"scope": "all"}), 403)
    boss = caller(shipped, app, "boss", "supervisor")
    assert page(boss, scope="all")["total"] == 1
