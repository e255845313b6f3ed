"""Owner cases: registering one from any channel, reading it, and its public status."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate

from api.rest.schemas.common import MAX_SMALL_ID, Text, WholeNumber
from api.workflow.schemas.names import HistoryEntryRead
from api.workflow.schemas.tasks import CaseBriefRead, TaskSummaryRead
from engine.cases.models import CASE_TYPES, CATEGORIES, STAFF_CHANNELS, URGENCIES
from engine.cases.tracking import PUBLIC_STATUSES

# A case is received in this century; anything else is a typing mistake.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _plausible(value: datetime) -> None:
    if not EARLIEST <= value < LATEST:
        raise ValidationError("must lie between 2000 and 2100")


class ComplainantCreate(Schema):
    name = Text(required=True, validate=validate.Length(1, 200))
    phone = Text(load_default="", validate=validate.Length(max=50))
    address = Text(load_default="", validate=validate.Length(max=300), metadata={
        "description": "postal address; needed when the case came by letter"})


class CaseCreate(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(STAFF_CHANNELS))
    type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    unit = WholeNumber(required=True, allow_none=True, validate=validate.Range(1, MAX_SMALL_ID),
                       metadata={"description": "unit id, or null for a common area"})
    description = Text(required=True, validate=validate.Length(1, 10_000))
    complainant = fields.Nested(ComplainantCreate, required=True)
    received_at = fields.AwareDateTime(load_default=None, allow_none=True, validate=_plausible,
                                       metadata={"description": "default: now"})
    urgency = fields.String(load_default="normal", validate=validate.OneOf(URGENCIES))


class CaseRegisteredRead(Schema):
    number = fields.String(required=True, metadata={"example": "C-2026-000123"})
    tracking_code = fields.String(required=True, metadata={
        "description": "for the owner: GET /api/v1/public/cases/{tracking_code}"})
    instance_id = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True)


class CaseSummaryRead(CaseBriefRead):
    id = fields.Integer(required=True)
    estate_id = fields.Integer(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    tracking_code = fields.String(required=True)
    registered_by = fields.String(allow_none=True)
    first_reply_at = fields.AwareDateTime(allow_none=True)
    replied_by_channel = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)


class ArchiveRead(Schema):
    id = fields.Integer(required=True)
    archived_at = fields.AwareDateTime(required=True)
    archived_by = fields.String(allow_none=True)
    method = fields.String(required=True)
    result = fields.String(required=True)
    satisfied = fields.Boolean(allow_none=True)
    correction_reason = fields.String(required=True)
    supersedes_id = fields.Integer(allow_none=True)
    current = fields.Boolean(required=True)


class LetterRead(Schema):
    id = fields.Integer(required=True)
    written_at = fields.AwareDateTime(required=True)
    written_by = fields.String(allow_none=True)
    addressee = fields.String(required=True)
    address = fields.String(required=True)
    body = fields.String(required=True)


class WorkOrderRead(Schema):
    number = fields.String(required=True)
    department = fields.String(required=True)
    status = fields.String(required=True)
    dispatched_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    handled_by = fields.String(allow_none=True)
    method = fields.String(required=True)
    result = fields.String(required=True)


class EscalationOutcomeRead(Schema):
    decision = fields.String(required=True)
    final_round = fields.Boolean(required=True)
    decided_at = fields.AwareDateTime(required=True)
    decided_by = fields.String(allow_none=True)
    text = fields.String(required=True)
    authority = fields.String(allow_none=True)
    authority_reference = fields.String(required=True)
    referred_on = fields.Date(allow_none=True)
    follow_ups = fields.Integer(required=True)
    authority_answer = fields.String(required=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    replied_at = fields.AwareDateTime(allow_none=True)


class CaseRead(Schema):
    case = fields.Nested(CaseSummaryRead, required=True)
    records = fields.List(fields.Nested(HistoryEntryRead), required=True)
    archive = fields.List(fields.Nested(ArchiveRead), required=True)
    letters = fields.List(fields.Nested(LetterRead), required=True)
    work_orders = fields.List(fields.Nested(WorkOrderRead), required=True)
    outcomes = fields.List(fields.Nested(EscalationOutcomeRead), required=True)
    open_tasks = fields.List(fields.Nested(TaskSummaryRead), required=True)
    timeline = fields.List(fields.Nested(HistoryEntryRead), required=True)


class PublicCaseRead(Schema):
    """What anyone with the tracking code may see: no name, phone, address or description."""

    number = fields.String(required=True)
    type = fields.String(required=True)
    category = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(PUBLIC_STATUSES),
                           metadata={"description": " | ".join(PUBLIC_STATUSES)})
