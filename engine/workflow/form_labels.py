"""What people call a process's form fields and choices, read from its deployed forms.

The audit log keeps what was submitted by field name (``triage_decision:
office_handles``); a timeline reads better in the forms' own words, in the
reader's language ("由誰處理: 本處處理（派工單）"), taken from the forms' overlays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.workflow.form_overlays import FALLBACK, LANGUAGES, localised, overlays_of
from engine.workflow.models import ProcessVersion


@dataclass(frozen=True)
class FormLabels:
    fields: dict[str, str] = field(default_factory=dict)              # name -> title
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> value -> label

    def field_title(self, name: str) -> str:
        return self.fields.get(name, name)

    def choice(self, name: str, value: object) -> str | None:
        return self.choices.get(name, {}).get(str(value))


def labels_by_language(version: ProcessVersion) -> dict[str, FormLabels]:
    """``form_labels`` of ``version`` in every language forms are written in."""
    return {lang: form_labels(version, lang) for lang in LANGUAGES}


def form_labels(version: ProcessVersion, lang: str = FALLBACK) -> FormLabels:
    """The titles and choice labels of every form of ``version`` in ``lang``, by field name."""
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for name, text in sorted(version.forms.items()):
        if not name.endswith(".schema.json"):
            continue
        schema, ui = _load(text), _load(version.forms.get(
            name.removesuffix(".schema.json") + ".ui.json", "{}"))
        overlays = overlays_of(version.forms, name)
        if overlays:
            schema, ui = localised(schema, ui, overlays, lang)
        for prop, spec in (schema.get("properties") or {}).items():
            if not isinstance(spec, dict):
                continue
            if isinstance(spec.get("title"), str):
                titles.setdefault(prop, spec["title"])
            widget = ui.get(prop)
            labels = _choice_labels(spec, widget if isinstance(widget, dict) else {})
            if labels:
                choices.setdefault(prop, labels)
    return FormLabels(titles, choices)


def _choice_labels(spec: dict[str, Any], ui: dict[str, Any]) -> dict[str, str]:
    names = ui.get("ui:enumNames")
    if isinstance(spec.get("enum"), list) and isinstance(names, list):
        return {str(v): str(n) for v, n in zip(spec["enum"], names, strict=False)}
    options = spec.get("oneOf")
    if isinstance(options, list):
        return {str(o["const"]): str(o.get("title", o["const"])) for o in options
                if isinstance(o, dict) and "const" in o}
    return {}


def _load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
