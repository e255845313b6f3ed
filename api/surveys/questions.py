"""A questionnaire as a page shows it, in the reader's language, and what a form posted back.

The words come from the questionnaire itself (its labels in English and
Chinese), so a new questionnaire needs no new translations here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale, gettext

from api.web.field_messages import for_people
from engine.common.errors import FieldError
from engine.surveys.models import Questionnaire
from engine.surveys.questionnaire import SCALE, rating_questions, text_questions

__all__ = ["Question", "language", "messages_by_field", "posted_answers", "questions_of",
           "scale_of", "too_long", "words"]

DIGITS = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class Question:
    """One question: its id (the input's name), its label, and how it is answered."""

    name: str
    label: str
    rating: bool
    max_length: int | None = None


def language() -> str:
    """``zh`` or ``en``: the questionnaire's languages, as the request chose."""
    return "zh" if str(get_locale()).startswith("zh") else "en"


def words(texts: Mapping[str, Any] | None, lang: str | None = None) -> str:
    """The text in the reader's language, else in the other one."""
    texts = texts or {}
    lang = lang or language()
    return str(texts.get(lang) or texts.get("en") or texts.get("zh") or "")


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    schema, ui = questionnaire.schema, questionnaire.ui
    ratings, texts = set(rating_questions(schema)), set(text_questions(schema))
    labels = ui.get("labels", {})
    properties = schema.get("properties", {})
    return [Question(name, words(labels.get(name)) or name, name in ratings,
                     properties[name].get("maxLength"))
            for name in ui.get("order", list(properties))
            if name in ratings or name in texts]


def scale_of(questionnaire: Questionnaire) -> list[tuple[int, str]]:
    """The scale's points with their words: (1, "Very dissatisfied") …"""
    scale = questionnaire.ui.get("scale", {})
    return [(point, words(scale.get(str(point)))) for point in SCALE]


def posted_answers(questionnaire: Questionnaire, form: Mapping[str, str]) -> dict[str, Any]:
    """The answers a form posted: ratings as numbers, free text trimmed, blanks left out.

    Anything else is passed on as typed, for the questionnaire's schema to refuse.
    """
    answers: dict[str, Any] = {}
    for question in questions_of(questionnaire):
        raw = (form.get(question.name) or "").strip()
        if not raw:
            continue
        answers[question.name] = int(raw) if question.rating and DIGITS.fullmatch(raw) else raw
    return answers


def too_long(questionnaire: Questionnaire, form: Mapping[str, str]) -> dict[str, str]:
    """Each free-text answer over its question's length, with how long it is and may be.

    The answer is refused whole, never cut: the page shows it again to shorten.
    """
    found = {}
    for question in questions_of(questionnaire):
        length = len((form.get(question.name) or "").strip())
        if question.max_length is not None and length > question.max_length:
            found[question.name] = gettext(
                "This answer is %(length)d characters long; at most %(limit)d are accepted. "
                "Shorten it and send the form again.", length=length, limit=question.max_length)
    return found


def messages_by_field(errors: Iterable[FieldError]) -> dict[str, str]:
    """Each refused question's message in the reader's words; "" holds the form's own."""
    found: dict[str, str] = {}
    for error in for_people(errors):
        if error.field:
            found.setdefault(error.field, error.message)
        else:
            found.setdefault("", gettext("Answer at least one question before you send the "
                                         "form."))
    return found
