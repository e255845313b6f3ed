"""Every shipped form reads in one script, as its task page shows it: filled in, and refused.

Each ``forms/<process>/<task>.schema.json`` is put in the reader's language with its
layout and overlays, as the task page does, and rendered twice in Chinese and in English:
with realistic values, and empty with the messages an empty submission earns. No words of
the other language, and no choice shown by its code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from jsonschema.exceptions import best_match
from werkzeug.datastructures import MultiDict

from api.web.field_messages import for_people
from api.web.webforms import FieldError, parse_submission, render_form
from engine.common.settings import PROJECT_ROOT
from engine.workflow.form_overlays import (
    LANGUAGES,
    SCHEMA_SUFFIX,
    localised,
    overlay_name,
    overlays_of,
)
from engine.workflow.forms import FormValidator
from tests.api.web.test_one_script import strays

FORMS = PROJECT_ROOT / "forms"
SHIPPED = sorted(p.relative_to(FORMS).as_posix() for p in FORMS.glob(f"*/*{SCHEMA_SUFFIX}"))
# What a person types into a free-text field, in the page's language.
TYPED = {"zh": "電梯已於今日修妥，住戶可正常使用。", "en": "The lift was repaired today."}
# A choice as the page offers it: a list entry, or a radio button or tick box with its label.
OPTION = re.compile(r'<option value="([^"]+)"[^>]*>([^<]*)</option>'
                    r'|value="([^"]+)"[^>]*>\s*<label class="choice__label"[^>]*>([^<]*)</label>')


def read(name: str) -> Any:
    return json.loads((FORMS / name).read_text(encoding="utf-8"))


def form_in(name: str, lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema and layout in ``lang``, as the task page has them (``TaskView.form_in``)."""
    ui_name = name.removesuffix(SCHEMA_SUFFIX) + ".ui.json"
    ui = read(ui_name) if (FORMS / ui_name).exists() else {}
    texts = {overlay_name(name, code): (FORMS / overlay_name(name, code)).read_text("utf-8")
             for code in LANGUAGES if (FORMS / overlay_name(name, code)).exists()}
    return localised(read(name), ui, overlays_of(texts, name), lang)


def realistic(spec: dict[str, Any], lang: str) -> Any:
    """A value a person would enter in the field ``spec``."""
    choices = spec.get("enum") or [o["const"] for o in spec.get("oneOf", []) if "const" in o]
    kind = spec.get("type")
    if choices:
        return choices[0]
    if kind == "object":
        return {name: realistic(child, lang) for name, child in
                spec.get("properties", {}).items()}
    if kind == "array":
        item = spec.get("items", {})
        return [realistic(item, lang)] if isinstance(item, dict) else []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(spec.get("minimum", 3), 3)
    if spec.get("format") == "date":
        return "2026-12-19"
    if spec.get("format") == "date-time":
        return "2026-12-19T14:15:00+08:00"
    return TYPED[lang]


def refused(schema: dict[str, Any]) -> list[FieldError]:
    """The messages an empty submission earns, as the task page words them."""
    data, problems = parse_submission(schema, MultiDict())
    for error in sorted(FormValidator(schema).iter_errors(data), key=lambda e: list(e.path)):
        error = best_match([error]) if error.context else error
        path = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            problems += [FieldError((*path, m), f"'{m}' is a required property")
                         for m in error.validator_value if m not in error.instance]
        else:
            problems.append(FieldError(path, error.message))
    return for_people(problems)


def renderings(app: Flask, name: str, lang: str) -> Iterator[tuple[str, str]]:
    schema, ui = form_in(name, lang)
    with app.test_request_context(), force_locale(lang):
        values = realistic(schema, lang)
        yield "filled in", str(render_form(schema, ui, values=values))
        errors = refused(schema)
        yield "refused", str(render_form(schema, ui, values={}, errors=errors))


def test_every_shipped_form_is_read() -> None:
    assert len(SHIPPED) > 20 and "owner_case/triage.schema.json" in SHIPPED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_reads_in_one_script_filled_in_and_refused(app: Flask, lang: str) -> None:
    stray: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for name in SHIPPED:
        for how, html in renderings(app, name, lang):
            found = strays(html, lang, [TYPED[lang]])
            if found:
                stray[f"{name}, {how}"] = found
            shown = [token for m in OPTION.finditer(html)
                     for token, label in [(m[1] or m[3], m[2] or m[4])]
                     if re.search(r"[A-Za-z]", token) and label.strip() == token]
            if shown:
                codes[f"{name}, {how}"] = shown
    assert stray == {}, "\n".join(f"{p}: {w}" for p, w in stray.items())
    assert codes == {}, "choices shown by their code:\n" + "\n".join(
        f"{p}: {w}" for p, w in codes.items())


def test_a_refused_empty_form_says_what_is_missing(app: Flask) -> None:
    html = dict(renderings(app, "owner_case/triage.schema.json", "zh"))["refused"]
    assert "error" in html and strays(html, "zh", []) == []


def test_the_checks_see_a_code_and_the_other_language(app: Flask, tmp_path: Path) -> None:
    """The two checks fail on what they are for: English in Chinese, a choice by its code."""
    schema = {"type": "object", "required": ["decision"], "properties": {
        "decision": {"type": "string", "enum": ["pass_up"], "title": "決定"},
        "notes": {"type": "string", "title": "Notes"}}}
    with app.test_request_context(), force_locale("zh"):
        html = str(render_form(schema, {"decision": {"ui:widget": "radio"}}, values={}))
    assert "Notes" in strays(html, "zh", [])
    assert [(m[3], m[4]) for m in OPTION.finditer(html)] == [("pass_up", "pass_up")]
