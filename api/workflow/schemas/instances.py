"""Process instances: starting one, the list, and one with its tasks and events."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.rest.schemas.common import JsonObject, PageArgs, PageRead, Text
from api.workflow.incidents import incident_message
from api.workflow.schemas.names import HistoryEntryRead
from api.workflow.schemas.tasks import TaskSummaryRead

STATUSES = ("running", "completed", "error")


class InstanceCreate(Schema):
    process_id = Text(required=True, validate=validate.Length(1, 200))
    data = JsonObject(load_default=dict, metadata={"description": "the start data"})
    business_key = Text(load_default=None, allow_none=True, validate=validate.Length(1, 100))


class InstanceListArgs(PageArgs):
    process_id = Text(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(STATUSES))
    business_key = Text(validate=validate.Length(max=100))


class InstanceSummaryRead(Schema):
    id = fields.Integer(required=True)
    process_id = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": " | ".join(STATUSES)})
    business_key = fields.String(allow_none=True)
    started_by = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True)


class InstancePageRead(PageRead):
    items = fields.List(fields.Nested(InstanceSummaryRead), required=True)


class IncidentRead(Schema):
    id = fields.Integer(required=True)
    element_id = fields.String(allow_none=True)
    kind = fields.String(required=True)
    message = fields.Function(incident_message, required=True, metadata={
        "type": "string",
        "description": "what stopped the instance, in the reader's language (Accept-Language) "
                       "when the engine said it; a script's own error as the script raised it"})
    message_code = fields.String(allow_none=True, metadata={
        "description": "the engine's code for the message; null for a script's own error"})
    created_at = fields.AwareDateTime(required=True)


class InstanceRead(Schema):
    instance = fields.Nested(InstanceSummaryRead, required=True)
    open_tasks = fields.List(fields.Nested(TaskSummaryRead), required=True)
    incidents = fields.List(fields.Nested(IncidentRead), required=True)
    events = fields.List(fields.Nested(HistoryEntryRead), required=True,
                         metadata={"description": "the audit log, oldest first"})
