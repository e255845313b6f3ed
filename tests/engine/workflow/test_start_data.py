"""A process's declared start data (forms/<process_id>/start.schema.json) is checked at start."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from engine.common.errors import DefinitionError, FormInvalid
from engine.common.settings import PROJECT_ROOT
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import ProcessInstance
from tests.support.diagrams import bundle, chain, script_task

SHIPPED = sorted(p.stem for p in (PROJECT_ROOT / "processes").glob("*.bpmn"))
SHARE = chain("fees", script_task("share", "share = total / households"))
FEES_START: dict[str, object] = {"type": "object", "required": ["total", "households"],
              "properties": {"total": {"type": "number"},
                             "households": {"type": "integer", "minimum": 1}}}


def deploy_fees(system: System, start: dict[str, object]) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle("fees", SHARE, {"start.schema.json": start}),
               actor="modeler")
        session.commit()


def instances(system: System) -> int:
    with system.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


@pytest.mark.parametrize("process_id", SHIPPED)
def test_every_shipped_process_declares_its_start_data_as_a_json_schema(process_id: str) -> None:
    path = PROJECT_ROOT / "forms" / process_id / "start.schema.json"
    Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_start_data_that_misses_what_the_process_needs_is_refused_with_each_field(
        system: System) -> None:
    deploy_fees(system, FEES_START)
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        start_instance(session, system.rt, process_id="fees", data={"households": 0})

    assert [(e.path, e.message) for e in refused.value.errors] == [
        (("total",), "'total' is a required property"),
        (("households",), "0 is less than the minimum of 1")]
    assert refused.value.context() == {"process_id": "fees"}
    assert instances(system) == 0


def test_start_data_that_fits_the_declaration_starts_the_instance(system: System) -> None:
    deploy_fees(system, FEES_START)
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id="fees",
                                  data={"total": 9, "households": 3})
        session.commit()
    assert instance.status == "completed"


def test_a_process_without_a_declaration_takes_any_object(system: System) -> None:
    with system.sessions() as session:
        deploy(session, system.rt, bundle("fees", SHARE), actor="modeler")
        instance = start_instance(session, system.rt, process_id="fees",
                                  data={"total": 9, "households": 0})
    assert instance.status == "error"  # the script's division by zero, as before


def test_a_start_declaration_that_is_no_json_schema_is_refused_at_deploy(system: System) -> None:
    with pytest.raises(DefinitionError) as refused:
        deploy_fees(system, {"type": "no such type"})

    [problem] = refused.value.problems
    assert problem.file == "fees/start.schema.json"
    assert "not a valid JSON Schema" in problem.message


def test_a_language_overlay_that_is_no_object_of_words_is_refused_at_deploy(
        system: System) -> None:
    broken = bundle("fees", SHARE, {"start.schema.json": FEES_START})
    broken.forms["fees/start.zh.json"] = b"{not json"
    broken.forms["fees/start.en.json"] = b'{"fields": ["total"]}'
    with system.sessions() as session, pytest.raises(DefinitionError) as refused:
        deploy(session, system.rt, broken, actor="modeler")
    assert [(p.file, p.message.split(":")[0]) for p in refused.value.problems] == [
        ("fees/start.en.json", 'the form\'s words must be a JSON object with "title", '
                               '"description" and "fields" by field name'),
        ("fees/start.zh.json", "the form's words are not valid JSON")]
