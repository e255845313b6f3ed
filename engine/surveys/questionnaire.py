"""Survey questionnaires as data: a JSON Schema for the answers, an order and labels in en/zh.

The shipped questionnaires live in ``forms/questionnaires/<code>.json``::

    {"code": "standard", "title": {"en", "zh"}, "intro": {"en", "zh"},
     "schema": <JSON Schema 2020-12 of one response>,
     "ui": {"order": [question ids], "labels": {id: {"en", "zh"}}, "scale": {"1": {...}}}}

A rating question is an integer with ``enum`` [1..5]; every other property is
free text (opinions, suggestions) that the office categorises afterwards.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema.exceptions import SchemaError

from engine.common.errors import FieldError
from engine.workflow.forms import FormValidator, pattern_problems

__all__ = ["SCALE", "QuestionnaireFile", "answer_errors", "load_questionnaires",
           "questionnaire_problems",
           "rating_questions", "text_questions"]

SCALE = (1, 2, 3, 4, 5)
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class QuestionnaireFile:
    """One questionnaire as shipped: its code, words and schema, and a hash of them."""

    code: str
    title: dict[str, str]
    intro: dict[str, str]
    schema: dict[str, Any]
    ui: dict[str, Any]

    @property
    def content_hash(self) -> str:
        body = [self.title, self.intro, self.schema, self.ui]
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def load_questionnaires(folder: Path) -> list[QuestionnaireFile]:
    """Read and check every questionnaire in ``folder``; a broken one is refused by name."""
    found = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        problems = questionnaire_problems(data)
        if problems:
            raise ValueError(f"{path.name}: " + "; ".join(problems))
        found.append(QuestionnaireFile(code=data["code"], title=data["title"],
                                       intro=data.get("intro", {}), schema=data["schema"],
                                       ui=data["ui"]))
    return found


def questionnaire_problems(data: Mapping[str, Any]) -> list[str]:
    """What keeps ``data`` from being a questionnaire; [] when it is one."""
    problems = []
    for key in ("code", "title", "schema", "ui"):
        if key not in data:
            problems.append(f"'{key}' is missing")
    if problems:
        return problems
    try:
        FormValidator.check_schema(data["schema"])
    except SchemaError as error:
        problems.append(f"the schema is not JSON Schema: {error.message}")
    # Owners type the answers: every pattern must run in linear time, as in task forms.
    problems += [f"{pointer}: {reason}" for pointer, reason in pattern_problems(data["schema"])]
    questions = list(data["schema"].get("properties", {}))
    order, labels = data["ui"].get("order", []), data["ui"].get("labels", {})
    if sorted(order) != sorted(questions):
        problems.append("ui.order must list every question once")
    for question in questions:
        if any(not labels.get(question, {}).get(lang) for lang in LANGUAGES):
            problems.append(f"question '{question}' needs a label in English and Chinese")
    if any(not data["title"].get(lang) for lang in LANGUAGES):
        problems.append("the title is needed in English and Chinese")
    return problems


def rating_questions(schema: Mapping[str, Any]) -> list[str]:
    """Ids of the questions answered on the 1–5 scale, in schema order."""
    return [name for name, spec in schema.get("properties", {}).items()
            if spec.get("type") == "integer" and spec.get("enum") == list(SCALE)]


def text_questions(schema: Mapping[str, Any]) -> list[str]:
    """Ids of the free-text questions (opinions, suggestions), in schema order."""
    return [name for name, spec in schema.get("properties", {}).items()
            if spec.get("type") == "string"]


def answer_errors(schema: Mapping[str, Any], answers: object) -> list[FieldError]:
    """Every reason ``answers`` is not a response to the questionnaire; [] when it is."""
    if not isinstance(answers, dict):
        return [FieldError((), "the answers must be an object of question → answer")]
    errors = [FieldError(tuple(e.absolute_path), e.message)
              for e in sorted(FormValidator(schema).iter_errors(answers),
                              key=lambda e: list(e.absolute_path))]
    if not errors and not any(_given(value) for value in answers.values()):
        errors.append(FieldError((), "the form is empty: answer at least one question"))
    return errors


def _given(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
