"""Deployed processes and their versions; the result of validating or deploying files."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.rest.schemas.common import Text
from api.workflow.schemas.names import ElementName


class VersionRead(Schema):
    version = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    deployed_at = fields.AwareDateTime(required=True)
    deployed_by = fields.String(allow_none=True)
    note = fields.String(required=True)


class ProcessRead(Schema):
    process_id = fields.String(required=True)
    name = ElementName(required=True, metadata={
        "description": "the process's name in the reader's language (Accept-Language)"})
    latest_version = fields.Integer(required=True)
    calls = fields.List(fields.String(), required=True,
                        metadata={"description": "processes its call activities start"})
    versions = fields.List(fields.Nested(VersionRead), required=True,
                           metadata={"description": "newest first"})


class UploadCreate(Schema):
    """A multipart upload: the field ``files``, repeated once per file."""

    files = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}),
                        required=True, metadata={
                            "description": "BPMN and DMN files and their forms; name a form "
                                           "`<process_id>/<file>.json`, or just `<file>.json` "
                                           "beside a single BPMN file"})


class DeployCreate(UploadCreate):
    note = Text(load_default="", validate=validate.Length(max=2000),
                metadata={"description": "what changed, for the version history"})


class ValidationRead(Schema):
    valid = fields.Boolean(required=True)
    processes = fields.List(fields.String(), required=True,
                            metadata={"description": "ids of the processes checked"})


class DeployedRead(Schema):
    process_id = fields.String(required=True)
    version = fields.Integer(required=True)
    created = fields.Boolean(required=True, metadata={
        "description": "false when the content was unchanged and the latest version stands"})
