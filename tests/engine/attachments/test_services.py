"""Attaching files to a case: checked, stored by a key of our own, read only by its readers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.attachments.files import PDF
from engine.attachments.models import Attachment
from engine.attachments.services import (
    AttachmentRefused,
    attach_to_case,
    attachment_file,
    attachment_thumbnail,
    case_attachments,
)
from engine.attachments.storage import FileStorage, storage_for, thumbnail_key
from engine.cases.models import WorkOrder
from engine.common.errors import FormInvalid, NotFound
from engine.common.settings import Settings
from engine.system import System
from engine.workflow.viewer import Viewer
from tests.support.attachments import EXE_BYTES, PDF_BYTES, photo
from tests.support.cases import HANDLED, CaseDriver

CLERK = Viewer("clerk", frozenset({"customer_service"}))
CLEANER = Viewer("cleaner", frozenset({"cleaning"}))
GARDENER = Viewer("gardener", frozenset({"landscaping"}))
LIMIT = 1024 * 1024


@pytest.fixture
def storage(system: System) -> FileStorage:
    store = storage_for(system.settings)
    assert isinstance(store, FileStorage)
    return store


@pytest.fixture
def case(office: System) -> CaseDriver:
    return CaseDriver.register(office)


def attach(system: System, storage: FileStorage, number: str, data: bytes, *,
           name: str = "stairwell.jpg", viewer: Viewer = CLERK, **where: str) -> int:
    with system.sessions() as session:
        view = attach_to_case(session, system.rt, storage, number=number, viewer=viewer,
                              file_name=name, data=data, limit_bytes=LIMIT, **where)
        session.commit()
        return view.id


def test_a_photo_is_kept_under_a_key_of_its_own_and_read_back_whole(
        office: System, storage: FileStorage, case: CaseDriver) -> None:
    number, data = case.case().number, photo()
    attachment_id = attach(office, storage, number, data, name="../../etc/passwd.jpg")

    with office.sessions() as session:
        view, stored = attachment_file(session, storage, number=number,
                                       attachment_id=attachment_id, viewer=CLERK)
        row = session.get(Attachment, attachment_id)
        listed = case_attachments(session, number=number, viewer=CLERK)
    assert stored == data
    assert (view.file_name, view.content_type, view.size) == ("passwd.jpg", "image/jpeg",
                                                              len(data))
    assert view.sha256 == hashlib.sha256(data).hexdigest()
    assert view.uploaded_by == "clerk" and view.uploaded_at == office.rt.clock.now()
    assert row is not None and "passwd" not in row.storage_key
    assert (storage.root / row.storage_key).read_bytes() == data
    assert [a.id for a in listed] == [attachment_id]


@pytest.mark.parametrize(("data", "reason"), [(PDF_BYTES, "type"), (EXE_BYTES, "type"),
                                              (b"", "empty"),
                                              (photo(size=(3000, 3000)) + bytes(LIMIT),
                                               "too_big")])
def test_a_refused_file_leaves_no_row(office: System, storage: FileStorage, case: CaseDriver,
                                      data: bytes, reason: str) -> None:
    if data == PDF_BYTES:
        data = PDF_BYTES.replace(b"%%EOF", b"")  # a ".jpg" that starts like a PDF but is none
    with pytest.raises(AttachmentRefused) as refused:
        attach(office, storage, case.case().number, data)

    assert refused.value.reason == reason
    assert refused.value.errors[0].path == ("file",)
    with office.sessions() as session:
        assert session.scalars(select(Attachment)).all() == []


def test_a_pdf_named_jpg_is_served_as_the_pdf_it_is(office: System, storage: FileStorage,
                                                   case: CaseDriver) -> None:
    number = case.case().number
    attachment_id = attach(office, storage, number, PDF_BYTES, name="letter.jpg")

    with office.sessions() as session:
        view, _ = attachment_file(session, storage, number=number, attachment_id=attachment_id,
                                  viewer=CLERK)
        assert view.content_type == PDF and not view.is_image
        with pytest.raises(NotFound):
            attachment_thumbnail(session, storage, number=number, attachment_id=attachment_id,
                                 viewer=CLERK)


def test_a_thumbnail_is_made_once_and_kept(office: System, storage: FileStorage,
                                           case: CaseDriver) -> None:
    number = case.case().number
    attachment_id = attach(office, storage, number, photo("PNG", size=(1200, 800)))

    with office.sessions() as session:
        first = attachment_thumbnail(session, storage, number=number,
                                     attachment_id=attachment_id, viewer=CLERK)
        key = session.get(Attachment, attachment_id).storage_key  # type: ignore[union-attr]
        assert storage.get(thumbnail_key(key)) == first
        storage.put(thumbnail_key(key), b"cached")
        assert attachment_thumbnail(session, storage, number=number,
                                    attachment_id=attachment_id, viewer=CLERK) == b"cached"


def test_department_staff_read_the_files_of_a_case_dispatched_to_them_only(
        office: System, storage: FileStorage, case: CaseDriver) -> None:
    number = case.case().number
    attachment_id = attach(office, storage, number, photo())

    with office.sessions() as session:
        for call in (lambda v: case_attachments(session, number=number, viewer=v),
                     lambda v: attachment_file(session, storage, number=number,
                                               attachment_id=attachment_id, viewer=v)):
            with pytest.raises(NotFound):
                call(CLEANER)
    with pytest.raises(NotFound):
        attach(office, storage, number, photo(), viewer=GARDENER)

    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    with office.sessions() as session:
        assert len(case_attachments(session, number=number, viewer=CLEANER)) == 1
        with pytest.raises(NotFound):
            case_attachments(session, number=number, viewer=GARDENER)


def test_a_file_may_go_on_an_open_task_or_a_work_order_of_that_case_only(
        office: System, storage: FileStorage, case: CaseDriver) -> None:
    number = case.case().number
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    task_id = case.task_id("handle_work_order")
    other = CaseDriver.register(office)
    with office.sessions() as session:
        order = session.scalars(select(WorkOrder.number)
                                .where(WorkOrder.case_id == case.case_id)).one()

    attach(office, storage, number, photo(), viewer=CLEANER, task_id=task_id, work_order=order)
    # On the department's task page, the file goes on the work order that task carries out.
    attach(office, storage, number, photo(), viewer=CLEANER, task_id=task_id)
    with pytest.raises(FormInvalid):
        attach(office, storage, other.case().number, photo(), task_id=task_id)
    with pytest.raises(FormInvalid):
        attach(office, storage, other.case().number, photo(), work_order=order)

    case.do("handle_work_order", HANDLED, actor="cleaner")
    with office.sessions() as session:
        views = case_attachments(session, number=number, viewer=CLERK)
    assert [(v.task_id, v.work_order) for v in views] == [(task_id, order)] * 2


def test_a_key_that_could_name_a_path_is_refused(tmp_path: Path) -> None:
    store = FileStorage(tmp_path)
    for key in ("../secret_key", "ab/../../x", "AB/" + "0" * 32, ""):
        with pytest.raises(ValueError):
            store.get(key)


def test_the_limit_is_set_in_whole_megabytes() -> None:
    assert Settings.from_env({}).attachment_limit_bytes == 10 * 1024 * 1024
    assert Settings.from_env({"LIAISON_ATTACHMENT_LIMIT_MB": "25"}).attachment_limit_mb == 25
    for wrong in ("0", "-1", "ten", "2.5"):
        with pytest.raises(ValueError, match="LIAISON_ATTACHMENT_LIMIT_MB"):
            Settings.from_env({"LIAISON_ATTACHMENT_LIMIT_MB": wrong})
