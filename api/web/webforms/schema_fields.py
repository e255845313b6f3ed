"""Read a task's JSON Schema and ui schema into the fields a form shows, in order."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Schema = Mapping[str, Any]

# Past this length a single-line input is a poor place to write (seed forms allow 4000).
LONG_TEXT = 200


class UnsupportedField(ValueError):
    """A schema property this renderer cannot turn into form inputs."""


@dataclass(frozen=True)
class Choice:
    """One option of an enum: the JSON value, its form token and its label."""

    value: Any
    token: str
    label: str


@dataclass(frozen=True)
class Field:
    """One property of the form, with everything both rendering and parsing need."""

    path: tuple[str, ...]
    schema: Schema
    ui: Schema
    # text, textarea, number, date, datetime, select, radio, checkbox, yes_no, checkboxes, group
    kind: str
    required: bool
    choices: tuple[Choice, ...] = ()
    children: tuple[Field, ...] = ()

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def id(self) -> str:
        return "field-" + "-".join(re.sub(r"[^\w]", "_", part) for part in self.path)

    @property
    def label(self) -> str:
        return str(self.schema.get("title") or self.path[-1])

    @property
    def readonly(self) -> bool:
        return bool(self.schema.get("readOnly") or self.ui.get("ui:readonly"))

    @property
    def type(self) -> str:
        return json_type(self.schema)


def fields_of(schema: Schema, ui: Schema | None = None,
              path: tuple[str, ...] = ()) -> list[Field]:
    """Return the fields of an object schema in ``ui:order``."""
    ui = ui or {}
    properties: Mapping[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return [_field((*path, name), properties[name], _ui_of(ui, name), name in required)
            for name in ordered(list(properties), ui.get("ui:order"))]


def ordered(names: list[str], order: Sequence[str] | None) -> list[str]:
    """Order ``names`` by ``ui:order``; ``*`` stands for the rest, which go last if absent."""
    if not order:
        return names
    listed = [n for n in order if n in names]
    rest = [n for n in names if n not in listed]
    if "*" not in order:
        return listed + rest
    star = order.index("*")
    before = [n for n in order[:star] if n in names]
    return before + rest + [n for n in order[star + 1:] if n in names]


def json_type(schema: Schema) -> str:
    """Return the schema's type, the first non-null one of a list, or infer it from enums."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None and "properties" in schema:
        return "object"
    if kind is None:
        sample = next(iter(_enum_values(schema) or [""]))
        kind = {bool: "boolean", int: "integer", float: "number"}.get(type(sample), "string")
    return str(kind)


def token_of(value: Any) -> str:
    """Spell an enum value as it travels in a form: strings as they are, others as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _ui_of(ui: Schema, name: str) -> Schema:
    node = ui.get(name)
    return node if isinstance(node, Mapping) else {}


def _field(path: tuple[str, ...], schema: Schema, ui: Schema, required: bool) -> Field:
    kind = json_type(schema)
    widget = ui.get("ui:widget")
    if kind == "object":
        children = tuple(fields_of(schema, ui, path))
        return Field(path, schema, ui, "group", required, children=children)
    if kind == "array":
        items = schema.get("items", {})
        choices = _choices(items, _ui_of(ui, "items") or ui)
        if not choices:
            raise UnsupportedField(f"{'.'.join(path)}: only arrays of enum values can be shown")
        return Field(path, schema, ui, "checkboxes", required, choices)
    if kind == "boolean":
        # A required yes/no needs an explicit answer: an unticked box could be an oversight.
        yes_no = widget == "radio" or (required and widget != "checkbox")
        return Field(path, schema, ui, "yes_no" if yes_no else "checkbox", required,
                     _yes_no_choices(ui) if yes_no else ())
    choices = _choices(schema, ui)
    if choices:
        shown_as = "radio" if widget == "radio" else "select"
        return Field(path, schema, ui, shown_as, required, choices)
    if kind in ("number", "integer"):
        return Field(path, schema, ui, "number", required)
    if schema.get("format") == "date":
        return Field(path, schema, ui, "date", required)
    if schema.get("format") == "date-time":
        return Field(path, schema, ui, "datetime", required)
    long = widget == "textarea" or schema.get("maxLength", 0) > LONG_TEXT
    return Field(path, schema, ui, "textarea" if long else "text", required)


def _enum_values(schema: Schema) -> list[Any] | None:
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    one_of = schema.get("oneOf") or schema.get("anyOf")
    if one_of and all(isinstance(o, Mapping) and "const" in o for o in one_of):
        return [o["const"] for o in one_of]
    return None


def _choices(schema: Schema, ui: Schema) -> tuple[Choice, ...]:
    values = _enum_values(schema)
    if values is None:
        return ()
    titles = [o.get("title") for o in schema.get("oneOf") or schema.get("anyOf") or ()]
    names = list(ui.get("ui:enumNames") or titles or ())
    return tuple(Choice(v, token_of(v), str(names[i]) if i < len(names) and names[i] else
                        str(v)) for i, v in enumerate(values))


def _yes_no_choices(ui: Schema) -> tuple[Choice, ...]:
    # The labels are translated when the form is rendered; an author may name them.
    names = list(ui.get("ui:enumNames") or ("", ""))
    return (Choice(True, "true", str(names[0])), Choice(False, "false", str(names[1])))
