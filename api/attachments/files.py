"""What the pages and the REST resource share: the store, the limit, sending a file, refusals."""

from __future__ import annotations

import io

from flask import Response, request, send_file
from flask_babel import gettext
from werkzeug.datastructures import FileStorage as Upload

from api.web.database import system
from engine.attachments.files import PDF
from engine.attachments.services import AttachmentRefused, AttachmentView
from engine.attachments.storage import Storage, storage_for

__all__ = ["limit_bytes", "read_upload", "refusal_message", "send_attachment", "storage"]

# A PDF is shown by the browser's own viewer, which a page's "object-src 'none'" would stop.
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
# A photo is only an image: nothing in it may run or load anything.
IMAGE_POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'none'"


def storage() -> Storage:
    return storage_for(system().settings)


def limit_bytes() -> int:
    return system().settings.attachment_limit_bytes


def read_upload(upload: Upload) -> bytes:
    """The uploaded bytes, read no further than one byte past the limit."""
    try:
        return upload.stream.read(limit_bytes() + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file: let it go now


def refusal_message(refused: AttachmentRefused) -> str:
    """Why the file was refused, in the reader's language."""
    if refused.reason == "too_big":
        return gettext("The file is larger than %(limit)d MB. Send a smaller photo or scan.",
                       limit=refused.limit_bytes // (1024 * 1024))
    if refused.reason == "empty":
        return gettext("The file is empty. Choose the photo or scan again.")
    return gettext("Only photos (JPEG, PNG, WebP) and PDF files can be attached; "
                   "this file is neither, whatever its name says.")


def send_attachment(view: AttachmentView, data: bytes) -> Response:
    """The file as it was uploaded: shown in the browser, or downloaded with ``?download=1``."""
    download = request.args.get("download") == "1"
    response = send_file(io.BytesIO(data), mimetype=view.content_type, as_attachment=download,
                         download_name=view.file_name, etag=view.sha256, max_age=0,
                         conditional=True)
    response.headers["Content-Security-Policy"] = (PDF_POLICY if view.content_type == PDF
                                                   else IMAGE_POLICY)
    response.cache_control.private = True
    return response
