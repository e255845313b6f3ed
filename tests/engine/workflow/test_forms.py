"""Task forms match their patterns with RE2: in linear time, or not deployed at all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.common.errors import DefinitionError, FormInvalid
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.forms import FormValidator, pattern_problems
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from engine.workflow.tasks.complete import complete_task
from tests.support.diagrams import bundle, chain, user_task

# Python's backtracking re needs about 2**n steps to refuse n a's and a '!' against this.
NESTED = "^(a+)+$"
HOSTILE = "a" * 64 + "!"


def errors(schema: dict[str, Any], data: object) -> list[str]:
    return [error.message for error in FormValidator(schema).iter_errors(data)]


def test_a_nested_quantifier_refuses_a_long_hostile_answer_at_once() -> None:
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": NESTED}}}
    assert errors(schema, {"code": HOSTILE}) == [f"{HOSTILE!r} does not match {NESTED!r}"]
    assert errors(schema, {"code": "a" * 64}) == []


def test_pattern_properties_match_keys_with_re2() -> None:
    schema = {"type": "object", "patternProperties": {NESTED: {"type": "integer"}},
              "additionalProperties": False}
    assert errors(schema, {"aaa": 1}) == []
    assert errors(schema, {"aaa": "one"}) == ["'one' is not of type 'integer'"]
    assert errors(schema, {HOSTILE: 1}) == [
        f"{HOSTILE!r} does not match any of the regexes: {NESTED!r}"]


def test_additional_properties_still_judge_keys_no_pattern_names() -> None:
    schema = {"type": "object", "properties": {"a": {}},
              "patternProperties": {"^x_": {}}, "additionalProperties": {"type": "string"}}
    assert errors(schema, {"a": 1, "x_1": 2, "other": "fine"}) == []
    assert errors(schema, {"other": 3}) == ["3 is not of type 'string'"]
    closed = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    assert errors(closed, {"a": 1, "b": 2}) == [
        "Additional properties are not allowed ('b' was unexpected)"]


def test_every_pattern_re2_can_run_is_accepted() -> None:
    schema = {"type": "object", "properties": {
        "phone": {"type": "string", "pattern": r"^1[3-9]\d{9}$"},
        "unit": {"type": "string", "pattern": NESTED},
        "pattern": {"type": "string", "const": {"pattern": r"(a)\1"}}}}
    assert pattern_problems(schema) == []


def test_a_backreference_or_lookaround_is_named_by_its_json_pointer() -> None:
    schema = {"type": "object",
              "properties": {"a/b": {"type": "string", "pattern": r"^(\w)\1$"}},
              "patternProperties": {"^(?=x)": {}},
              "items": [{"pattern": "(?<!y)z"}]}
    found = dict(pattern_problems(schema))
    assert sorted(found) == ["/items/0/pattern", "/patternProperties/^(?=x)",
                             "/properties/a~1b/pattern"]
    assert "'^(\\\\w)\\\\1$' cannot be checked in linear time" in found["/properties/a~1b/pattern"]
    assert "without backreferences or lookaround" in found["/patternProperties/^(?=x)"]


def test_pattern_properties_beside_unevaluated_properties_are_refused() -> None:
    schema = {"type": "object", "patternProperties": {"^x": {}}, "unevaluatedProperties": False}
    [(pointer, reason)] = pattern_problems(schema)
    assert pointer == "/patternProperties"
    assert "use additionalProperties instead" in reason


# --- deployed and completed, on every database ------------------------------

def _form(pattern: str) -> dict[str, object]:
    return {"type": "object", "required": ["unit_code"],
            "properties": {"unit_code": {"type": "string", "pattern": pattern}}}


def test_a_deployed_nested_pattern_refuses_a_hostile_completion_at_once(system: System) -> None:
    xml = chain("unit_check", user_task("ask"))
    with system.sessions() as session:
        deploy(session, system.rt, bundle("unit_check", xml, {"ask.schema.json": _form(NESTED)}),
               actor="modeler")
        instance = start_instance(session, system.rt, process_id="unit_check", actor="clerk")
        session.commit()
        task_id = session.scalars(select(HumanTask.id)
                                  .where(HumanTask.instance_id == instance.id)).one()
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        complete_task(session, system.rt, task_id=task_id, data={"unit_code": HOSTILE},
                      actor="clerk")
    assert [error.field for error in refused.value.errors] == ["unit_code"]
    with system.sessions() as session:
        done = complete_task(session, system.rt, task_id=task_id, data={"unit_code": "aaaa"},
                             actor="clerk")
        session.commit()
    assert done.status == "completed"


def test_a_form_with_a_backreference_is_not_deployed(system: System) -> None:
    xml = chain("unit_check", user_task("ask"))
    with system.sessions() as session, pytest.raises(DefinitionError) as refused:
        deploy(session, system.rt,
               bundle("unit_check", xml, {"ask.schema.json": _form(r"^(\d)\1$")}),
               actor="modeler")
    [problem] = refused.value.problems
    assert (problem.file, problem.element_id) == ("unit_check/ask.schema.json", "ask")
    assert problem.message.endswith("(at /properties/unit_code/pattern)")
