"""Attach a file to a case, list a case's files, read one back with its thumbnail.

Whoever may read a case (``engine/cases/access.py``) may attach to it and read
its files; to anyone else the case and its files do not exist (``NotFound``).
``store_attachment`` is the step without that check, for a caller that has
already decided, such as the owner's own intake form.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.attachments.files import IMAGE_TYPES, detect_type, make_thumbnail
from engine.attachments.models import Attachment
from engine.attachments.storage import Storage, new_key, thumbnail_key
from engine.cases.access import may_read_case
from engine.cases.models import Case, WorkOrder
from engine.common.audit import HasClock, record
from engine.common.errors import FieldError, FormInvalid, NotFound
from engine.workflow.models import HumanTask
from engine.workflow.viewer import Viewer

__all__ = ["AttachmentRefused", "AttachmentView", "attach_to_case", "attachment_file",
           "attachment_thumbnail", "case_attachments", "check_file", "readable_case_named",
           "store_attachment"]

NAME_LENGTH = 255
ATTACHED = "attachment_added"  # the audit event's kind


class AttachmentRefused(FormInvalid):
    """A file that is empty, too big or of a type not accepted; ``reason`` says which."""

    code = "attachment_refused"

    def __init__(self, reason: str, message: str, *, limit_bytes: int) -> None:
        super().__init__([FieldError(("file",), message)])
        self.reason = reason  # "empty", "too_big" or "type"
        self.limit_bytes = limit_bytes
        self.message = message


@dataclass(frozen=True)
class AttachmentView:
    id: int
    case_number: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime
    work_order: str | None  # its number
    task_id: str | None

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES.values()


def check_file(data: bytes, *, limit_bytes: int) -> str:
    """The file's content type if it may be attached; else ``AttachmentRefused``."""
    if not data:
        raise AttachmentRefused("empty", "the file is empty", limit_bytes=limit_bytes)
    if len(data) > limit_bytes:
        raise AttachmentRefused("too_big", f"the file is larger than {limit_bytes} bytes",
                                limit_bytes=limit_bytes)
    content_type = detect_type(data)
    if content_type is None:
        raise AttachmentRefused("type", "only JPEG, PNG or WebP photos and PDF files are accepted",
                                limit_bytes=limit_bytes)
    return content_type


def readable_case_named(session: Session, number: str, viewer: Viewer) -> Case:
    """The case with this number if the viewer may read it; otherwise ``NotFound``."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None or not viewer.sees_estate(case.estate_id) \
            or not may_read_case(session, case, viewer):
        raise NotFound(f"no case {number}")
    return case


def store_attachment(session: Session, rt: HasClock, storage: Storage, *, case: Case,
                     file_name: str, data: bytes, limit_bytes: int, uploaded_by: str | None,
                     work_order: WorkOrder | None = None,
                     task_id: str | None = None) -> AttachmentView:
    """Check the file, keep its bytes and add its row (flushed, not committed).

    Should the transaction roll back, the stored bytes stay behind under a key no
    row names: harmless, and never served.
    """
    content_type = check_file(data, limit_bytes=limit_bytes)
    key = new_key()
    storage.put(key, data)
    row = Attachment(case_id=case.id, work_order_id=work_order.id if work_order else None,
                     task_id=task_id, original_name=_display_name(file_name),
                     content_type=content_type, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                     uploaded_by=uploaded_by, uploaded_at=rt.clock.now())
    session.add(row)
    session.flush()
    # On the case's timeline and its tasks' history: who attached what, and on which task.
    record(session, rt, kind=ATTACHED, actor=uploaded_by, instance_id=case.instance_id,
           task_id=task_id, data={"case_id": case.id, "attachment_id": row.id,
                                  "file_name": row.original_name, "content_type": content_type})
    return _view(row, case.number, work_order.number if work_order else None)


def attach_to_case(session: Session, rt: HasClock, storage: Storage, *, number: str,
                   viewer: Viewer, file_name: str, data: bytes, limit_bytes: int,
                   work_order: str | None = None, task_id: str | None = None) -> AttachmentView:
    """Attach a file to a case the viewer reads, perhaps on one of its work orders or tasks."""
    case = readable_case_named(session, number, viewer)
    order = None
    if work_order:
        order = session.scalars(select(WorkOrder).where(WorkOrder.number == work_order,
                                                        WorkOrder.case_id == case.id)).first()
        if order is None:
            raise FormInvalid([FieldError(("work_order",),
                                          f"case {number} has no work order {work_order}")])
    if task_id:
        of_case = or_(HumanTask.case_id == case.id, HumanTask.instance_id == case.instance_id)
        task = session.scalars(select(HumanTask).where(HumanTask.id == task_id,
                                                       of_case)).first()
        if task is None:
            raise FormInvalid([FieldError(("task",), f"case {number} has no open task {task_id}")])
        order = order or _work_order_of(session, case, task)
    return store_attachment(session, rt, storage, case=case, file_name=file_name, data=data,
                            limit_bytes=limit_bytes, uploaded_by=viewer.username,
                            work_order=order, task_id=task_id or None)


def _work_order_of(session: Session, case: Case, task: HumanTask) -> WorkOrder | None:
    """The open work order a department's task works on: its department holds the task."""
    if task.role is None:
        return None
    return session.scalars(select(WorkOrder).where(
        WorkOrder.case_id == case.id, WorkOrder.department == task.role,
        WorkOrder.status == "open").order_by(WorkOrder.id.desc())).first()


