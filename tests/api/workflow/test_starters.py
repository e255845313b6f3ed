"""Who may start which process, one rule at every entrance (engine/workflow/starters.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.common.errors import DefinitionError
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.lanes import load_lane_roles, load_starters
from engine.workflow.models import ProcessInstance
from engine.workflow.starters import starters_of
from engine.workflow.versions import pinned_versions
from tests.support.api import caller, check_error, make_app
from tests.support.diagrams import bundle, chain, user_task

PATROL_LANE = ('<bpmn:laneSet id="lanes"><bpmn:lane id="guards" name="Security">'
               '<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>walk</bpmn:flowNodeRef>'
               '<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')


@pytest.fixture
def app(shipped: System) -> Flask:
    with shipped.sessions() as session:
        deploy(session, shipped.rt, bundle("patrol", chain("patrol", user_task("walk"),
                                                           extra=PATROL_LANE)), actor="modeler")
        session.commit()
    return make_app(shipped)


def instances(system: System) -> int:
    with system.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


@pytest.mark.parametrize(("process_id", "starters"), [
    ("owner_case", {"customer_service", "supervisor"}), ("routine_repair", {"customer_service"}),
    ("yearly_survey", {"customer_service"}), ("survey_follow_up", {"customer_service"}),
    ("committee_formation", {"customer_service"}), ("escalation", {"supervisor"}),
    # lanes.json: a supervisor registers a case as the front desk does; only they call a meeting
    ("general_meeting", {"supervisor"}),
])
def test_each_shipped_process_is_started_by_its_start_lane_or_by_lanes_json(
        shipped: System, process_id: str, starters: set[str]) -> None:
    with shipped.sessions() as session:
        compiled = shipped.rt.specs.get(pinned_versions(session, process_id))
    assert starters_of(shipped.rt, compiled) == starters


@pytest.mark.parametrize(("username", "roles", "process_id", "who"), [
    ("guard", ("security",), "yearly_survey", "Customer service"),
    ("engineer", ("equipment_operations",), "general_meeting", "Supervisor"),
    ("guard", ("security",), "committee_formation", "Customer service"),
    ("clerk", ("customer_service",), "general_meeting", "Supervisor"),
    ("clerk", ("customer_service",), "patrol", "Security"),
])
def test_a_staff_member_who_is_not_a_starter_is_refused_with_403_and_nothing_starts(
        shipped: System, app: Flask, username: str, roles: tuple[str, ...], process_id: str,
        who: str) -> None:
    for code in ("customer_service", "supervisor", "security"):
        caller(shipped, app, f"holder-{code}", code)  # so each role has its name on record
    before = instances(shipped)

    refused = check_error(caller(shipped, app, username, *roles).post(
        "/instances", json={"process_id": process_id, "data": {}}), 403, "permission_denied")

    assert refused["message"] == f"only {who} may start {process_id}"
    assert instances(shipped) == before


def test_a_starter_of_the_lane_starts_the_process(shipped: System, app: Flask) -> None:
    started = caller(shipped, app, "guard", "security").ok(
        "POST", "/instances", 201, json={"process_id": "patrol", "data": {}})

    assert [t["element_id"] for t in started["open_tasks"]] == ["walk"]


def test_an_engineer_may_not_register_a_case_over_the_api(shipped: System, app: Flask) -> None:
    before = instances(shipped)
    engineer = caller(shipped, app, "engineer", "equipment_operations")

    check_error(engineer.post("/cases", json={}), 403, "permission_denied")
    check_error(engineer.post("/instances", json={"process_id": "owner_case", "data": {}}),
                403, "permission_denied")
    assert instances(shipped) == before


def test_lanes_json_names_starters_beside_the_lanes(tmp_path: Path) -> None:
    (tmp_path / "lanes.json").write_text(json.dumps({
        "Security": "security", "starters": {"_comment": "why", "patrol": ["security", "x"]}}))

    assert load_lane_roles(tmp_path) == {"Security": "security"}
    assert load_starters(tmp_path) == {"patrol": frozenset({"security", "x"})}


@pytest.mark.parametrize("starters", [["security"], {"patrol": "security"}, {"patrol": []}])
def test_starters_that_are_not_lists_of_role_codes_are_refused(tmp_path: Path,
                                                               starters: object) -> None:
    (tmp_path / "lanes.json").write_text(json.dumps({"starters": starters}))

    with pytest.raises(DefinitionError, match="must map process ids to lists of role codes"):
        load_starters(tmp_path)
