"""Turn a posted task form back into the JSON its schema describes."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from api.web.webforms.local_time import OFFICE_TZ, NoSuchLocalTime, TimeZone, from_local_input
from api.web.webforms.schema_fields import Field, Schema, fields_of
from engine.common.errors import FieldError

WHOLE_NUMBER = re.compile(r"[+-]?\d+")
EMPTY = object()  # nothing entered: the key is left out of the data


def parse_submission(schema: Schema, formdata: MultiDict[str, str], *,
                     tz: TimeZone = OFFICE_TZ) -> tuple[dict[str, Any], list[FieldError]]:
    """Return the submitted data and the fields whose text could not be read.

    Only the schema's own properties are read, so ``csrf_token``, ``action``
    and other keys are ignored; read-only properties are never taken from a
    post. Data is returned for every readable field even when others failed,
    so the page can re-render everything as entered.
    """
    errors: list[FieldError] = []
    data = _object(fields_of(schema), formdata, tz, errors)
    return data, errors


def _object(fields: list[Field], formdata: MultiDict[str, str], tz: TimeZone,
            errors: list[FieldError]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields:
        if field.readonly:
            continue
        try:
            value = _value(field, formdata, tz, errors)
        except ValueError as problem:
            errors.append(FieldError(field.path, _message(field, problem)))
            continue
        if value is not EMPTY:
            data[field.path[-1]] = value
    return data


def _value(field: Field, formdata: MultiDict[str, str], tz: TimeZone,
           errors: list[FieldError]) -> Any:
    if field.kind == "group":
        inner = _object(list(field.children), formdata, tz, errors)
        return inner if inner or field.required else EMPTY
    if field.kind == "checkbox":
        # An unticked box is not posted at all: that is the answer "no". The parser reads the
        # schema without its ui, so an optional yes/no drawn as two radios arrives here too:
        # its "false" is a no, never a tick.
        posted = formdata.get(field.name)
        return posted is not None and posted != "false"
    if field.kind == "checkboxes":
        ticked = set(formdata.getlist(field.name))
        unknown = ticked - {c.token for c in field.choices}
        if unknown:
            raise ValueError("choice")
        chosen = [c.value for c in field.choices if c.token in ticked]
        return chosen if chosen or field.required else EMPTY
    text = (formdata.get(field.name) or "").strip()
    if not text:
        return EMPTY
    if field.choices:
        return _choice(field, text)
    if field.kind == "number":
        return _number(text, whole=field.type == "integer")
    if field.kind == "date":
        return date.fromisoformat(text).isoformat()
    if field.kind == "datetime":
        return from_local_input(text, tz)
    # Browsers post line breaks as CRLF; the JSON keeps plain newlines.
    return text.replace("\r\n", "\n")


def _choice(field: Field, token: str) -> Any:
    for choice in field.choices:
        if choice.token == token:
            return choice.value
    raise ValueError("choice")


def _number(text: str, *, whole: bool) -> int | float:
    if WHOLE_NUMBER.fullmatch(text):
        return int(text)
    number = float(text)  # ValueError for anything that is not a number
    if not math.isfinite(number):
        raise ValueError("finite")
    if whole:
        # "3.0" is a whole number; "3.5" is not.
        if not number.is_integer():
            raise ValueError("whole")
        return int(number)
    return number


def _message(field: Field, problem: ValueError) -> str:
    if isinstance(problem, NoSuchLocalTime):
        return gettext("This time does not exist here: the clocks changed. Enter another time.")
    if field.kind == "number" and field.type == "integer":
        return gettext("Enter a whole number")
    if field.kind == "number":
        return gettext("Enter a number")
    if field.kind == "date":
        return gettext("Enter a date as YYYY-MM-DD")
    if field.kind == "datetime":
        return gettext("Enter a date and time as YYYY-MM-DD HH:MM")
    if field.kind == "yes_no":
        return gettext("Choose Yes or No")
    return gettext("Choose one of the options")