def case_attachments(session: Session, *, number: str, viewer: Viewer) -> list[AttachmentView]:
    """The files of a case the viewer reads, oldest first."""
    case = readable_case_named(session, number, viewer)
    rows = session.execute(
        select(Attachment, WorkOrder.number).outerjoin(WorkOrder,
                                                       WorkOrder.id == Attachment.work_order_id)
        .where(Attachment.case_id == case.id).order_by(Attachment.uploaded_at, Attachment.id))
    return [_view(row, case.number, order) for row, order in rows]


def attachment_file(session: Session, storage: Storage, *, number: str, attachment_id: int,
                    viewer: Viewer) -> tuple[AttachmentView, bytes]:
    """One file of a case the viewer reads, with its bytes."""
    row, order = _attachment(session, number, attachment_id, viewer)
    return _view(row, number, order), storage.get(row.storage_key)


def attachment_thumbnail(session: Session, storage: Storage, *, number: str,
                         attachment_id: int, viewer: Viewer) -> bytes:
    """A photo's thumbnail, made once and kept beside it; a PDF has none (``NotFound``)."""
    row, _ = _attachment(session, number, attachment_id, viewer)
    if row.content_type not in IMAGE_TYPES.values():
        raise NotFound(f"attachment {attachment_id} is not a photo")
    key = thumbnail_key(row.storage_key)
    if storage.exists(key):
        return storage.get(key)
    thumbnail = make_thumbnail(storage.get(row.storage_key))
    storage.put(key, thumbnail)
    return thumbnail


def _attachment(session: Session, number: str, attachment_id: int,
                viewer: Viewer) -> tuple[Attachment, str | None]:
    case = readable_case_named(session, number, viewer)
    found = session.execute(
        select(Attachment, WorkOrder.number).outerjoin(WorkOrder,
                                                       WorkOrder.id == Attachment.work_order_id)
        .where(Attachment.id == attachment_id, Attachment.case_id == case.id)).first()
    if found is None:
        raise NotFound(f"case {number} has no attachment {attachment_id}")
    return found[0], found[1]


def _display_name(file_name: str) -> str:
    """The name as shown: no folders, no control characters, at most 255 characters."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:NAME_LENGTH] or "file"


def _view(row: Attachment, number: str, work_order: str | None) -> AttachmentView:
    return AttachmentView(id=row.id, case_number=number, file_name=row.original_name,
                          content_type=row.content_type, size=row.size, sha256=row.sha256,
                          uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at,
                          work_order=work_order, task_id=row.task_id)
