"""A form's words come from its language's overlay, then English's, never as a bare code."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.workflow.form_overlays import humanised, localised, overlay_name, overlays_of

SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "decision": {"type": "string", "enum": ["pass_up", "resolve", "wait_longer"]},
    "seats": {"type": "integer", "enum": [5, 7]},
    "done": {"type": "boolean"},
    "kinds": {"type": "array", "items": {"type": "string", "enum": ["noise", "fees"]}},
    "address": {"type": "object", "properties": {"street": {"type": "string"}}},
    "notes": {"type": "string"}}}
UI = {"decision": {"ui:widget": "radio"}}
EN = {"title": "Review", "description": "Decide the case.", "fields": {
    "decision": {"title": "Decision", "help": "Think first.",
                 "enum": {"pass_up": "Pass it up", "resolve": "Resolve it",
                          "wait_longer": "Wait"}},
    "seats": {"title": "Seats", "enum": {"5": "Five", "7": "Seven"}},
    "done": {"title": "Done?", "enum": {"true": "Finished", "false": "Not yet"}},
    "kinds": {"title": "Kinds", "enum": {"noise": "Noise", "fees": "Fees"}},
    "address/street": {"title": "Street"}}}
ZH = {"title": "審核", "fields": {
    "decision": {"title": "決定", "enum": {"pass_up": "上報", "resolve": "直接處理"}},
    "seats": {"title": "名額", "enum": {"5": "五人", "7": "七人"}},
    "address/street": {"title": "街道"}}}


def test_the_reader_s_language_gives_titles_descriptions_help_and_choice_labels() -> None:
    schema, ui = localised(SCHEMA, UI, {"en": EN, "zh": ZH}, "zh")
    fields = schema["properties"]
    assert schema["title"] == "審核"
    assert fields["decision"]["title"] == "決定"
    assert ui["decision"]["ui:enumNames"][:2] == ["上報", "直接處理"]
    assert ui["decision"]["ui:widget"] == "radio"  # the layout stays
    assert ui["seats"]["ui:enumNames"] == ["五人", "七人"]
    assert fields["address"]["properties"]["street"]["title"] == "街道"
    assert SCHEMA["properties"]["decision"].get("title") is None  # the schema is not touched


def test_what_the_language_lacks_comes_from_english() -> None:
    schema, ui = localised(SCHEMA, UI, {"en": EN, "zh": ZH}, "zh")
    assert schema["description"] == "Decide the case."
    assert ui["decision"]["ui:help"] == "Think first."
    assert ui["decision"]["ui:enumNames"][2] == "Wait"
    assert ui["done"]["ui:enumNames"] == ["Finished", "Not yet"]
    assert ui["kinds"]["ui:enumNames"] == ["Noise", "Fees"]


def test_english_readers_get_english() -> None:
    schema, ui = localised(SCHEMA, UI, {"en": EN, "zh": ZH}, "en")
    assert schema["title"] == "Review"
    assert schema["properties"]["decision"]["title"] == "Decision"
    assert ui["decision"]["ui:enumNames"] == ["Pass it up", "Resolve it", "Wait"]


def test_without_any_label_a_code_is_made_readable_never_shown_bare() -> None:
    schema, ui = localised(SCHEMA, {}, {}, "zh")
    assert schema["properties"]["notes"]["title"] == "Notes"
    assert ui["decision"]["ui:enumNames"] == ["Pass up", "Resolve", "Wait longer"]
    assert "ui:enumNames" not in ui["done"]  # Yes and No are the page's own words


def test_a_schema_not_yet_split_keeps_its_inline_words() -> None:
    inline = {"type": "object", "title": "Old", "properties": {
        "decision": {"type": "string", "title": "Decision", "enum": ["a_b"]}}}
    schema, ui = localised(inline, {"decision": {"ui:enumNames": ["Ay"]}}, {}, "zh")
    assert schema["title"] == "Old"
    assert schema["properties"]["decision"]["title"] == "Decision"
    assert ui["decision"]["ui:enumNames"] == ["Ay"]


def test_overlays_are_found_beside_the_schema_and_broken_ones_skipped() -> None:
    forms = {"review/decide.schema.json": "{}", "review/decide.en.json": '{"title": "Decide"}',
             "review/decide.zh.json": "{not json"}
    assert overlay_name("review/decide.schema.json", "zh") == "review/decide.zh.json"
    assert overlays_of(forms, "review/decide.schema.json") == {"en": {"title": "Decide"}}


@given(st.from_regex(r"[a-z]{1,8}(_[a-z0-9]{1,8}){0,3}", fullmatch=True))
def test_a_humanised_code_has_no_underscores_and_starts_with_a_capital(code: str) -> None:
    words = humanised(code)
    assert "_" not in words and words[0].isupper()
