"""Attachments over the API: attach by multipart, list, fetch; refusals in the caller's language."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from engine.system import System
from tests.support.api import Caller, caller, check_error, make_app
from tests.support.attachments import EXE_BYTES, PDF_BYTES, photo
from tests.support.cases import CaseDriver


@pytest.fixture
def app(shipped: System) -> Flask:
    return make_app(shipped)


@pytest.fixture
def number(shipped: System) -> str:
    return CaseDriver.register(shipped).case().number


def attach(who: Caller, number: str, data: bytes, name: str = "stairwell.jpg",
           **fields: str) -> TestResponse:
    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data),
                                                                     filename=name)})
    return who.post(f"/cases/{number}/attachments", data=body,
                    content_type=f"multipart/form-data; boundary={boundary}")


def test_a_photo_is_attached_listed_and_fetched_whole(clerk: Caller, number: str) -> None:
    data = photo("WEBP")

    made = attach(clerk, number, data, name="lift.jpg")

    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["file_name"], body["content_type"], body["size"]) == ("lift.jpg", "image/webp",
                                                                      len(data))
    assert body["uploaded_by"] == "clerk" and body["work_order"] is None
    listed = clerk.ok("GET", f"/cases/{number}/attachments")
    assert [a["id"] for a in listed] == [body["id"]]
    fetched = clerk.get(f"/cases/{number}/attachments/{body['id']}")
    assert fetched.status_code == 200 and fetched.data == data
    assert fetched.mimetype == "image/webp"


def test_a_pdf_called_jpg_is_kept_as_the_pdf_it_is(clerk: Caller, number: str) -> None:
    body = attach(clerk, number, PDF_BYTES, name="scan.jpg").get_json()
    assert body["content_type"] == "application/pdf"


@pytest.mark.parametrize(("data", "words"), [
    (EXE_BYTES, "Only photos (JPEG, PNG, WebP) and PDF files can be attached"),
    (b"", "The file is empty."),
])
def test_a_file_that_is_no_photo_or_pdf_is_422(clerk: Caller, number: str, data: bytes,
                                               words: str) -> None:
    body = check_error(attach(clerk, number, data, name="photo.jpg"), 422, "attachment_refused")
    assert body["errors"][0]["field"] == "file" and words in body["errors"][0]["message"]
    assert clerk.ok("GET", f"/cases/{number}/attachments") == []


def test_a_file_past_the_limit_is_422_and_far_past_it_413(shipped: System, clerk: Caller,
                                                          number: str) -> None:
    shipped.settings = replace(shipped.settings, attachment_limit_mb=1)

    body = check_error(attach(clerk, number, photo(size=(32, 32)) + bytes(1024 * 1024)), 422)
    assert "larger than 1 MB" in body["errors"][0]["message"]
    check_error(attach(clerk, number, bytes(3 * 1024 * 1024)), 413)


def test_the_refusal_speaks_chinese_to_a_chinese_caller(clerk: Caller, number: str) -> None:
    clerk.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-TW"
    body = check_error(attach(clerk, number, EXE_BYTES, name="photo.jpg"), 422)
    assert "只可附加相片" in body["errors"][0]["message"]


def test_a_work_order_or_task_of_another_case_is_422(shipped: System, clerk: Caller,
                                                     number: str) -> None:
    check_error(attach(clerk, number, photo(), work_order="W-2026-999999"), 422, "form_invalid")
    check_error(attach(clerk, number, photo(), task="no-such-task"), 422, "form_invalid")


def test_callers_who_may_not_read_the_case_get_404_and_those_without_a_role_403(
        shipped: System, app: Flask, clerk: Caller, number: str) -> None:
    made = attach(clerk, number, photo()).get_json()
    cleaner = caller(shipped, app, "cleaner", "cleaning")
    nobody = caller(shipped, app, "nobody")

    for path in (f"/cases/{number}/attachments", f"/cases/{number}/attachments/{made['id']}"):
        check_error(cleaner.get(path), 404, "not_found")
        check_error(nobody.get(path), 403, "permission_denied")
    check_error(attach(cleaner, number, photo()), 404)
    check_error(clerk.get(f"/cases/{number}/attachments/{made['id'] + 1}"), 404)
