"""Every form says every label in every language; the split moves a schema's words out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.common.settings import PROJECT_ROOT
from engine.workflow.form_check import CODE, check_form, check_forms
from engine.workflow.form_overlays import (
    LANGUAGES,
    localised,
    overlay_name,
    overlays_of,
    schema_fields,
)
from engine.workflow.form_split import english_part, split_form
from engine.workflow.say_enough import CJK

SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "decision": {"type": "string", "enum": ["pass_up", "resolve"]},
    "notes": {"type": "string"}}}
EN = {"title": "Review", "fields": {
    "decision": {"title": "Decision", "enum": {"pass_up": "Pass it up", "resolve": "Resolve"}},
    "notes": {"title": "Notes"}}}
ZH = {"title": "審核", "fields": {
    "decision": {"title": "決定", "enum": {"pass_up": "上報", "resolve": "直接處理"}},
    "notes": {"title": "備註"}}}


def write(root: Path, name: str, value: Any) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def read(root: Path, name: str) -> Any:
    return json.loads((root / name).read_text(encoding="utf-8"))


def form(root: Path, *, schema: Any = SCHEMA, en: Any = EN, zh: Any = ZH) -> Path:
    write(root, "review/decide.schema.json", schema)
    for lang, overlay in (("en", en), ("zh", zh)):
        if overlay is not None:
            write(root, f"review/decide.{lang}.json", overlay)
    return root


def messages(root: Path) -> list[str]:
    return [f"{p.file}: {p.message}" for p in check_forms(root)]


def test_every_shipped_form_has_every_label_in_every_language() -> None:
    assert [str(p) for p in check_forms(PROJECT_ROOT / "forms")] == []


def test_a_complete_form_passes(tmp_path: Path) -> None:
    assert messages(form(tmp_path)) == []


def test_a_missing_language_lists_everything_it_lacks(tmp_path: Path) -> None:
    assert messages(form(tmp_path, zh=None)) == [
        "review/decide.zh.json: missing in Chinese: the form's title; decision: title; "
        "decision: the label of choice 'pass_up'; decision: the label of choice 'resolve'; "
        "notes: title"]


def test_a_missing_choice_label_and_a_one_sided_description_are_named(tmp_path: Path) -> None:
    zh = json.loads(json.dumps(ZH))
    del zh["fields"]["decision"]["enum"]["resolve"]
    en = json.loads(json.dumps(EN))
    en["fields"]["notes"]["description"] = "Anything else."
    assert messages(form(tmp_path, en=en, zh=zh)) == [
        "review/decide.zh.json: missing in Chinese: decision: the label of choice 'resolve'; "
        "notes: description"]


def test_labels_for_what_the_schema_does_not_have_are_stale(tmp_path: Path) -> None:
    en = json.loads(json.dumps(EN))
    en["fields"]["old_field"] = {"title": "Old"}
    en["fields"]["decision"]["enum"]["wait"] = "Wait"
    assert messages(form(tmp_path, en=en)) == [
        "review/decide.en.json: decision: the schema has no choice wait",
        "review/decide.en.json: old_field: the schema has no such field"]


def test_words_staff_should_not_read_are_refused(tmp_path: Path) -> None:
    en = json.loads(json.dumps(EN))
    en["fields"]["notes"]["title"] = "Notes 備註"
    en["fields"]["decision"]["description"] = "pass_up: the superior decides (seed rule 7)."
    zh = json.loads(json.dumps(ZH))
    zh["fields"]["decision"]["description"] = "上報：由上級決定。"
    found = messages(form(tmp_path, en=en, zh=zh))
    assert "review/decide.en.json: notes: title: Chinese in the English words; put it in the " \
           "Chinese overlay" in found
    assert any("refers to the procedure's source text" in m for m in found)
    assert any("shows the code pass_up" in m for m in found)


def test_a_schema_still_holding_words_is_sent_to_the_split(tmp_path: Path) -> None:
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"]["notes"]["title"] = "Notes"
    found = [str(p) for p in check_form(form(tmp_path, schema=schema), "review/decide.schema.json")]
    assert found == ["review/decide.schema.json: the schema still holds the words "
                     "/notes/title; move them into the overlays with: liaison forms split "
                     "review/decide"]


def test_an_unreadable_overlay_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    form(tmp_path)
    (tmp_path / "review/decide.zh.json").write_text("{oops", encoding="utf-8")
    found = messages(tmp_path)
    assert found[0].startswith("review/decide.zh.json: the overlay cannot be read")


def test_an_overlay_or_layout_beside_no_schema_is_named(tmp_path: Path) -> None:
    form(tmp_path)
    # The task was renamed; its words and layout were left under the old name.
    write(tmp_path, "review/old_decide.zh.json", ZH)
    write(tmp_path, "review/old_decide.en.json", EN)
    write(tmp_path, "review/old_decide.ui.json", {})
    assert messages(tmp_path) == [
        f"review/old_decide.{end}: no form review/old_decide.schema.json beside it: rename it "
        "with its task or delete it" for end in ("en.json", "ui.json", "zh.json")]


MIXED = {"type": "object", "title": "Triage 分流", "description": "Read it (seed rule 7).",
         "properties": {
             "decision": {"type": "string", "title": "Who can solve it? 由誰處理",
                          "enum": ["office", "escalate"]},
             "urgency": {"type": "string", "title": "緊急程度", "oneOf": [
                 {"const": "normal", "title": "Normal 一般"},
                 {"const": "urgent", "title": "Urgent"}]},
             "notes": {"type": "string", "title": "Notes", "maxLength": 10},
             "share": {"type": "number", "title": "(%)"}}}
MIXED_UI = {"ui:order": ["decision"], "decision": {
    "ui:widget": "radio", "ui:enumNames": ["The office 本處", "Supervisor 主管"]},
    "notes": {"ui:help": "Anything else."}}


def test_the_split_moves_english_to_english_and_leaves_codes(tmp_path: Path) -> None:
    write(tmp_path, "triage/triage.schema.json", MIXED)
    write(tmp_path, "triage/triage.ui.json", MIXED_UI)
    result = split_form(tmp_path, "triage/triage")
    assert result.written == ["triage/triage.schema.json", "triage/triage.ui.json",
                              "triage/triage.en.json", "triage/triage.zh.json"]
    schema = read(tmp_path, "triage/triage.schema.json")
    ui = read(tmp_path, "triage/triage.ui.json")
    assert schema["properties"]["notes"] == {"type": "string", "maxLength": 10}
    assert schema["properties"]["urgency"]["oneOf"] == [{"const": "normal"}, {"const": "urgent"}]
    assert "title" not in schema and "description" not in schema
    assert ui == {"ui:order": ["decision"], "decision": {"ui:widget": "radio"}}
    assert read(tmp_path, "triage/triage.en.json") == {
        "title": "Triage", "description": "Read it (seed rule 7).", "fields": {
            "decision": {"title": "Who can solve it?",
                         "enum": {"office": "The office", "escalate": "Supervisor"}},
            "urgency": {"enum": {"normal": "Normal", "urgent": "Urgent"}},
            "notes": {"title": "Notes", "help": "Anything else."},
            "share": {"title": "(%)"}}}  # words of no language are kept, as English
    # Chinese written alone moves as it is; the Chinese of a mixed label is for a person to write.
    assert read(tmp_path, "triage/triage.zh.json") == {"fields": {"urgency": {"title": "緊急程度"}}}
    missing = " ".join(p.message for p in check_form(tmp_path, "triage/triage.schema.json"))
    assert "missing in Chinese: the form's title; the form's description; decision: title" \
        in missing


def test_the_split_is_idempotent_and_never_overwrites_an_overlay(tmp_path: Path) -> None:
    write(tmp_path, "triage/triage.schema.json", MIXED)
    write(tmp_path, "triage/triage.ui.json", MIXED_UI)
    write(tmp_path, "triage/triage.en.json", {"fields": {"notes": {"title": "Remarks"}}})
    split_form(tmp_path, "triage/triage")
    before = {p.name: p.read_bytes() for p in (tmp_path / "triage").iterdir()}
    assert split_form(tmp_path, "triage/triage.schema.json").written == []
    assert {p.name: p.read_bytes() for p in (tmp_path / "triage").iterdir()} == before
    assert read(tmp_path, "triage/triage.en.json")["fields"]["notes"]["title"] == "Remarks"


def test_a_field_added_later_is_split_beside_the_words_already_there(tmp_path: Path) -> None:
    form(tmp_path)
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"]["deadline"] = {"type": "string", "format": "date",
                                        "title": "Deadline 期限"}
    write(tmp_path, "review/decide.schema.json", schema)
    split_form(tmp_path, "review/decide")
    assert read(tmp_path, "review/decide.en.json")["fields"]["deadline"] == {"title": "Deadline"}
    assert read(tmp_path, "review/decide.zh.json") == ZH  # the Chinese is asked for, not guessed
    assert messages(tmp_path) == ["review/decide.zh.json: missing in Chinese: deadline: title"]


def test_a_form_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        split_form(tmp_path, "review/nothing")


@pytest.mark.parametrize(("mixed", "english"), [
    ("Who can solve it? 由誰處理", "Who can solve it?"),
    ("developer 開發商, utility company 公用事業, other", "developer, utility company, other"),
    ("Share of units (%) 發放比例 (%)", "Share of units (%)"),
    ("Notes", "Notes")])
def test_the_english_part_of_a_mixed_label(mixed: str, english: str) -> None:
    assert english_part(mixed) == english


def shipped_words(lang: str) -> Iterator[tuple[str, str]]:
    """Every text a reader of ``lang`` sees on a shipped form, with the form's name."""
    root = PROJECT_ROOT / "forms"
    for path in sorted(root.glob("*/*.schema.json")):
        name = path.relative_to(root).as_posix()
        ui_path = path.with_name(path.name.replace(".schema.json", ".ui.json"))
        ui = read(root, ui_path.relative_to(root).as_posix()) if ui_path.exists() else {}
        forms = {overlay_name(name, code):
                 (root / overlay_name(name, code)).read_text(encoding="utf-8")
                 for code in LANGUAGES}
        schema, layout = localised(read(root, name), ui, overlays_of(forms, name), lang)
        yield from ((name, schema[key]) for key in ("title", "description") if key in schema)
        for path_, spec in schema_fields(schema):
            yield from ((name, spec[key]) for key in ("title", "description") if key in spec)
            node: Any = layout
            for part in path_.split("/"):
                node = node.get(part, {})
            yield from ((name, text) for text in [node.get("ui:help"),
                                                  *node.get("ui:enumNames", [])] if text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_shipped_form_shows_a_code_or_another_language(lang: str) -> None:
    for name, words in shipped_words(lang):
        assert not CODE.search(words), (name, words)
        if lang == "zh":
            # Latin letters only in examples and formats: a unit (A-1203), YYYY-MM-DD HH:MM.
            assert not re.search(r"\b(?!YYYY|MM|DD|HH)[A-Za-z]{3,}\b", words), (name, words)
        else:
            assert not CJK.search(words), (name, words)
