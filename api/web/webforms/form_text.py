"""Spell task data as the text a form's inputs hold: the inverse of parsing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from api.web.webforms.local_time import TimeZone, to_local_input
from api.web.webforms.schema_fields import Field, token_of


def as_form_text(fields: list[Field], values: Mapping[str, Any] | None,
                 tz: TimeZone) -> MultiDict[str, str]:
    """Return the posted form that would carry ``values``, defaults filling what is absent."""
    formdata: MultiDict[str, str] = MultiDict()
    _add(fields, values or {}, formdata, tz)
    return formdata


def _add(fields: list[Field], values: Mapping[str, Any], formdata: MultiDict[str, str],
         tz: TimeZone) -> None:
    for field in fields:
        key = field.path[-1]
        value = values[key] if key in values else field.schema.get("default")
        if field.kind == "group":
            _add(list(field.children), value if isinstance(value, Mapping) else {}, formdata, tz)
        elif value is None:
            continue
        elif field.kind == "checkboxes":
            for item in value if isinstance(value, list) else [value]:
                formdata.add(field.name, token_of(item))
        elif field.kind == "checkbox":
            if value is True:
                formdata.add(field.name, "true")
        elif field.kind == "datetime" and isinstance(value, str):
            formdata.add(field.name, to_local_input(value, tz))
        else:
            formdata.add(field.name, token_of(value))
