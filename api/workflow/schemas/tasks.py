"""Open tasks: the inbox rows, one task with its form, and what completing it sends."""

from __future__ import annotations

from typing import get_args

from marshmallow import Schema, fields, validate

from api.rest.schemas.common import JsonObject, PageArgs, PageRead, Text
from api.workflow.schemas.names import AsWritten, ElementName, HistoryEntryRead
from engine.workflow.tasks.inbox import DueState, Scope, Sort

SCOPES, SORTS, DUE_STATES = get_args(Scope), get_args(Sort), get_args(DueState)


class TaskSummaryRead(Schema):
    id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    process_id = fields.String(required=True)
    element_id = fields.String(required=True)
    title = ElementName(required=True, metadata={
        "description": "the task's name in the reader's language (Accept-Language)"})
    name = AsWritten("title", required=True, metadata={
        "description": "the task's name as the diagram spells it, the same in every language"})
    role = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    case_number = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    building = fields.String(allow_none=True)
    estate_id = fields.Integer(allow_none=True)
    offered_at = fields.AwareDateTime(required=True)
    due_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean(required=True)
    claimed_at = fields.AwareDateTime(allow_none=True)
    blocked = fields.Boolean(required=True, metadata={
        "description": "an incident stopped the task's case: it cannot be completed until a "
                       "supervisor retries the incident"})


class TaskListArgs(PageArgs):
    scope = fields.String(load_default="roles", validate=validate.OneOf(SCOPES), metadata={
        "description": "mine: held by me; roles: mine and my roles' unclaimed ones; "
                       "all: every task (supervisors)"})
    process_id = Text(validate=validate.Length(max=200))
    category = Text(validate=validate.Length(max=30))
    building = Text(validate=validate.Length(max=50))
    due = fields.String(validate=validate.OneOf(DUE_STATES))
    text = Text(validate=validate.Length(max=100),
                metadata={"description": "part of the case number or the task title"})
    sort = fields.String(load_default="due", validate=validate.OneOf(SORTS))


class TaskPageRead(PageRead):
    items = fields.List(fields.Nested(TaskSummaryRead), required=True)


class FormRead(Schema):
    name = fields.String(required=True, metadata={"description": "process_id/file"})
    schema = fields.Dict(required=True, metadata={"description": "JSON Schema of the data"})
    ui = fields.Dict(required=True, metadata={"description": "layout hints; {} without"})


class CaseBriefRead(Schema):
    number = fields.String(required=True)
    type = fields.String(required=True)
    channel = fields.String(required=True)
    category = fields.String(required=True)
    urgency = fields.String(required=True)
    unit_label = fields.String(required=True)
    complainant_name = fields.String(required=True)
    complainant_phone = fields.String(required=True)
    description = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)


class TaskRead(Schema):
    task = fields.Nested(TaskSummaryRead, required=True)
    form = fields.Nested(FormRead, allow_none=True, required=True)
    data = fields.Dict(required=True, metadata={"description": "the process data so far"})
    values = fields.Dict(required=True, metadata={
        "description": "what the form starts with: the caller's draft, else the data"})
    case = fields.Nested(CaseBriefRead, allow_none=True, required=True)
    history = fields.List(fields.Nested(HistoryEntryRead), required=True)
    may_complete = fields.Boolean(required=True)


class TaskAssignCreate(Schema):
    assignee = Text(required=True, validate=validate.Length(1, 150),
                    metadata={"description": "user name of who is to hold the task"})
    despite_role = fields.Boolean(load_default=False, metadata={
        "description": "hand the task to someone without its role all the same (without "
                       "it such a request is refused with 422 naming `despite_role`)"})


class TaskCompleteCreate(Schema):
    data = JsonObject(required=True, metadata={"description": "the form's data"})


class CompletionRead(Schema):
    instance_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "running | completed | error"})
    open_tasks = fields.List(fields.Nested(TaskSummaryRead), required=True,
                             metadata={"description": "what the instance waits for now"})
