"""The HTML a task form renders to, one widget at a time, and every shipped form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask_babel import Babel
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

import api
import engine.common.errors
from api.web import webforms
from api.web.webforms import FieldError, UnsupportedField, render_form
from engine.common.errors import FormInvalid
from engine.common.settings import PROJECT_ROOT
from engine.workflow.specs import START_FORM

# The task forms staff fill in; a process's start data declaration is never shown as a page.
FORMS = sorted(p for p in (PROJECT_ROOT / "forms").glob("*/*.schema.json") if p.name != START_FORM)


@pytest.fixture(autouse=True)
def request_context() -> Iterator[None]:
    app = Flask(__name__, template_folder=str(Path(api.__file__).parent / "templates"))
    Babel(app)
    with app.test_request_context():
        yield


def render(properties: dict[str, Any], ui: dict[str, Any] | None = None, *,
           required: tuple[str, ...] = (), **options: Any) -> lxml.html.HtmlElement:
    schema = {"type": "object", "properties": properties, "required": list(required)}
    html = render_form(schema, ui, **options)
    assert isinstance(html, Markup)
    return lxml.html.fragment_fromstring(str(html))


def one(root: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement:
    found = root.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} matches"
    return found[0]


def label_of(root: lxml.html.HtmlElement, element_id: str) -> str:
    return one(root, f'//label[@for="{element_id}"]').text_content().strip()


def test_text_input_has_label_value_help_and_required_marker() -> None:
    root = render({"location": {"type": "string", "title": "Where 地點", "maxLength": 200,
                                "description": "Building or unit."}},
                  {"location": {"ui:placeholder": "Block 2, lift lobby", "ui:help": "Be exact."}},
                  required=("location",), values={"location": "Block 1"})
    field = one(root, '//input[@name="location"]')
    assert field.get("type") == "text"
    assert field.get("id") == "field-location"
    assert field.get("value") == "Block 1"
    assert field.get("maxlength") == "200"
    assert field.get("placeholder") == "Block 2, lift lobby"
    assert field.get("aria-required") == "true"
    assert label_of(root, "field-location") == "Where 地點 Required"
    assert one(root, '//label/span[@class="field__required"]').text == "Required"
    help_box = one(root, '//div[@id="field-location-help"]')
    assert [p.text for p in help_box] == ["Building or unit.", "Be exact."]
    assert field.get("aria-describedby") == "field-location-help"
    assert "field--error" not in one(root, '//div[contains(@class, "field ")]').get("class")


def test_optional_field_has_no_required_marker_and_title_falls_back_to_name() -> None:
    root = render({"materials": {"type": "string"}})
    assert label_of(root, "field-materials") == "materials"
    assert not root.xpath('//*[@class="field__required"]')
    assert one(root, '//input[@name="materials"]').get("aria-required") is None


@pytest.mark.parametrize(("prop", "ui"), [
    ({"type": "string", "maxLength": 4000}, {}),
    ({"type": "string", "maxLength": 100}, {"ui:widget": "textarea", "ui:options": {"rows": 12}}),
])
def test_long_text_is_a_textarea(prop: dict[str, Any], ui: dict[str, Any]) -> None:
    root = render({"notes": {**prop, "title": "Notes 備註"}}, {"notes": ui},
                  values={"notes": "line one\nline two"})
    area = one(root, '//textarea[@name="notes"]')
    assert area.text.removeprefix("\n") == "line one\nline two"
    assert area.get("rows") == str(ui.get("ui:options", {}).get("rows", 5))
    assert label_of(root, "field-notes") == "Notes 備註"


def test_text_of_200_characters_stays_one_line() -> None:
    root = render({"who": {"type": "string", "maxLength": 200}})
    assert one(root, '//input[@name="who"]').get("type") == "text"


def test_number_and_integer_inputs_carry_their_bounds() -> None:
    root = render({"area": {"type": "number", "minimum": 0, "maximum": 999.5},
                   "floors": {"type": "integer", "minimum": 1},
                   "fee": {"type": "number", "multipleOf": 0.01}},
                  values={"area": 88.5, "floors": 3})
    area = one(root, '//input[@name="area"]')
    assert (area.get("type"), area.get("min"), area.get("max"), area.get("step")) == (
        "number", "0", "999.5", "any")
    assert area.get("value") == "88.5"
    floors = one(root, '//input[@name="floors"]')
    assert (floors.get("step"), floors.get("value"), floors.get("inputmode")) == (
        "1", "3", "numeric")
    assert one(root, '//input[@name="fee"]').get("step") == "0.01"


def test_date_input_shows_the_stored_date() -> None:
    root = render({"due": {"type": "string", "format": "date"}}, values={"due": "2026-03-02"})
    due = one(root, '//input[@name="due"]')
    assert (due.get("type"), due.get("value")) == ("date", "2026-03-02")


@pytest.mark.parametrize(("stored", "tz", "shown"), [
    ("2026-03-02T01:30:00+00:00", "Asia/Shanghai", "2026-03-02T09:30"),
    ("2026-03-02T01:30:00Z", "Asia/Shanghai", "2026-03-02T09:30"),
    ("2026-07-01T09:30:00+08:00", "Europe/London", "2026-07-01T02:30"),
    ("2026-03-02T09:30:00", "Asia/Shanghai", "2026-03-02T09:30"),  # no offset: office time
])
def test_date_time_is_shown_on_the_office_clock(stored: str, tz: str, shown: str) -> None:
    root = render({"visit_at": {"type": "string", "format": "date-time"}},
                  values={"visit_at": stored}, tz=tz)
    visit = one(root, '//input[@name="visit_at"]')
    assert (visit.get("type"), visit.get("value")) == ("datetime-local", shown)


def test_enum_is_a_select_labelled_by_enum_names() -> None:
    root = render({"urgency": {"type": "string", "title": "Urgency 緊急程度",
                               "enum": ["normal", "urgent"]}},
                  {"urgency": {"ui:enumNames": ["Normal 一般", "Urgent 緊急"]}},
                  values={"urgency": "urgent"})
    select = one(root, '//select[@name="urgency"]')
    assert label_of(root, select.get("id")) == "Urgency 緊急程度"
    options = [(o.get("value"), o.text, o.get("selected") is not None) for o in select]
    assert options == [("", "Choose…", False), ("normal", "Normal 一般", False),
                       ("urgent", "Urgent 緊急", True)]


def test_select_placeholder_and_one_of_titles() -> None:
    root = render({"floor": {"type": "integer", "oneOf": [{"const": 1, "title": "Ground 地下"},
                                                          {"const": 2, "title": "First 一樓"}]}},
                  {"floor": {"ui:placeholder": "Pick a floor"}}, values={"floor": 2})
    select = one(root, '//select[@name="floor"]')
    assert [(o.get("value"), o.text) for o in select] == [
        ("", "Pick a floor"), ("1", "Ground 地下"), ("2", "First 一樓")]
    assert one(select, './option[@selected]').get("value") == "2"


def test_enum_as_radio_buttons() -> None:
    root = render({"decision": {"type": "string", "title": "Decision 決定",
                                "enum": ["pass_up", "return"]}},
                  {"decision": {"ui:widget": "radio",
                                "ui:enumNames": ["Pass up 上報", "Return 退回"]}},
                  required=("decision",), values={"decision": "return"})
    group = one(root, '//fieldset[@id="field-decision"]')
    assert group.find("legend").text_content().strip() == "Decision 決定 Required"
    radios = group.xpath('.//input[@type="radio"]')
    assert [(r.get("name"), r.get("value"), r.get("checked") is not None) for r in radios] == [
        ("decision", "pass_up", False), ("decision", "return", True)]
    assert [label_of(root, r.get("id")) for r in radios] == ["Pass up 上報", "Return 退回"]


def test_optional_boolean_is_a_checkbox() -> None:
    root = render({"urgent": {"type": "boolean", "title": "Urgent?", "default": True}})
    box = one(root, '//input[@name="urgent"]')
    assert (box.get("type"), box.get("value"), box.get("checked")) == (
        "checkbox", "true", "checked")
    assert label_of(root, box.get("id")) == "Urgent?"
    unticked = one(render({"urgent": {"type": "boolean"}}, values={"urgent": False}),
                   '//input[@name="urgent"]')
    assert unticked.get("checked") is None


def test_required_boolean_is_answered_yes_or_no() -> None:
    root = render({"satisfied": {"type": "boolean", "title": "Satisfied? 是否滿意"}},
                  required=("satisfied",), values={"satisfied": False})
    radios = root.xpath('//input[@name="satisfied"]')
    assert [(r.get("type"), r.get("value"), r.get("checked") is not None) for r in radios] == [
        ("radio", "true", False), ("radio", "false", True)]
    assert [label_of(root, r.get("id")) for r in radios] == ["Yes", "No"]
    unanswered = render({"satisfied": {"type": "boolean"}}, required=("satisfied",))
    assert not unanswered.xpath('//input[@checked]')


def test_array_of_enums_is_a_list_of_checkboxes() -> None:
    root = render({"channels": {"type": "array", "uniqueItems": True, "title": "Channels",
                                "items": {"enum": ["phone", "letter", "email"]}}},
                  {"channels": {"ui:enumNames": ["Phone 電話", "Letter 信函", "Email 電郵"]}},
                  values={"channels": ["email", "phone"]})
    boxes = one(root, '//fieldset[@id="field-channels"]').xpath('.//input')
    assert [(b.get("type"), b.get("name"), b.get("value"), b.get("checked") is not None)
            for b in boxes] == [("checkbox", "channels", "phone", True),
                                ("checkbox", "channels", "letter", False),
                                ("checkbox", "channels", "email", True)]
    assert label_of(root, "field-channels-1") == "Letter 信函"
    assert one(root, '//div[contains(@class, "choice-list")]') is not None


def test_nested_object_is_a_fieldset_with_dotted_names() -> None:
    root = render({"address": {"type": "object", "title": "Address 地址",
                               "required": ["street"],
                               "properties": {"street": {"type": "string", "title": "Street"},
                                              "unit": {"type": "string"}}}},
                  {"address": {"ui:order": ["unit", "*"]}},
                  values={"address": {"street": "1 Harmony Road"}})
    fieldset = one(root, '//fieldset[@id="field-address"]')
    assert one(fieldset, './legend').text == "Address 地址"
    inputs = fieldset.xpath('.//input')
    assert [(i.get("name"), i.get("id"), i.get("value")) for i in inputs] == [
        ("address.unit", "field-address-unit", ""),
        ("address.street", "field-address-street", "1 Harmony Road")]
    assert label_of(root, "field-address-street") == "Street Required"


def test_ui_order_with_wildcard_and_unlisted_fields() -> None:
    properties = {name: {"type": "string"} for name in ("a", "b", "c", "d")}
    names = [i.get("name") for i in render(properties, {"ui:order": ["c", "*", "a"]})
             .xpath('//input')]
    assert names == ["c", "b", "d", "a"]
    names = [i.get("name") for i in render(properties, {"ui:order": ["d", "b"]}).xpath('//input')]
    assert names == ["d", "b", "a", "c"]


def test_read_only_fields_are_shown_but_not_editable() -> None:
    root = render({"case_no": {"type": "string", "readOnly": True},
                   "channel": {"type": "string", "enum": ["phone"], "readOnly": True},
                   "notes": {"type": "string"}},
                  required=("case_no",), values={"case_no": "C-0001", "channel": "phone"})
    case_no = one(root, '//input[@name="case_no"]')
    assert (case_no.get("value"), case_no.get("readonly")) == ("C-0001", "readonly")
    assert not root.xpath('//*[@class="field__required"]')
    assert one(root, '//select[@name="channel"]').get("disabled") == "disabled"
    assert one(root, '//input[@name="notes"]').get("readonly") is None


def test_whole_form_read_only() -> None:
    root = render({"notes": {"type": "string", "maxLength": 4000}, "ok": {"type": "boolean"},
                   "pick": {"enum": ["a", "b"]}}, {"pick": {"ui:widget": "radio"}},
                  values={"notes": "done", "ok": True, "pick": "a"}, readonly=True)
    assert one(root, '//textarea').get("readonly") == "readonly"
    assert all(i.get("disabled") == "disabled" for i in root.xpath('//input'))


def test_defaults_fill_only_what_is_absent() -> None:
    properties = {"channel": {"type": "string", "default": "phone"},
                  "count": {"type": "integer", "default": 1}}
    assert [i.get("value") for i in render(properties).xpath("//input")] == ["phone", "1"]
    given = render(properties, values={"channel": "letter"})
    assert [i.get("value") for i in given.xpath("//input")] == ["letter", "1"]
    # A re-rendered post keeps what was cleared: the default does not creep back.
    cleared = render(properties, values=MultiDict([("channel", ""), ("count", "")]))
    assert [i.get("value") for i in cleared.xpath("//input")] == ["", ""]


def test_field_errors_sit_by_their_field_and_in_the_summary() -> None:
    root = render({"reply_text": {"type": "string", "title": "Reply 回覆",
                                  "description": "Say it."},
                   "channel": {"enum": ["phone", "letter"]},
                   "address": {"type": "object", "properties": {"street": {"type": "string"}}},
                   "notes": {"type": "string"}},
                  {"channel": {"ui:widget": "radio"}},
                  errors=[FieldError(("reply_text",), "'x' is too short"),
                          FieldError(("reply_text",), "Say more"),
                          FieldError(("channel",), "reply by letter"),
                          FieldError(("address", "street"), "Enter the street"),
                          FieldError((), "the submitted data must be an object")])
    reply = one(root, '//input[@name="reply_text"]')
    assert reply.get("aria-invalid") == "true"
    assert reply.get("aria-describedby") == "field-reply_text-help field-reply_text-error"
    messages = one(root, '//div[@id="field-reply_text-error"]')
    assert [p.text_content() for p in messages] == ["Error: 'x' is too short", "Error: Say more"]
    assert "field--error" in reply.getparent().get("class")
    radios = root.xpath('//input[@name="channel"]')
    assert all(r.get("aria-invalid") == "true" for r in radios)
    assert one(root, '//fieldset[@id="field-channel"]').get("aria-describedby") == (
        "field-channel-error")
    assert one(root, '//input[@name="address.street"]').get("aria-invalid") == "true"
    assert one(root, '//input[@name="notes"]').get("aria-invalid") is None

    summary = one(root, '//div[@class="error-summary"]')
    assert summary is root[0], "the summary comes first"
    assert summary.get("role") == "alert"
    links = [(a.get("href"), a.text_content()) for a in summary.xpath(".//a")]
    assert links == [("#field-reply_text", "Reply 回覆: 'x' is too short"),
                     ("#field-reply_text", "Reply 回覆: Say more"),
                     ("#field-channel-0", "channel: reply by letter"),
                     ("#field-address-street", "street: Enter the street")]
    for href, _ in links:
        one(root, f'//*[@id="{href[1:]}"]')
    assert summary.xpath(".//li")[-1].text_content() == "the submitted data must be an object"


def test_engine_validation_errors_are_shown_like_parse_errors() -> None:
    invalid = FormInvalid([FieldError(("channels", 1), "'fax' is not one of ['phone']")])
    root = render({"channels": {"type": "array", "items": {"enum": ["phone"]}}},
                  errors=invalid.errors)
    assert one(root, '//input[@name="channels"]').get("aria-invalid") == "true"
    assert one(root, '//div[@class="error-summary"]//a').get("href") == "#field-channels-0"


def test_no_summary_without_errors() -> None:
    assert not render({"a": {"type": "string"}}).xpath('//div[@class="error-summary"]')


def test_posted_text_is_kept_as_typed() -> None:
    root = render({"floors": {"type": "integer"}, "note": {"type": "string"},
                   "tags": {"type": "array", "items": {"enum": ["a", "b"]}}},
                  values=MultiDict([("floors", "12x"), ("note", "kept"), ("tags", "b")]),
                  errors=[FieldError(("floors",), "Enter a whole number")])
    assert one(root, '//input[@name="floors"]').get("value") == "12x"
    assert one(root, '//input[@name="note"]').get("value") == "kept"
    assert [b.get("checked") is not None for b in root.xpath('//input[@name="tags"]')] == [
        False, True]


def test_form_description_is_shown_and_text_is_escaped() -> None:
    schema = {"type": "object", "description": "Read the case <first>.",
              "properties": {"a": {"type": "string", "title": "<b>A</b>"}}}
    root = lxml.html.fragment_fromstring(str(render_form(schema, values={"a": '"><script>'})))
    assert one(root, '//div[@class="form-intro"]').text_content() == "Read the case <first>."
    assert label_of(root, "field-a") == "<b>A</b>"
    assert one(root, "//input").get("value") == '"><script>'
    assert not root.xpath("//script") and not root.xpath("//b")


def test_array_of_objects_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedField, match="visits"):
        render({"visits": {"type": "array", "items": {"type": "object"}}})


def input_names(schema: dict[str, Any], prefix: str = "") -> set[str]:
    names = set()
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object":
            names |= input_names(prop, f"{prefix}{name}.")
        else:
            names.add(prefix + name)
    return names


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_form_renders_every_property(path: Path) -> None:
    schema = json.loads(path.read_text())
    ui_path = path.with_name(path.name.replace(".schema.json", ".ui.json"))
    ui = json.loads(ui_path.read_text()) if ui_path.exists() else None
    root = lxml.html.fragment_fromstring(str(render_form(schema, ui)))
    rendered = {e.get("name") for e in root.xpath("//input | //select | //textarea")}
    assert rendered == input_names(schema)
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"
    for label in root.xpath("//label"):
        one(root, f'//*[@id="{label.get("for")}"]')


def test_public_surface() -> None:
    assert sorted(webforms.__all__) == [
        "FieldError", "OFFICE_TZ", "UnsupportedField", "parse_submission", "render_form"]
    assert webforms.FieldError is engine.common.errors.FieldError
