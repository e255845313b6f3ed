"""Names people read in a REST answer: a diagram's names in the caller's language."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, missing

from api.workflow.labels import element_name

__all__ = ["AsWritten", "ElementName", "HistoryEntryRead"]


class ElementName(fields.String):
    """A diagram's name in the reader's language (Accept-Language, else the language cookie)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return super()._serialize(None if value is None else element_name(str(value)),
                                  attr, obj, **kwargs)


class AsWritten(fields.String):
    """Another attribute's text as it is (two fields may not share one ``attribute``)."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(dump_only=True, **kwargs)
        self.source = source

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return super().get_value(obj, self.source, accessor, default)


class HistoryEntryRead(Schema):
    at = fields.AwareDateTime(required=True)
    actor = fields.String(allow_none=True)
    kind = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "record | event"})
    step = ElementName(required=True, metadata={
        "description": "the step it happened to, in the reader's language (Accept-Language)"})
    process_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    data = fields.Dict(required=True)
