"""The return rate, the tabulation and the free-text suggestions of the survey."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from engine.common.settings import PROJECT_ROOT
from engine.surveys.questionnaire import (
    answer_errors,
    load_questionnaires,
    questionnaire_problems,
    rating_questions,
    text_questions,
)
from engine.surveys.tally import meets_target, return_rate, tabulate
from engine.surveys.text import split_points, suggest

STANDARD = load_questionnaires(PROJECT_ROOT / "forms" / "questionnaires")[0]


def test_the_return_rate_is_an_exact_fraction_and_75_percent_is_enough() -> None:
    assert return_rate(34, 45) == Fraction(34, 45)
    assert meets_target(return_rate(3, 4)) and not meets_target(return_rate(33, 45))
    assert meets_target(return_rate(34, 45))  # 75.5 %
    with pytest.raises(ValueError, match="no survey forms were sent"):
        return_rate(0, 0)
    with pytest.raises(ValueError, match="cannot have come back"):
        return_rate(5, 4)


def test_tabulation_counts_each_question_overall_and_per_building() -> None:
    result = tabulate(["overall", "repairs"], [
        ("A", {"overall": 5, "repairs": 2}), ("A", {"overall": 4}),
        ("B", {"overall": 1, "repairs": True, "opinions": "x"})]).as_json()
    assert result["responses"] == 3
    assert result["overall"]["overall"] == {
        "counts": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}, "answered": 3,
        "mean": 3.33, "mean_exact": "10/3",
        "satisfaction": {"satisfied": 2, "answered": 3, "percent": 66.7, "exact": "2/3"}}
    # A blank and a True (not a rating) count for nobody.
    assert result["overall"]["repairs"]["answered"] == 1
    assert result["buildings"]["A"]["responses"] == 2
    assert result["buildings"]["A"]["questions"]["overall"]["mean_exact"] == "9/2"
    assert result["buildings"]["B"]["questions"]["repairs"]["mean"] is None


def test_the_standard_questionnaire_asks_the_seven_ratings_and_two_free_texts() -> None:
    assert rating_questions(STANDARD.schema) == [
        "overall", "cleanliness", "security", "repairs", "greenery", "customer_service",
        "fees_transparency"]
    assert text_questions(STANDARD.schema) == ["opinions", "suggestions"]
    assert all(label["en"] and label["zh"] for label in STANDARD.ui["labels"].values())


def test_the_follow_up_form_asks_the_standard_questionnaire_in_its_order() -> None:
    folder = PROJECT_ROOT / "forms" / "survey_follow_up"
    schema = json.loads((folder / "visit_unit.schema.json").read_text(encoding="utf-8"))
    ui = json.loads((folder / "visit_unit.ui.json").read_text(encoding="utf-8"))
    answers = schema["properties"]["answers"]
    assert answers["properties"] == STANDARD.schema["properties"]
    assert answers["additionalProperties"] is False
    assert ui["answers"]["ui:order"] == STANDARD.ui["order"]


def test_answers_are_checked_against_the_questionnaire() -> None:
    assert answer_errors(STANDARD.schema, {"overall": 4, "opinions": "好"}) == []
    assert [e.field for e in answer_errors(STANDARD.schema, {"overall": 6})] == ["overall"]
    assert answer_errors(STANDARD.schema, {"colour": "blue"})[0].message.startswith(
        "Additional properties")
    assert "empty" in answer_errors(STANDARD.schema, {"opinions": "  "})[0].message
    assert answer_errors(STANDARD.schema, ["overall"])[0].field == ""


def test_a_questionnaire_without_chinese_labels_is_refused(tmp_path: Path) -> None:
    problems = questionnaire_problems({
        "code": "x", "title": {"en": "Survey", "zh": "問卷"},
        "schema": {"type": "object", "properties": {"overall": {"type": "integer"}}},
        "ui": {"order": ["overall"], "labels": {"overall": {"en": "Overall"}}}})
    assert problems == ["question 'overall' needs a label in English and Chinese"]
    (tmp_path / "broken.json").write_text('{"code": "broken"}')
    with pytest.raises(ValueError, match=r"broken\.json: 'title' is missing"):
        load_questionnaires(tmp_path)


@pytest.mark.parametrize(("text", "asked_for", "kind", "category"), [
    ("電梯又壞了，投訴了三次都沒人管", "opinion", "complaint", "facilities"),
    ("The rubbish room is dirty and smells", "opinion", "complaint", "hygiene"),
    ("建議增加停車位", "opinion", "suggestion", "parking"),
    ("You should add more benches in the garden", "opinion", "suggestion", "other"),
    ("More lights by the gate", "suggestion", "suggestion", "facilities"),
    ("保安很有禮貌，整體滿意", "opinion", "opinion", "security"),
    ("Staff are friendly", "opinion", "opinion", "other"),
])
def test_free_text_gets_a_suggested_kind_and_category(text: str, asked_for: str, kind: str,
                                                      category: str) -> None:
    suggestion = suggest(text, asked_for=asked_for)
    assert (suggestion.kind, suggestion.category) == (kind, category)
    assert all(word in text.lower() for word in suggestion.matched)  # shown to staff as why


def test_one_answer_splits_into_its_points() -> None:
    assert split_points("垃圾沒人清理。建議增加保潔次數\n\n  Thanks; ") == [
        "垃圾沒人清理", "建議增加保潔次數", "Thanks"]


def test_the_satisfaction_rate_is_the_share_of_4_and_5_per_question_and_overall() -> None:
    result = tabulate(["overall", "repairs", "security"], [
        ("A", {"overall": 5, "repairs": 3}), ("A", {"overall": 4, "repairs": 2}),
        ("B", {"overall": 3, "repairs": 4}), ("B", {"overall": 2})])
    overall, repairs = result.overall["overall"], result.overall["repairs"]
    assert overall.mean == Fraction(14, 4) and overall.satisfaction == Fraction(1, 2)
    assert repairs.satisfaction == Fraction(1, 3)
    assert result.overall["security"].satisfaction is None  # nobody answered it
    # Every rating answer together: 3 of 7 were a 4 or a 5.
    assert result.satisfaction == Fraction(3, 7)
    figures = result.as_json()
    assert figures["satisfaction"] == {"satisfied": 3, "answered": 7, "percent": 42.9,
                                       "exact": "3/7"}
    assert figures["overall"]["security"]["satisfaction"]["percent"] is None
    assert figures["buildings"]["B"]["questions"]["overall"]["satisfaction"]["percent"] == 0.0
