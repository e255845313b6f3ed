"""Questionnaires as data: what makes one valid, which questions it rates, checking answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.common.settings import PROJECT_ROOT
from engine.surveys.questionnaire import (
    SCALE,
    QuestionnaireFile,
    answer_errors,
    load_questionnaires,
    questionnaire_problems,
    rating_questions,
    text_questions,
)

SHIPPED = PROJECT_ROOT / "forms" / "questionnaires" / "standard.json"
STANDARD: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))


def questionnaire(code: str = "short", **changes: Any) -> dict[str, Any]:
    """A valid two-question questionnaire; ``changes`` replace its top-level keys."""
    data = {
        "code": code, "title": {"en": "Short survey", "zh": "簡短問卷"},
        "schema": {"type": "object", "additionalProperties": False, "properties": {
            "overall": {"type": "integer", "enum": list(SCALE)},
            "opinions": {"type": "string"}}},
        "ui": {"order": ["overall", "opinions"],
               "labels": {"overall": {"en": "Overall", "zh": "總體"},
                          "opinions": {"en": "Opinions", "zh": "意見"}}},
    }
    return {**data, **changes}


def test_the_shipped_questionnaire_and_a_minimal_one_have_no_problems() -> None:
    assert questionnaire_problems(STANDARD) == []
    assert questionnaire_problems(questionnaire()) == []


def test_every_missing_part_is_named_at_once() -> None:
    assert questionnaire_problems({"code": "x"}) == [
        "'title' is missing", "'schema' is missing", "'ui' is missing"]


def test_a_schema_that_is_not_json_schema_is_refused() -> None:
    data = questionnaire()
    data["schema"]["type"] = "survey"
    problems = questionnaire_problems(data)
    assert len(problems) == 1
    assert problems[0].startswith("the schema is not JSON Schema: ")


@pytest.mark.parametrize("order", [
    ["overall"],                          # a question left out
    ["overall", "opinions", "opinions"],  # one asked twice
    ["overall", "opinions", "colour"],    # one the schema does not have
])
def test_the_order_lists_every_question_exactly_once(order: list[str]) -> None:
    data = questionnaire()
    data["ui"] = {**data["ui"], "order": order}
    assert questionnaire_problems(data) == ["ui.order must list every question once"]


def test_the_title_and_every_label_are_needed_in_english_and_chinese() -> None:
    data = questionnaire(title={"en": "Short survey", "zh": ""})
    data["ui"]["labels"]["opinions"] = {"zh": "意見"}
    assert questionnaire_problems(data) == [
        "question 'opinions' needs a label in English and Chinese",
        "the title is needed in English and Chinese"]


def test_questionnaires_load_in_file_order_with_an_optional_intro(tmp_path: Path) -> None:
    for code in ("yearly", "annex"):
        (tmp_path / f"{code}.json").write_text(json.dumps(questionnaire(code)),
                                               encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a questionnaire", encoding="utf-8")
    loaded = load_questionnaires(tmp_path)
    assert [q.code for q in loaded] == ["annex", "yearly"]
    assert loaded[0].intro == {} and loaded[0].ui["order"] == ["overall", "opinions"]


def test_a_broken_file_is_refused_with_its_name_and_every_problem(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(questionnaire()), encoding="utf-8")
    broken = questionnaire(title={"en": "Only English"})
    broken["ui"]["order"] = ["overall"]
    (tmp_path / "odd.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_questionnaires(tmp_path)
    assert str(refused.value) == ("odd.json: ui.order must list every question once; "
                                  "the title is needed in English and Chinese")


def test_the_content_hash_follows_the_wording_not_the_key_order() -> None:
    data = questionnaire()
    first = QuestionnaireFile(code="short", title=data["title"], intro={},
                              schema=data["schema"], ui=data["ui"])
    reordered = QuestionnaireFile(code="short", title={"zh": "簡短問卷", "en": "Short survey"},
                                  intro={}, schema=data["schema"], ui=data["ui"])
    reworded = QuestionnaireFile(code="short", title={"en": "Short survey", "zh": "問卷"},
                                 intro={}, schema=data["schema"], ui=data["ui"])
    assert first.content_hash == reordered.content_hash
    assert first.content_hash != reworded.content_hash
    assert len(first.content_hash) == 64


def test_only_integers_on_the_one_to_five_scale_are_ratings() -> None:
    schema = {"properties": {
        "lift": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "floors": {"type": "integer"},
        "score": {"type": "integer", "enum": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
        "remarks": {"type": "string"},
        "agree": {"type": "boolean"},
        "garden": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "ideas": {"type": "string", "maxLength": 10}}}
    assert rating_questions(schema) == ["lift", "garden"]
    assert text_questions(schema) == ["remarks", "ideas"]
    assert rating_questions({}) == [] and text_questions({}) == []


def test_every_wrong_answer_is_reported_in_question_order() -> None:
    errors = answer_errors(STANDARD["schema"], {"security": "good", "overall": 0})
    fields = [e.field for e in errors]
    assert fields == sorted(fields) and set(fields) == {"overall", "security"}


@pytest.mark.parametrize("value", [True, 0, 6, 4.5, "4"])
def test_a_rating_outside_the_scale_is_refused(value: object) -> None:
    errors = answer_errors(STANDARD["schema"], {"overall": value})
    assert errors and {e.field for e in errors} == {"overall"}


def test_a_free_text_answer_may_not_exceed_the_forms_length() -> None:
    limit = STANDARD["schema"]["properties"]["opinions"]["maxLength"]
    assert answer_errors(STANDARD["schema"], {"opinions": "好" * limit}) == []
    too_long = answer_errors(STANDARD["schema"], {"opinions": "好" * (limit + 1)})
    assert [e.field for e in too_long] == ["opinions"]


def test_a_form_with_nothing_answered_is_refused_as_empty() -> None:
    for nothing in ({}, {"opinions": "", "suggestions": " \n "}):
        errors = answer_errors(STANDARD["schema"], nothing)
        assert [(e.path, e.message) for e in errors] == [
            ((), "the form is empty: answer at least one question")]
    assert answer_errors(STANDARD["schema"], {"greenery": 1}) == []
    assert answer_errors(STANDARD["schema"], {"suggestions": "More benches"}) == []


def test_a_pattern_that_cannot_run_in_linear_time_is_refused_and_others_run_under_re2() -> None:
    data = questionnaire()
    data["schema"]["properties"]["opinions"]["pattern"] = r"^(\w)\1$"  # a backreference
    [problem] = questionnaire_problems(data)
    assert problem.startswith("/properties/opinions/pattern: ")
    exponential = questionnaire()
    exponential["schema"]["properties"]["opinions"]["pattern"] = "^(a+)+$"
    assert questionnaire_problems(exponential) == []
    # Under Python's re this answer would take minutes; RE2 refuses it at once.
    errors = answer_errors(exponential["schema"], {"overall": 5, "opinions": "a" * 64 + "!"})
    assert [e.path for e in errors] == [("opinions",)]
