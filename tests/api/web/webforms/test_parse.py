"""Posted task forms back to JSON: conversions, field errors, and render → post → parse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict

import api
from api.web.webforms import FieldError, parse_submission, render_form
from engine.common.settings import PROJECT_ROOT
from engine.workflow.specs import START_FORM

# The task forms staff fill in; a process's start data declaration is never shown as a page.
FORMS = sorted(p for p in (PROJECT_ROOT / "forms").glob("*/*.schema.json") if p.name != START_FORM)
TEMPLATES = str(Path(api.__file__).parent / "templates")


@pytest.fixture(autouse=True)
def request_context() -> Iterator[None]:
    app = Flask(__name__, template_folder=TEMPLATES)
    Babel(app)
    with app.test_request_context():
        yield


def obj(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


def parse(schema: dict[str, Any], *pairs: tuple[str, str], tz: str = "Asia/Shanghai"
          ) -> tuple[dict[str, Any], list[FieldError]]:
    return parse_submission(schema, MultiDict(pairs), tz=tz)


def posted(html: str) -> MultiDict[str, str]:
    """Return what a browser would post for the rendered fields, in document order."""
    root = lxml.html.fragment_fromstring(html)
    form: MultiDict[str, str] = MultiDict()
    for element in root.xpath("//input[@name] | //select[@name] | //textarea[@name]"):
        if element.get("disabled") is not None:
            continue
        name = element.get("name")
        if element.tag == "select":
            options = element.xpath("./option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            form.add(name, chosen[0].get("value"))
        elif element.tag == "textarea":
            # HTML drops one newline straight after <textarea>; libxml2 keeps it.
            form.add(name, (element.text or "").removeprefix("\n"))
        elif element.get("type") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                form.add(name, element.get("value", "on"))
        else:
            form.add(name, element.get("value", ""))
    return form


def test_strings_are_trimmed_and_empty_ones_left_out() -> None:
    schema = obj({"who": {"type": "string"}, "notes": {"type": "string", "maxLength": 4000},
                  "reason": {"type": "string"}, "how": {"type": "string"}}, "how")
    data, errors = parse(schema, ("who", "  Mr Li \t"), ("notes", "one\r\ntwo\r\n"),
                         ("reason", "   "), ("how", ""))
    assert data == {"who": "Mr Li", "notes": "one\ntwo"}
    assert errors == []


def test_unknown_keys_are_ignored() -> None:
    data, _ = parse(obj({"who": {"type": "string"}}), ("csrf_token", "abc"),
                    ("action", "complete"), ("who", "Li"), ("extra.nested", "x"))
    assert data == {"who": "Li"}


@pytest.mark.parametrize(("kind", "text", "value"), [
    ("integer", "12", 12), ("integer", "-3", -3), ("integer", " 7 ", 7), ("integer", "3.0", 3),
    ("integer", "１２", 12), ("number", "12", 12), ("number", "88.5", 88.5),
    ("number", "1e3", 1000.0),
])
def test_numbers_are_parsed(kind: str, text: str, value: float) -> None:
    data, errors = parse(obj({"n": {"type": kind}}), ("n", text))
    assert errors == []
    assert data == {"n": value}
    assert type(data["n"]) is type(value)


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("integer", "12x", "Enter a whole number"), ("integer", "3.5", "Enter a whole number"),
    ("number", "twelve", "Enter a number"), ("number", "nan", "Enter a number"),
    ("number", "inf", "Enter a number"), ("number", "1,5", "Enter a number"),
])
def test_a_bad_number_is_a_field_error_and_the_rest_is_kept(kind: str, text: str,
                                                            message: str) -> None:
    schema = obj({"n": {"type": kind}, "who": {"type": "string"}})
    data, errors = parse(schema, ("n", text), ("who", "Li"))
    assert errors == [FieldError(("n",), message)]
    assert data == {"who": "Li"}


def test_dates_are_parsed_and_bad_ones_refused() -> None:
    schema = obj({"due": {"type": "string", "format": "date"}})
    assert parse(schema, ("due", "2026-03-02")) == ({"due": "2026-03-02"}, [])
    data, errors = parse(schema, ("due", "2026-02-30"))
    assert (data, errors) == ({}, [FieldError(("due",), "Enter a date as YYYY-MM-DD")])


@pytest.mark.parametrize(("text", "tz", "stored"), [
    ("2026-03-02T09:30", "Asia/Shanghai", "2026-03-02T09:30:00+08:00"),
    ("2026-03-02 09:30:15", "Asia/Shanghai", "2026-03-02T09:30:15+08:00"),
    ("2026-07-01T09:30", "Europe/London", "2026-07-01T09:30:00+01:00"),
    ("2026-03-02T01:30:00Z", "Asia/Shanghai", "2026-03-02T09:30:00+08:00"),
])
def test_date_times_become_aware_iso_8601(text: str, tz: str, stored: str) -> None:
    schema = obj({"visit_at": {"type": "string", "format": "date-time"}})
    assert parse(schema, ("visit_at", text), tz=tz) == ({"visit_at": stored}, [])


def test_bad_and_skipped_date_times_are_field_errors() -> None:
    schema = obj({"visit_at": {"type": "string", "format": "date-time"}})
    _, errors = parse(schema, ("visit_at", "tomorrow"))
    assert errors == [FieldError(("visit_at",), "Enter a date and time as YYYY-MM-DD HH:MM")]
    # Clocks in London jumped from 01:00 to 02:00 on 29 March 2026.
    _, errors = parse(schema, ("visit_at", "2026-03-29T01:30"), tz="Europe/London")
    assert [e.path for e in errors] == [("visit_at",)]
    assert "clocks changed" in errors[0].message


def test_checkbox_answers_yes_or_no() -> None:
    schema = obj({"urgent": {"type": "boolean"}})
    assert parse(schema, ("urgent", "true")) == ({"urgent": True}, [])
    assert parse(schema) == ({"urgent": False}, [])


def test_required_boolean_radio_answers() -> None:
    schema = obj({"satisfied": {"type": "boolean"}}, "satisfied")
    assert parse(schema, ("satisfied", "false")) == ({"satisfied": False}, [])
    assert parse(schema, ("satisfied", "true")) == ({"satisfied": True}, [])
    assert parse(schema) == ({}, [])  # unanswered: the engine reports it as required
    assert parse(schema, ("satisfied", "maybe")) == (
        {}, [FieldError(("satisfied",), "Choose Yes or No")])


def test_enum_tokens_become_their_values() -> None:
    schema = obj({"channel": {"enum": ["phone", "letter"]},
                  "floor": {"type": "integer", "oneOf": [{"const": 1}, {"const": 2}]}})
    assert parse(schema, ("channel", "letter"), ("floor", "2")) == (
        {"channel": "letter", "floor": 2}, [])
    assert parse(schema, ("channel", ""), ("floor", "")) == ({}, [])
    assert parse(schema, ("channel", "fax")) == (
        {}, [FieldError(("channel",), "Choose one of the options")])


def test_checkbox_lists_come_back_in_enum_order() -> None:
    items = {"enum": ["phone", "letter", "email"]}
    schema = obj({"channels": {"type": "array", "uniqueItems": True, "items": items},
                  "needed": {"type": "array", "items": items}}, "needed")
    data, errors = parse(schema, ("channels", "email"), ("channels", "phone"),
                         ("channels", "email"))
    assert (data, errors) == ({"channels": ["phone", "email"], "needed": []}, [])
    _, errors = parse(schema, ("channels", "fax"))
    assert errors == [FieldError(("channels",), "Choose one of the options")]


def test_nested_objects_are_rebuilt_and_empty_optional_ones_left_out() -> None:
    address = {"type": "object", "properties": {"street": {"type": "string"},
                                                "floor": {"type": "integer"}}}
    schema = obj({"address": address, "billing": address, "contact": address}, "contact")
    data, errors = parse(schema, ("address.street", " 1 Harmony Road "), ("address.floor", "3"),
                         ("billing.street", ""), ("contact.floor", "x"))
    assert data == {"address": {"street": "1 Harmony Road", "floor": 3}, "contact": {}}
    assert errors == [FieldError(("contact", "floor"), "Enter a whole number")]


def test_read_only_properties_are_never_taken_from_a_post() -> None:
    schema = obj({"case_no": {"type": "string", "readOnly": True}, "who": {"type": "string"}})
    assert parse(schema, ("case_no", "forged"), ("who", "Li")) == ({"who": "Li"}, [])


def test_messages_are_in_the_users_language(tmp_path: Path) -> None:
    catalog = Catalog(locale="zh_Hant")
    catalog.add("Enter a number", "請輸入數字")
    (tmp_path / "zh_Hant" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_Hant" / "LC_MESSAGES" / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    app = Flask(__name__, template_folder=TEMPLATES)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app, locale_selector=lambda: "zh_Hant")
    with app.test_request_context():
        _, errors = parse(obj({"area": {"type": "number"}}), ("area", "abc"))
    assert errors == [FieldError(("area",), "請輸入數字")]


ROUND_TRIP = obj({
    "reply_channel": {"type": "string", "enum": ["phone", "letter"]},
    "decision": {"type": "string", "enum": ["pass_up", "resolve"]},
    "reply_text": {"type": "string", "maxLength": 4000},
    "who": {"type": "string"},
    "floors": {"type": "integer"},
    "area": {"type": "number"},
    "due": {"type": "string", "format": "date"},
    "visit_at": {"type": "string", "format": "date-time"},
    "urgent": {"type": "boolean"},
    "satisfied": {"type": "boolean"},
    "channels": {"type": "array", "uniqueItems": True, "items": {"enum": ["a", "b", "c"]}},
    "address": {"type": "object", "properties": {"street": {"type": "string"},
                                                 "unit": {"type": "integer"}}},
}, "satisfied")
ROUND_TRIP_UI = {"decision": {"ui:widget": "radio"}, "ui:order": ["satisfied", "*"]}


@pytest.mark.parametrize("data", [
    {"reply_channel": "letter", "decision": "resolve", "reply_text": "Dear Mr Li,\n\nThank you.",
     "who": "Mr Li 李先生", "floors": 12, "area": 88.5, "due": "2026-03-02",
     "visit_at": "2026-03-02T09:30:00+08:00", "urgent": True, "satisfied": False,
     "channels": ["a", "c"], "address": {"street": "1 Harmony Road", "unit": 301}},
    {"urgent": False, "satisfied": True},
], ids=["everything", "the least"])
def test_render_then_post_gives_back_the_same_data(data: dict[str, Any]) -> None:
    html = render_form(ROUND_TRIP, ROUND_TRIP_UI, values=data)
    assert parse_submission(ROUND_TRIP, posted(str(html))) == (data, [])


def test_a_failed_post_re_renders_as_typed_with_parse_and_engine_errors() -> None:
    schema = obj({"floors": {"type": "integer"}, "who": {"type": "string", "minLength": 2},
                  "satisfied": {"type": "boolean"}}, "satisfied")
    form = MultiDict([("floors", "12x"), ("who", "L"), ("csrf_token", "t")])
    data, errors = parse_submission(schema, form)
    engine_errors = [FieldError(tuple(e.absolute_path) or ("satisfied",), e.message)
                     for e in Draft202012Validator(schema).iter_errors(data)]
    again = posted(str(render_form(schema, values=form, errors=errors + engine_errors)))
    assert again == MultiDict([("floors", "12x"), ("who", "L")])
    root = lxml.html.fragment_fromstring(str(render_form(schema, values=form,
                                                         errors=errors + engine_errors)))
    assert {i.get("name") for i in root.xpath('//*[@aria-invalid="true"]')} == {
        "floors", "who", "satisfied"}


def example(schema: dict[str, Any]) -> Any:
    """Return plausible valid data for a shipped form's property, filling every one.

    Read-only properties are left out: the form shows them from the task's data and
    never sends them back, so they are not part of what staff submit.
    """
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(prop) for name, prop in schema.get("properties", {}).items()
                if not prop.get("readOnly")}
    if kind == "boolean":
        return False  # a required boolean must be answerable as false
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "array":
        return [example(schema["items"])]
    if schema.get("format") == "date":
        return "2026-03-02"
    if schema.get("format") == "date-time":
        return "2026-03-02T09:30:00+08:00"  # on the office's clock, as the form sends it back
    text = "Checked with the owner 已與業主確認 and agreed on the next step."
    return text[:schema.get("maxLength", len(text))]


def shipped(path: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    ui_path = path.with_name(path.name.replace(".schema.json", ".ui.json"))
    ui = json.loads(ui_path.read_text()) if ui_path.exists() else None
    return json.loads(path.read_text()), ui


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_form_round_trips_valid_data(path: Path) -> None:
    schema, ui = shipped(path)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = example(schema)
    validator.validate(data)
    parsed, errors = parse_submission(schema, posted(str(render_form(schema, ui, values=data))))
    assert errors == []
    assert parsed == data
    validator.validate(parsed)


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_form_posted_empty_sends_no_empty_strings(path: Path) -> None:
    schema, ui = shipped(path)
    empty = MultiDict([(k, "") for k in posted(str(render_form(schema, ui)))])
    data, errors = parse_submission(schema, empty)
    assert errors == []
    assert "" not in data.values()
    assert set(data) <= set(schema["properties"])


def test_an_optional_yes_no_drawn_as_radios_reads_no_as_no() -> None:
    schema = obj({"reached": {"type": "boolean"}})
    assert parse(schema, ("reached", "false")) == ({"reached": False}, [])
    assert parse(schema, ("reached", "true")) == ({"reached": True}, [])
