"""A process's forms name its fields and choices for the timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from engine.workflow.form_labels import form_labels
from engine.workflow.models import ProcessVersion

SCHEMA = {"type": "object", "properties": {
    "decision": {"type": "string", "title": "Decision 決定", "enum": ["pass_up", "resolve"]},
    "urgency": {"type": "string", "title": "Urgency", "oneOf": [
        {"const": "normal", "title": "Normal 一般"}, {"const": "urgent", "title": "Urgent 緊急"}]},
    "notes": {"type": "string"}}}
UI = {"decision": {"ui:enumNames": ["Pass it up 上報", "Resolve it 解決"]}}


def version(forms: dict[str, str]) -> ProcessVersion:
    return ProcessVersion(process_id="review", version=1, content_hash="x", bpmn_file="r.bpmn",
                          bpmn_xml="", dmn={}, forms=forms, calls=[], timer_starts=[],
                          deployed_at=datetime(2026, 3, 2, tzinfo=UTC))


def test_titles_and_choice_labels_come_from_the_schema_and_its_ui_file() -> None:
    labels = form_labels(version({"review.schema.json": json.dumps(SCHEMA),
                                  "review.ui.json": json.dumps(UI)}))
    assert labels.field_title("decision") == "Decision 決定"
    assert labels.field_title("notes") == "notes"  # no title: the name as it is
    assert labels.choice("decision", "pass_up") == "Pass it up 上報"
    assert labels.choice("urgency", "urgent") == "Urgent 緊急"
    assert labels.choice("notes", "anything") is None


def test_a_broken_form_file_gives_no_labels_rather_than_an_error() -> None:
    labels = form_labels(version({"review.schema.json": "{not json", "review.ui.json": "[]"}))
    assert labels.fields == {} and labels.choices == {}
