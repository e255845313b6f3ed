"""Attachments over REST: the multipart upload, and what is read back."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.rest.schemas.common import Text


class AttachmentCreate(Schema):
    """A multipart upload: the field ``file``, and where on the case it belongs."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "a JPEG, PNG or WebP photo or a "
                                                              "PDF, at most the limit (10 MB)"})
    work_order = Text(load_default=None, validate=validate.Length(max=20), metadata={
        "description": "the number of one of the case's work orders, e.g. W-2026-000045"})
    task = Text(load_default=None, validate=validate.Length(max=36), metadata={
        "description": "the id of one of the case's open tasks (a visit, a repair step)"})


class AttachmentRead(Schema):
    id = fields.Integer(required=True)
    file_name = fields.String(required=True, metadata={"description": "as uploaded; shown only"})
    content_type = fields.String(required=True, metadata={
        "description": "read from the file's bytes, not its name"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True, allow_none=True)
    uploaded_at = fields.AwareDateTime(required=True)
    work_order = fields.String(required=True, allow_none=True)
    task_id = fields.String(required=True, allow_none=True)
