"""Fields and schemas every resource shares: safe text, JSON data, paging, the error shape."""

from __future__ import annotations

import math
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engine.workflow.tasks.inbox import MAX_PER_PAGE

# A unit id past its 32-bit column names nothing and must not reach SQL.
MAX_SMALL_ID = 2**31 - 1
MAX_PAGE = 10_000  # past this an offset scan costs more than any report needs
MAX_DEPTH = 32     # of nested JSON in process data


def _no_nul(value: str) -> None:
    # PostgreSQL cannot store a NUL character in text or JSON.
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")


class Text(fields.String):
    """A string that the database can store as it is."""

    def __init__(self, **kwargs: Any) -> None:
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        super().__init__(validate=[_no_nul, *validators], **kwargs)


class WholeNumber(fields.Integer):
    """An integer in a JSON body: ``1.5`` (or ``1.0``) is refused, never cut to ``1``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)


def _storable(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ValidationError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationError("numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _storable(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _storable(item, depth + 1)


class JsonObject(fields.Dict):
    """Free-form process data: a JSON object the database can store."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), validate=_storable, **kwargs)


class ErrorRead(Schema):
    """The one error shape of every non-2xx answer."""

    code = fields.String(required=True, metadata={"description": "machine-readable reason"})
    message = fields.String(required=True, metadata={"description": "in English, for logs"})
    message_code = fields.String(metadata={
        "description": "stable code of the message, to word it in the reader's language; "
                       "present only where the message has one"})
    params = fields.Dict(metadata={
        "description": "the values the message names, by name; times in ISO 8601 (UTC)"})
    errors = fields.List(fields.Dict(), required=True, metadata={
        "description": "per field `{field, message}`, with `code` and `params` (as "
                       "`message_code` and `params` above) where the message has a code, or per "
                       "definition problem `{file, element_id, line, message}`"})
    context = fields.Dict(metadata={"description": "process, version, element id, file, line"})


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, MAX_PER_PAGE),
                              metadata={"description": f"at most {MAX_PER_PAGE}"})


class PageRead(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
