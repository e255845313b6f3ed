"""Attach a file from the case page or a task page of the case; show it and its thumbnail.

Only someone who may read the case reaches its files; to anyone else they do
not exist (404), like the case itself. The panel on both pages comes from the
template global ``attachments_of``, so neither page imports this package.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.attachments.files import (
    limit_bytes,
    read_upload,
    refusal_message,
    send_attachment,
    storage,
)
from api.web.auth import login_required, signed_in_viewer
from api.web.database import db, system
from engine.attachments.services import (
    AttachmentRefused,
    AttachmentView,
    attach_to_case,
    attachment_file,
    attachment_thumbnail,
    case_attachments,
)
from engine.common.errors import FormInvalid, NotFound

__all__ = ["blueprint"]

blueprint = Blueprint("attachments", __name__)


@blueprint.app_template_global()
def attachments_of(number: str) -> list[AttachmentView]:
    """The files of a case for the signed-in reader; none if they may not read it."""
    try:
        return case_attachments(db(), number=number, viewer=signed_in_viewer())
    except NotFound:
        return []


@blueprint.app_template_global()
def attachment_limit_mb() -> int:
    return system().settings.attachment_limit_mb


@blueprint.post("/cases/<number>/attachments")
@login_required
def upload(number: str) -> ResponseReturnValue:
    task_id = request.form.get("task", "").strip() or None
    back = (url_for("tasks.show", task_id=task_id) if task_id
            else url_for("cases.show", number=number))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose a photo or a PDF file to attach."), "error")
        return redirect(back, 303)
    try:
        view = attach_to_case(db(), system().rt, storage(), number=number,
                              viewer=signed_in_viewer(), file_name=upload.filename,
                              data=read_upload(upload), limit_bytes=limit_bytes(),
                              work_order=request.form.get("work_order", "").strip() or None,
                              task_id=task_id)
    except AttachmentRefused as refused:
        flash(refusal_message(refused), "error")
        return redirect(back, 303)
    except FormInvalid:
        flash(gettext("This file cannot be attached here: the task or work order is not "
                      "one of this case's."), "error")
        return redirect(back, 303)
    flash(gettext("%(name)s attached.", name=view.file_name), "success")
    return redirect(back, 303)


@blueprint.get("/cases/<number>/attachments/<int:attachment_id>")
@login_required
def show(number: str, attachment_id: int) -> ResponseReturnValue:
    view, data = attachment_file(db(), storage(), number=number, attachment_id=attachment_id,
                                 viewer=signed_in_viewer())
    return send_attachment(view, data)


@blueprint.get("/cases/<number>/attachments/<int:attachment_id>/thumbnail")
@login_required
def thumbnail(number: str, attachment_id: int) -> ResponseReturnValue:
    data = attachment_thumbnail(db(), storage(), number=number, attachment_id=attachment_id,
                                viewer=signed_in_viewer())
    return data, {"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=86400",
                  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
