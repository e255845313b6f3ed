"""Render a task's form fields as HTML from its JSON Schema and ui schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from flask import render_template
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from api.web.webforms.form_text import as_form_text
from api.web.webforms.local_time import OFFICE_TZ, TimeZone
from api.web.webforms.schema_fields import Field, Schema, fields_of
from engine.common.errors import FieldError
from engine.workflow.say_enough import KEYWORD as MIN_TEXT
from engine.workflow.say_enough import minimums

DEFAULT_ROWS = 5
INPUT_TYPES = {"number": "number", "date": "date", "datetime": "datetime-local"}
TEXT_TYPES = {"email": "email", "uri": "url"}  # by the string's format


@dataclass
class Option:
    """One radio button, checkbox or select option as the template shows it."""

    id: str
    token: str
    label: str
    chosen: bool


@dataclass
class FieldView:
    """A field with its current text, messages and HTML attributes worked out."""

    field: Field
    readonly: bool
    value: str = ""
    help: list[str] = default(default_factory=list)
    errors: list[str] = default(default_factory=list)
    attrs: dict[str, Any] = default(default_factory=dict)
    options: list[Option] = default(default_factory=list)
    children: list[FieldView] = default(default_factory=list)

    @property
    def anchor(self) -> str:
        """Return the id the error summary links to: the first input a user would fix."""
        return self.options[0].id if self.options and self.field.kind != "select" else self.field.id

    @property
    def describedby(self) -> str:
        ids = [f"{self.field.id}-help"] if self.help else []
        return " ".join([*ids, f"{self.field.id}-error"] if self.errors else ids)


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the error summary; ``anchor`` is None for errors of the whole form."""

    message: str
    label: str | None = None
    anchor: str | None = None


def render_form(schema: Schema, ui: Schema | None = None, *,
                values: Mapping[str, Any] | MultiDict[str, str] | None = None,
                errors: Iterable[FieldError] | None = None, readonly: bool = False,
                tz: TimeZone = OFFICE_TZ) -> Markup:
    """Render the form's fields (no ``<form>`` tag, no buttons) with values and errors.

    ``values`` is either the task's data (JSON; absent keys show the schema's
    ``default``) or, when re-rendering a submission, the posted form itself so
    that what was typed comes back exactly, even text that was not a number.
    ``errors`` takes parse errors and the engine's ``FormInvalid.errors`` alike.
    """
    fields = fields_of(schema, ui)
    formdata = values if isinstance(values, MultiDict) else as_form_text(fields, values, tz)
    views = [_view(f, formdata, readonly) for f in fields]
    summary = _attach_errors(views, list(errors or ()))
    html = render_template("webforms/form.html", fields=views, summary=summary,
                           intro=schema.get("description"))
    return Markup(html)


def _view(field: Field, formdata: MultiDict[str, str], readonly: bool) -> FieldView:
    readonly = readonly or field.readonly
    view = FieldView(field, readonly, help=[str(t) for t in (field.schema.get("description"),
                                                             field.ui.get("ui:help")) if t])
    if field.kind == "group":
        view.children = [_view(child, formdata, readonly) for child in field.children]
        return view
    chosen = set(formdata.getlist(field.name))
    labels = {"true": gettext("Yes"), "false": gettext("No")} if field.kind == "yes_no" else {}
    view.options = [Option(f"{field.id}-{i}", c.token, c.label or labels.get(c.token, c.token),
                           c.token in chosen) for i, c in enumerate(field.choices)]
    view.value = formdata.get(field.name, "")
    view.attrs = _attrs(field)
    return view


def _attrs(field: Field) -> dict[str, Any]:
    """Return the HTML attributes the schema implies; None values are left out."""
    schema, ui = field.schema, field.ui
    attrs: dict[str, Any] = {"placeholder": ui.get("ui:placeholder")}
    if field.kind in ("text", "textarea"):
        attrs["maxlength"] = schema.get("maxLength")
        attrs.update(_say_enough(schema))
    if field.kind == "text":
        attrs["type"] = TEXT_TYPES.get(schema.get("format", ""), "text")
    elif field.kind in INPUT_TYPES:
        attrs["type"] = INPUT_TYPES[field.kind]
    if field.kind == "textarea":
        attrs["rows"] = (ui.get("ui:options") or {}).get("rows", DEFAULT_ROWS)
    if field.kind == "number":
        whole = field.type == "integer"
        attrs.update(min=schema.get("minimum"), max=schema.get("maximum"),
                     step=schema.get("multipleOf", 1 if whole else "any"),
                     inputmode="numeric" if whole else "decimal")
    return {k: v for k, v in attrs.items() if v is not None}


def _say_enough(schema: Schema) -> dict[str, Any]:
    """The browser's copy of ``x-minText`` (say_enough.js): the minimums and the message."""
    limits = minimums(schema.get(MIN_TEXT))
    if not limits:
        return {}
    return {"data-min-cjk": limits["cjk"], "data-min-latin": limits["latin"],
            "data-min-message": gettext("Say a little more: at least %(cjk)s Chinese characters "
                                        "or %(latin)s letters.", **limits)}


def _attach_errors(views: list[FieldView], errors: list[FieldError]) -> list[SummaryEntry]:
    """Give each error to the deepest field on its path; list them all for the summary."""
    by_path = {v.field.path: v for view in views for v in _walk(view)}
    summary = []
    for error in errors:
        path = tuple(str(p) for p in error.path)
        owner = next((by_path[path[:n]] for n in range(len(path), 0, -1)
                      if path[:n] in by_path), None)
        if owner is None:
            summary.append(SummaryEntry(error.message))
            continue
        owner.errors.append(error.message)
        summary.append(SummaryEntry(error.message, owner.field.label, owner.anchor))
    return summary


def _walk(view: FieldView) -> list[FieldView]:
    return [view, *(v for child in view.children for v in _walk(child))]
