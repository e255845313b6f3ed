"""Photos and scans attached on the case page and a task page; files only for its readers."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import csrf_token, sign_in, text
from tests.support.attachments import EXE_BYTES, PDF_BYTES, photo
from tests.support.case_pages import Office, open_office
from tests.support.cases import CaseDriver

SignIn = Callable[[str], FlaskClient]  # a fresh client signed in as the user named
THUMBNAIL = re.compile(r'<img src="(/cases/[^"]+/thumbnail)" alt="([^"]*)"')


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


@pytest.fixture
def case(office: Office) -> CaseDriver:
    return office.case()


def upload(client: FlaskClient, number: str, data: bytes, name: str = "stairwell.jpg",
           page: str | None = None, **fields: str) -> TestResponse:
    token = csrf_token(client, page or f"/cases/{number}")
    return client.post(f"/cases/{number}/attachments",
                       **multipart({"csrf_token": token, **fields}, data, name))


def multipart(fields: dict[str, str], data: bytes, name: str) -> dict[str, Any]:
    """The body encoded in memory: the test client would spool a large one to an unclosed file."""
    boundary, body = encode_multipart(
        {**fields, "file": FileStorage(io.BytesIO(data), filename=name)})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def attachment_paths(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="(/cases/[^"]+/attachments/\d+)"', page)))


def test_a_photo_attached_on_the_case_page_shows_as_a_thumbnail_and_opens_whole(
        client: FlaskClient, case: CaseDriver) -> None:
    number, data = case.case().number, photo(size=(1600, 1200))
    sign_in(client, "clerk")

    response = upload(client, number, data)

    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{number}"
    page = text(client.get(f"/cases/{number}"))
    assert "stairwell.jpg attached." in page
    # The timeline says who attached which file.
    assert re.search(r'<span class="moment-kind">File attached</span>.*?· clerk.*?'
                     r'<dd class="process-text">stairwell.jpg</dd>', page, re.S)
    [(thumbnail_path, alt)] = THUMBNAIL.findall(page)
    assert alt == "stairwell.jpg"
    thumbnail = client.get(thumbnail_path)
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(thumbnail.data)) as image:
        assert max(image.size) == 320
    whole = client.get(attachment_paths(page)[0])
    assert whole.status_code == 200 and whole.data == data
    assert whole.mimetype == "image/jpeg"
    assert whole.headers["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in whole.headers["Content-Security-Policy"]
    download = client.get(attachment_paths(page)[0] + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_scanned_letter_is_served_as_a_pdf_without_a_thumbnail(
        client: FlaskClient, case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    upload(client, number, PDF_BYTES, name="letter.pdf")

    page = text(client.get(f"/cases/{number}"))
    assert THUMBNAIL.findall(page) == []
    path = attachment_paths(page)[0]
    assert client.get(path).mimetype == "application/pdf"
    assert client.get(path + "/thumbnail").status_code == 404


@pytest.mark.parametrize("data", [EXE_BYTES, PDF_BYTES.replace(b"%%EOF", b"")],
                         ids=["exe", "broken-pdf"])
def test_a_jpg_that_is_no_photo_is_refused_with_a_clear_message(
        client: FlaskClient, case: CaseDriver, data: bytes) -> None:
    number = case.case().number
    sign_in(client, "clerk")

    response = upload(client, number, data, name="photo.jpg")

    assert response.status_code == 303
    page = text(client.get(f"/cases/{number}"))
    assert "Only photos (JPEG, PNG, WebP) and PDF files can be attached" in page
    assert attachment_paths(page) == []


def test_the_refusal_is_in_chinese_for_a_chinese_reader(client: FlaskClient,
                                                       case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    client.set_cookie("locale", "zh")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-TW"

    upload(client, number, EXE_BYTES, name="photo.jpg")

    assert "只可附加相片（JPEG、PNG、WebP）及 PDF 檔案" in text(client.get(f"/cases/{number}"))


def test_a_file_past_the_limit_is_refused_saying_the_limit(
        client: FlaskClient, office: Office, case: CaseDriver) -> None:
    office.system.settings = replace(office.system.settings, attachment_limit_mb=1)
    number = case.case().number
    sign_in(client, "clerk")

    upload(client, number, photo(size=(64, 64)) + bytes(1024 * 1024))

    page = text(client.get(f"/cases/{number}"))
    assert "The file is larger than 1 MB." in page
    assert attachment_paths(page) == []


def test_sending_no_file_asks_for_one(client: FlaskClient, case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    client.post(f"/cases/{number}/attachments",
                data={"csrf_token": csrf_token(client, f"/cases/{number}")})
    assert "Choose a photo or a PDF file to attach." in text(client.get(f"/cases/{number}"))


def test_an_upload_without_the_form_token_is_refused(client: FlaskClient,
                                                     case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    response = client.post(f"/cases/{number}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(photo()), "a.jpg")})
    assert response.status_code == 400
    assert attachment_paths(text(client.get(f"/cases/{number}"))) == []


def test_staff_who_may_not_read_the_case_get_neither_its_files_nor_its_form(
        app_client_for: SignIn, client: FlaskClient, case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    upload(client, number, photo())
    path = attachment_paths(text(client.get(f"/cases/{number}")))[0]

    # Not yet dispatched to cleaning; and another estate's supervisor.
    for username in ("cleaner", "outsider"):
        other = app_client_for(username)
        for url in (path, path + "/thumbnail", f"/cases/{number}/attachments/999"):
            assert other.get(url).status_code == 404, (username, url)
        response = other.post(f"/cases/{number}/attachments",
                              content_type="multipart/form-data",
                              data={"csrf_token": csrf_token(other, "/inbox"),
                                    "file": (io.BytesIO(photo()), "mine.jpg")})
        assert response.status_code == 404, username
    assert len(attachment_paths(text(client.get(f"/cases/{number}")))) == 1


def test_a_photo_attached_on_a_task_page_stays_on_the_task_and_shows_on_the_case(
        app_client_for: SignIn, case: CaseDriver) -> None:
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    task_id, number = case.task_id("handle_work_order"), case.case().number
    cleaner = app_client_for("cleaner")

    response = upload(cleaner, number, photo("PNG"), name="fixed.png",
                      page=f"/tasks/{task_id}", task=task_id)

    assert response.headers["Location"] == f"/tasks/{task_id}"
    task_page = text(cleaner.get(f"/tasks/{task_id}"))
    assert "fixed.png attached." in task_page
    assert [alt for _, alt in THUMBNAIL.findall(task_page)] == ["fixed.png"]
    assert f'name="task" value="{task_id}"' in task_page
    assert '<span class="history__what">File attached</span>' in task_page
    assert cleaner.get(THUMBNAIL.findall(task_page)[0][0]).status_code == 200


@pytest.fixture
def app_client_for(client: FlaskClient, office: Office) -> SignIn:
    """A fresh client signed in as ``username``."""
    def signed_in(username: str) -> FlaskClient:
        other = client.application.test_client()
        assert sign_in(other, username).status_code == 302
        return other
    return signed_in


def test_a_body_far_past_the_limit_is_refused_before_it_is_read(client: FlaskClient,
                                                                 case: CaseDriver) -> None:
    number = case.case().number
    sign_in(client, "clerk")
    limit = client.application.config["MAX_CONTENT_LENGTH"]

    response = client.post(f"/cases/{number}/attachments", **multipart(
        {"csrf_token": csrf_token(client, f"/cases/{number}")}, bytes(limit), "huge.jpg"))

    assert response.status_code == 413
    assert "larger than this page accepts" in text(response)
