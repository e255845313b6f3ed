"""Processes over the API: what is deployed, validating and deploying uploaded files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask

from engine.common.settings import PROJECT_ROOT
from engine.system import System
from tests.support.api import Caller, caller, check_error, make_app

REPAIR = (PROJECT_ROOT / "processes" / "routine_repair.bpmn").read_bytes()
FORMS = sorted((PROJECT_ROOT / "forms" / "routine_repair").glob("*.json"))


@pytest.fixture
def app(shipped: System) -> Flask:
    return make_app(shipped)


@pytest.fixture
def modeler(shipped: System, app: Flask) -> Caller:
    return caller(shipped, app, "modeler", "process_owner")


def upload(bpmn: bytes = REPAIR, *, forms: list[Path] = FORMS, folder: bool = False,
           **fields: str) -> dict[str, object]:
    files = [(io.BytesIO(bpmn), "routine_repair.bpmn")]
    files += [(io.BytesIO(f.read_bytes()), f"routine_repair/{f.name}" if folder else f.name)
              for f in forms]
    return {"data": {"files": files, **fields}, "content_type": "multipart/form-data"}


def test_the_deployed_processes_are_listed_with_their_versions(modeler: Caller) -> None:
    processes = {p["process_id"]: p for p in modeler.ok("GET", "/processes")}
    assert {"owner_case", "escalation", "routine_repair"} <= set(processes)
    owner_case = processes["owner_case"]
    assert owner_case["latest_version"] == 1 and owner_case["calls"] == ["escalation"]
    assert [v["version"] for v in owner_case["versions"]] == [1]
    assert owner_case["versions"][0]["deployed_by"] == "tests"


def test_valid_files_validate_and_deploy_a_new_version_once(modeler: Caller) -> None:
    assert modeler.ok("POST", "/processes/validate", **upload()) == {
        "valid": True, "processes": ["routine_repair"]}
    changed = REPAIR.replace(b'name="Routine repair"', b'name="Routine repairs"')
    assert changed != REPAIR
    deployed = modeler.ok("POST", "/processes", 201, **upload(changed, folder=True,
                                                              note="plural"))
    assert deployed == [{"process_id": "routine_repair", "version": 2, "created": True}]
    again = modeler.ok("POST", "/processes", 201, **upload(changed))
    assert again == [{"process_id": "routine_repair", "version": 2, "created": False}]
    listed = {p["process_id"]: p for p in modeler.ok("GET", "/processes")}["routine_repair"]
    assert [(v["version"], v["note"], v["deployed_by"]) for v in listed["versions"]] == [
        (2, "plural", "modeler"), (1, "", "tests")]


def test_a_broken_script_is_422_with_file_element_and_line(modeler: Caller) -> None:
    broken = REPAIR.replace(b'priority = "high"', b'import os\npriority = "high"')
    line = next(n for n, text in enumerate(broken.decode().splitlines(), 1) if "import os" in text)
    for path in ("/processes/validate", "/processes"):
        body = check_error(modeler.post(path, **upload(broken)), 422, "invalid_definition")
        [problem] = body["errors"]
        assert set(problem) == {"file", "element_id", "line", "message"}
        assert (problem["file"], problem["element_id"], problem["line"]) == (
            "routine_repair.bpmn", "set_priority", line)
        assert "import" in problem["message"].lower()


def test_malformed_xml_and_a_missing_form_are_named(modeler: Caller) -> None:
    body = check_error(modeler.post("/processes/validate", **upload(b"<bpmn:definitions")), 422)
    assert body["errors"][0]["file"] == "routine_repair.bpmn"
    assert body["errors"][0]["line"] is not None
    no_forms = check_error(modeler.post("/processes/validate", **upload(forms=[])), 422)
    assert {e["element_id"] for e in no_forms["errors"]} == {"describe_repair",
                                                             "carry_out_repair"}


def test_uploads_that_are_not_process_files_are_refused(modeler: Caller) -> None:
    odd = {"data": {"files": [(io.BytesIO(b"x"), "notes.txt"),
                              (io.BytesIO(b"x"), "../escape.bpmn")]},
           "content_type": "multipart/form-data"}
    body = check_error(modeler.post("/processes/validate", **odd), 422, "invalid_definition")
    assert [e["file"] for e in body["errors"]] == ["notes.txt", "../escape.bpmn"]
    empty = check_error(modeler.post("/processes/validate", data={},
                                      content_type="multipart/form-data"), 422)
    assert empty["errors"] == [{"field": "files", "message": "Missing data for required field."}]


def test_only_process_owners_validate_or_deploy(shipped: System, app: Flask) -> None:
    clerk = caller(shipped, app, "clerk", "customer_service")
    assert clerk.ok("GET", "/processes")
    for path in ("/processes/validate", "/processes"):
        check_error(clerk.post(path, **upload()), 403, "permission_denied")


def test_an_upload_past_the_limit_is_413(shipped: System) -> None:
    app = make_app(shipped)
    app.config["LIAISON_API_MAX_UPLOAD_BYTES"] = len(REPAIR) + 4096
    modeler = caller(shipped, app, "modeler", "process_owner")
    big = REPAIR + b"<!--" + b"x" * 4096 + b"-->"
    check_error(modeler.post("/processes/validate", **upload(big)), 413,
                 "request_entity_too_large")
    assert modeler.post("/processes/validate", **upload(forms=FORMS[:1])).status_code == 422
