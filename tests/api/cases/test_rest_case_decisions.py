"""A routing table that fails while a case starts stops the case with an incident, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from engine.common.errors import DefinitionError
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.incidents import open_incidents
from engine.workflow.models import ProcessVersion
from engine.workflow.versions import latest_version
from tests.support.api import Caller, caller, make_app
from tests.support.people import create_estate

PROCESSES = Path(__file__).parents[3] / "processes"
FACILITIES_OUTPUT = '<text>"equipment_operations"</text>'
HYGIENE_ENTRY = '<text>"hygiene"</text>'


@pytest.fixture
def clerk(shipped: System) -> Caller:
    estate = create_estate(shipped, "Harmony Gardens")
    return caller(shipped, make_app(shipped), "clerk", "customer_service", estate_id=estate.id)


def routing_table(old: str, new: str) -> str:
    table = (PROCESSES / "case_routing.dmn").read_text(encoding="utf-8")
    assert old in table, old
    return table.replace(old, new, 1)


def a_case(category: str) -> dict[str, Any]:
    return {"channel": "phone", "type": "repair", "category": category, "unit": None,
            "description": "Water is coming through the ceiling",
            "complainant": {"name": "李小姐", "phone": "13900000000"}}


def incident_of(system: System, instance_id: int) -> tuple[str | None, str, str]:
    with system.sessions() as session:
        [incident] = open_incidents(session, instance_id=instance_id)
    return incident.element_id, incident.kind, incident.message


def test_a_routing_table_failing_at_run_time_stops_the_case_with_an_incident(
        shipped: System, clerk: Caller) -> None:
    bundle = Bundle.from_paths([PROCESSES])
    # It passes the deploy check: the name is missing only when the table runs.
    bundle.dmn["case_routing.dmn"] = routing_table(
        FACILITIES_OUTPUT, "<text>department_of[category]</text>").encode()
    with shipped.sessions() as session:
        deploy(session, shipped.rt, bundle, actor="modeler")
        session.commit()

    registered = clerk.ok("POST", "/cases", 201, json=a_case("facilities"))
    instance = clerk.ok("GET", f"/instances/{registered['instance_id']}")
    assert instance["instance"]["status"] == "error" and instance["open_tasks"] == []
    element_id, kind, message = incident_of(shipped, registered["instance_id"])
    assert (element_id, kind) == ("decide_routing", "script_error")
    assert message == ("decision 'case_routing', rule 6, its outputs: "
                       "name 'department_of' is not defined")
    # Other categories never reach the broken rule and go on as before.
    clerk.ok("POST", "/cases", 201, json=a_case("noise"))


def test_a_hostile_routing_table_is_refused_at_deploy(shipped: System) -> None:
    bundle = Bundle.from_paths([PROCESSES])
    hostile = escape('__import__("os").system("id")')
    bundle.dmn["case_routing.dmn"] = routing_table(HYGIENE_ENTRY,
                                                   f"<text>{hostile}</text>").encode()
    with shipped.sessions() as session, pytest.raises(DefinitionError) as refused:
        deploy(session, shipped.rt, bundle, actor="modeler")
    assert {(p.file, p.element_id) for p in refused.value.problems} == {
        ("case_routing.dmn", "case_routing")}


def test_a_hostile_table_stored_before_the_check_is_refused_when_it_runs(
        shipped: System, clerk: Caller, tmp_path: Path) -> None:
    owned = tmp_path / "owned"
    hostile = escape(f'__import__("os").system("touch {owned}") == 0 or "hygiene"')
    with shipped.sessions() as session:
        latest = latest_version(session, "owner_case")
        assert latest is not None
        # As an earlier release deployed it, unchecked: straight into the table.
        session.add(ProcessVersion(
            process_id="owner_case", version=latest.version + 1, name=latest.name,
            content_hash="0" * 64, bpmn_file=latest.bpmn_file, bpmn_xml=latest.bpmn_xml,
            dmn={**latest.dmn, "case_routing.dmn": routing_table(
                HYGIENE_ENTRY, f"<text>{hostile}</text>")},
            forms=latest.forms, calls=latest.calls, timer_starts=latest.timer_starts,
            deployed_by="old release", deployed_at=latest.deployed_at))
        session.commit()

    registered = clerk.ok("POST", "/cases", 201, json=a_case("hygiene"))
    element_id, kind, message = incident_of(shipped, registered["instance_id"])
    assert (element_id, kind) == ("decide_routing", "script_refused")
    assert message.startswith("decision 'case_routing', rule 3, input column 1 (Category): ")
    assert not owned.exists()
    with shipped.sessions() as session:
        assert session.scalars(select(ProcessVersion.version)
                               .where(ProcessVersion.content_hash == "0" * 64)).one() == \
            latest.version + 1
