"""The return-visit pages and REST resource: open a month, read its coverage and visits."""

from __future__ import annotations

import math

from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from engine.common.clock import FrozenClock
from engine.directory.models import Estate
from engine.return_visits.models import CallScript, ReturnVisit
from engine.system import System
from engine.workflow.models import HumanTask
from tests.api.conftest import csrf_token, sign_in
from tests.support.api import Caller, check_error, token_of
from tests.support.return_visits import add_orders, demo_office


def _client(system: System, username: str, language: str = "zh") -> FlaskClient:
    client = create_app({"TESTING": True}, system=system).test_client()
    assert sign_in(client, username, f"{username}-demo").status_code == 302
    client.get(f"/lang/{language}")
    return client


def _open(client: FlaskClient, month: str) -> str:
    token = csrf_token(client, "/return-visits")
    response = client.post("/return-visits", data={"month": month, "csrf_token": token},
                           follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_supervisor_opens_last_month_and_reads_its_visits_in_chinese(
        shipped: System, clock: FrozenClock) -> None:
    system = demo_office(shipped, clock)
    add_orders(system, 20)
    client = _client(system, "supervisor")
    index = client.get("/return-visits").get_data(as_text=True)
    assert "每月回訪" in index and 'value="2026-11"' in index  # last month, ready to open
    page = _open(client, "2026-11")
    assert "2026-11 的回訪" in page and "已完成派工單" in page and str(math.ceil(0.9 * 20)) in page
    # Opening it again is refused, with the reason, and nothing else opens.
    again = _open(client, "2026-11")
    assert "2026-11 的回訪已開始" in again
    assert "未結束" in _open(client, "2026-12")
    with system.sessions() as session:
        assert len(session.scalars(select(ReturnVisit)).all()) == 18
    assert client.get("/return-visits/2026-13").status_code == 404
    assert client.get("/return-visits/2026-10").status_code == 404


def test_only_a_supervisor_opens_a_month(shipped: System, clock: FrozenClock) -> None:
    system = demo_office(shipped, clock)
    client = _client(system, "engineer")
    assert client.get("/return-visits").status_code == 200
    response = client.post("/return-visits", data={
        "month": "2026-11", "csrf_token": csrf_token(client, "/return-visits")})
    assert response.status_code == 403


def test_the_estates_call_script_is_what_the_visit_shows(shipped: System,
                                                         clock: FrozenClock) -> None:
    system = demo_office(shipped, clock)
    add_orders(system, 3, complaint_share=1.0)
    client = _client(system, "supervisor")
    with system.sessions() as session:
        estate_id = session.scalars(select(Estate.id)).one()
    script = "您好，這裡是和諧花園管理處，想了解維修後的情況。"
    saved = client.post("/return-visits/script", data={
        "estate_id": estate_id, "text": script,
        "csrf_token": csrf_token(client, "/return-visits/script")}, follow_redirects=True)
    assert saved.status_code == 200 and script in saved.get_data(as_text=True)
    _open(client, "2026-11")
    with system.sessions() as session:
        assert session.get_one(CallScript, estate_id).updated_by == "supervisor"
        task = session.scalars(select(HumanTask)
                               .where(HumanTask.process_id == "return_visit")).first()
    assert task is not None
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert script in page and "回訪話術" in page


def test_the_rest_resource_opens_a_month_once_and_reads_it(shipped: System,
                                                           clock: FrozenClock) -> None:
    system = demo_office(shipped, clock)
    add_orders(system, 37)
    app = create_app({"TESTING": True}, system=system)
    boss = Caller(app.test_client(), token_of(system, "supervisor"))
    clerk = Caller(app.test_client(), token_of(system, "clerk"))
    check_error(boss.get("/return-visits", query_string={"month": "2026-11"}), 404)
    check_error(clerk.post("/return-visits", json={"month": "2026-11"}), 403)
    opened = boss.ok("POST", "/return-visits", 201, json={"month": "2026-11"})
    assert opened == {"month": "2026-11", "completed_orders": 37, "sampled": opened["sampled"]}
    assert opened["sampled"] >= 34
    check_error(boss.post("/return-visits", json={"month": "2026-11"}), 409)
    check_error(boss.post("/return-visits", json={"month": "2026-11", "percent": 80}), 422)
    check_error(boss.get("/return-visits", query_string={"month": "November"}), 422)
    body = clerk.ok("GET", "/return-visits", query_string={"month": "2026-11"})
    assert {"month", "completed_orders", "sampled", "visited", "unreachable", "coverage",
            "by_department", "visits"} <= set(body)
    assert body["visited"] == 0 and body["coverage"] == 0.0
    assert len(body["visits"]) == opened["sampled"]
    assert sum(d["completed_orders"] for d in body["by_department"]) == 37
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/return-visits" in spec["paths"] or "/return-visits" in str(spec["paths"])
