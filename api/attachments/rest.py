"""``/api/v1/cases/<number>/attachments``: attach a photo or PDF to a case, list them, fetch one."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from werkzeug.datastructures import FileStorage as Upload

from api.attachments.files import (
    limit_bytes,
    read_upload,
    refusal_message,
    send_attachment,
    storage,
)
from api.attachments.schemas import AttachmentCreate, AttachmentRead
from api.rest import Resource
from api.rest.access import current_viewer
from api.rest.schemas.common import ErrorRead
from api.web.database import db, system
from engine.attachments.files import IMAGE_TYPES, PDF
from engine.attachments.services import (
    AttachmentRefused,
    AttachmentView,
    attach_to_case,
    attachment_file,
    case_attachments,
)
from engine.common.errors import FieldError, FormInvalid

STAFF_NOTE = "any staff role; the case must be one the caller reads (else 404)"
# The multipart form around the file: its field names and boundaries.
MULTIPART_OVERHEAD = 64 * 1024

blueprint = Resource("attachments", __name__, path="/cases",
                     description="Photos and scanned letters on a case: attach, list, fetch.")


@blueprint.before_request
def _room_for_one_file() -> None:
    """Let an upload's body be as large as one file may be (the REST default is 10 MB)."""
    if request.mimetype == "multipart/form-data":
        request.max_content_length = limit_bytes() + MULTIPART_OVERHEAD


@blueprint.route("/<code:number>/attachments")
class Attachments(MethodView):
    @blueprint.response(200, AttachmentRead(many=True))
    def get(self, number: str) -> list[AttachmentView]:
        """The case's photos and PDFs, oldest first"""
        return case_attachments(db(), number=number, viewer=current_viewer())

    @blueprint.arguments(AttachmentCreate, location="multipart")
    @blueprint.response(201, AttachmentRead)
    @blueprint.alt_response(413, schema=ErrorRead, description="the body is far past the limit")
    @blueprint.alt_response(422, schema=ErrorRead, description="the file is empty, too big or "
                            "neither a photo nor a PDF (`errors` says which, in the caller's "
                            "language), or the work order or task is not the case's")
    def post(self, body: dict[str, Any], number: str) -> AttachmentView:
        """Attach a photo or PDF; its type is read from its bytes"""
        upload = body["file"]
        if not isinstance(upload, Upload):
            raise FormInvalid([FieldError(("file",), "send the file as a multipart file part")])
        try:
            return attach_to_case(db(), system().rt, storage(), number=number,
                                  viewer=current_viewer(), file_name=upload.filename or "",
                                  data=read_upload(upload), limit_bytes=limit_bytes(),
                                  work_order=body["work_order"], task_id=body["task"])
        except AttachmentRefused as refused:
            raise AttachmentRefused(refused.reason, refusal_message(refused),
                                    limit_bytes=refused.limit_bytes) from None


FILE_TYPES = {content_type: {"schema": {"type": "string", "format": "binary"}}
              for content_type in (*IMAGE_TYPES.values(), PDF)}


@blueprint.route("/<code:number>/attachments/<id:attachment_id>")
class AttachmentContent(MethodView):
    @blueprint.doc(responses={"200": {"description": "the file as uploaded",
                                      "content": FILE_TYPES}})
    def get(self, number: str, attachment_id: int) -> Response:
        """The file itself, served with the type read from it"""
        view, data = attachment_file(db(), storage(), number=number,
                                     attachment_id=attachment_id, viewer=current_viewer())
        return send_attachment(view, data)
