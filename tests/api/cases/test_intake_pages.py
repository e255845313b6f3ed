"""Raising a case on the public page: the receipt, the errors in the reader's language,
the check against scripts, the limit per address, and the receipt sent by letter."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.test import TestResponse

from api import create_app
from api.cases.intake import OwnerForm, Photo
from engine.attachments.models import Attachment
from engine.attachments.storage import storage_for
from engine.cases.models import Case
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.attachments import EXE_BYTES, PDF_BYTES, photo
from tests.support.case_pages import Office, open_office, untranslated, visible_text

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def owner_form(office: Office, **values: object) -> dict[str, object]:
    form: dict[str, object] = {
            "type": "repair", "category": "facilities", "estate": str(office.estate_id),
            "unit": "A-1203", "description": "Water drips from the bathroom ceiling.",
            "name": "陳大文", "phone": "13812345678", "email": "", "address": "",
            "reply_channel": "phone", "website": ""}
    form.update(values)
    return form


def send(client: FlaskClient, clock: FrozenClock, form: dict[str, object], *, wait: int = 30,
         language: str = "en") -> TestResponse:
    """Open the page as a person would, take a while to fill the form in, send it."""
    page = client.get("/", headers={"Accept-Language": language})
    match = TOKEN.search(text(page))
    assert match, "no form stamp on the public page"
    clock.advance(timedelta(seconds=wait))
    return client.post("/raise", data={"form_token": match.group(1), **form},
                       headers={"Accept-Language": language})


def cases(system: System) -> list[Case]:
    with system.sessions() as session:
        return list(session.scalars(select(Case)))


def test_the_public_page_offers_the_form_and_still_sets_no_cookie(office: Office,
                                                                  client: FlaskClient) -> None:
    response = client.get("/")

    page = text(response)
    assert 'action="/raise"' in page and 'name="form_token"' in page
    assert "Harmony Gardens" in page and "Other Court" in page
    assert "Set-Cookie" not in response.headers


def test_an_owner_raises_a_case_and_gets_its_number_and_tracking_code(
        office: Office, client: FlaskClient, clock: FrozenClock) -> None:
    response = send(client, clock, owner_form(office, email="chan@example.com",
                                              reply_channel="email"))

    [case] = cases(office.system)
    page = visible_text(text(response))
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert case.number in page and case.tracking_code in page
    assert "A-1203" in page and "Harmony Gardens" in page and "chan@example.com" in page
    assert "020-8600-1000" in page  # the office's numbers, on the printed receipt too
    assert 'id="print-letter"' in text(response) and "public.css" in text(response)
    assert (case.channel, case.reply_channel, case.unit_id) == ("web", "email",
                                                                 office.unit_a1203)
    assert client.get("/track", query_string={"code": case.tracking_code}).status_code == 200


def test_the_receipt_is_in_chinese_for_a_chinese_reader(office: Office, client: FlaskClient,
                                                        clock: FrozenClock) -> None:
    response = send(client, clock, owner_form(office, description="浴室天花板滲水已經三天"),
                    language="zh-TW")

    page = text(response)
    assert response.status_code == 201
    assert '<html lang="zh-Hant">' in page
    assert "個案編號" in page and "查詢碼" in page and "列印收據" in page
    assert untranslated(page) == []


def test_errors_are_shown_in_the_readers_language_with_the_input_kept(
        office: Office, client: FlaskClient, clock: FrozenClock) -> None:
    form = owner_form(office, unit="C-9", description="漏水", phone="", email="")

    response = send(client, clock, form, language="zh-TW")

    page = text(response)
    assert response.status_code == 422
    assert cases(office.system) == []
    assert "您的個案尚未送出" in page
    assert "請以最少 10 個字描述" in page
    assert "屋苑內找不到這個單位" in page
    assert "請留下電話號碼或電郵地址" in page
    assert 'value="C-9"' in page and ">漏水</textarea>" in page and 'value="陳大文"' in page
    assert f'<option value="{office.estate_id}" selected>' in page
    assert 'name="form_token"' in page  # a fresh stamp to send the corrected form with


def test_an_english_description_needs_twenty_characters(office: Office, client: FlaskClient,
                                                        clock: FrozenClock) -> None:
    response = send(client, clock, owner_form(office, description="Leaking tap"))

    assert response.status_code == 422
    assert "Describe the matter in at least 20 characters" in text(response)
    assert ">Leaking tap</textarea>" in text(response)


@pytest.mark.parametrize("scripted", ["filled the hidden field", "sent at once", "no stamp",
                                      "forged stamp", "stale stamp"])
def test_the_check_refuses_a_scripted_post(office: Office, client: FlaskClient,
                                           clock: FrozenClock, scripted: str) -> None:
    form = owner_form(office)
    if scripted == "filled the hidden field":
        response = send(client, clock, {**form, "website": "http://spam.example"})
    elif scripted == "sent at once":
        response = send(client, clock, form, wait=1)
    elif scripted == "stale stamp":
        response = send(client, clock, form, wait=13 * 3600)
    else:
        stamp = {"no stamp": "", "forged stamp": "MTc4MDAwMDAwMA.forged"}[scripted]
        response = client.post("/raise", data={**form, "form_token": stamp})

    assert response.status_code == 400
    assert "Your form could not be accepted as it was sent." in text(response)
    assert 'value="A-1203"' in text(response)  # a person refused by mistake loses nothing
    assert cases(office.system) == []


def low_limit_app(system: System) -> Flask:
    return create_app({"TESTING": True, "LIAISON_RATELIMIT_INTAKE": "2 per minute"},
                      system=system)


def test_the_form_is_limited_per_address_with_a_readable_page(office: Office,
                                                              clock: FrozenClock) -> None:
    app = low_limit_app(office.system)
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(2):
        assert send(owner, clock, owner_form(office)).status_code == 201

    refused = send(owner, clock, owner_form(office), language="zh-TW")

    assert refused.status_code == 429
    assert refused.mimetype == "text/html" and int(refused.headers["Retry-After"]) >= 1
    assert '<html lang="zh-Hant">' in text(refused)
    assert len(cases(office.system)) == 2
    assert owner.get("/").status_code == 200  # reading the page is not limited
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert send(neighbour, clock, owner_form(office)).status_code == 201


def test_a_letter_case_has_a_printable_receipt_letter(office: Office, client: FlaskClient) -> None:
    case = office.case(channel="letter", address="和諧花園 A座 1203").case()
    sign_in(client, "clerk")

    show = text(client.get(f"/cases/{case.number}"))
    chinese = client.get(f"/cases/{case.number}/receipt")
    english = client.get(f"/cases/{case.number}/receipt", query_string={"language": "en"})

    assert f'href="/cases/{case.number}/receipt"' in show
    assert chinese.status_code == 200 and english.status_code == 200
    page = text(chinese)
    assert '<html lang="zh-Hant">' in page
    assert case.number in page and case.tracking_code in page
    assert "陳大文" in page and "和諧花園 A座 1203" in page and "020-8600-1000" in page
    assert untranslated(page) == []
    assert "We have received your letter" in text(english) and case.tracking_code in text(english)
    assert client.get(f"/cases/{case.number}/receipt",
                      query_string={"language": "fr"}).status_code == 422


def test_the_receipt_letter_is_for_staff_of_the_estate_only(office: Office,
                                                            client: FlaskClient) -> None:
    case = office.case(channel="letter", address="和諧花園 A座 1203").case()

    assert client.get(f"/cases/{case.number}/receipt").status_code in (302, 303)
    sign_in(client, "outsider")
    assert client.get(f"/cases/{case.number}/receipt").status_code == 404


def test_a_case_not_by_letter_offers_no_receipt_letter(office: Office,
                                                       client: FlaskClient) -> None:
    case = office.case().case()
    sign_in(client, "clerk")

    assert "/receipt" not in text(client.get(f"/cases/{case.number}"))


def upload(name: str, data: bytes) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


def test_an_owner_sends_photos_with_the_case(office: Office, client: FlaskClient,
                                             clock: FrozenClock) -> None:
    photos = [upload("leak.jpg", photo("JPEG")), upload("ceiling.png", photo("PNG"))]

    response = send(client, clock, owner_form(office, photos=photos))

    assert response.status_code == 201
    assert "Photos received: leak.jpg, ceiling.png" in text(response)
    [case] = cases(office.system)
    with office.system.sessions() as session:
        stored = list(session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [(a.case_id, a.original_name, a.content_type, a.uploaded_by) for a in stored] == [
        (case.id, "leak.jpg", "image/jpeg", None), (case.id, "ceiling.png", "image/png", None)]
    assert storage_for(office.system.settings).get(stored[0].storage_key) == photo("JPEG")


@pytest.mark.parametrize(("name", "data"), [("letter.pdf", PDF_BYTES), ("photo.jpg", EXE_BYTES),
                                            ("empty.jpg", b"")])
def test_only_photos_are_accepted(office: Office, client: FlaskClient, clock: FrozenClock,
                                  name: str, data: bytes) -> None:
    form = owner_form(office, photos=[upload("fine.jpg", photo()), upload(name, data)])

    response = send(client, clock, form)

    assert response.status_code == 422
    assert f"Not accepted: {name}. Send photos (JPEG, PNG or WebP)" in text(response)
    assert 'value="A-1203"' in text(response)
    assert cases(office.system) == []
    with office.system.sessions() as session:
        assert session.scalars(select(Attachment)).first() is None


def test_a_photo_over_the_limit_is_refused(app: Flask) -> None:
    # Checked on the form itself: a test client posting more than 500 kB leaves a file open.
    big = io.BytesIO()
    Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3)).save(big, "PNG")
    assert len(big.getvalue()) > 1024 * 1024
    form = OwnerForm.blank()

    with app.test_request_context():
        form.check_photos([Photo("big.png", big.getvalue()), Photo("small.jpg", photo())],
                          limit_bytes=1024 * 1024)

    assert form.errors == {"photos": "Not accepted: big.png. Send photos (JPEG, PNG or WebP) "
                                     "of at most 1 MB each."}


def test_at_most_five_photos_are_taken(office: Office, client: FlaskClient,
                                       clock: FrozenClock) -> None:
    photos = [upload(f"p{i}.jpg", photo(size=(40, 30))) for i in range(6)]

    response = send(client, clock, owner_form(office, photos=photos))

    assert response.status_code == 422 and "Choose at most 5 photos." in text(response)
    assert cases(office.system) == []


def test_a_photo_error_is_worded_in_chinese_with_the_rest(office: Office, client: FlaskClient,
                                                          clock: FrozenClock) -> None:
    form = owner_form(office, name="", photos=[upload("scan.pdf", PDF_BYTES)])

    response = send(client, clock, form, language="zh-TW")

    assert response.status_code == 422
    assert "不接受：scan.pdf" in text(response) and "請填寫您的姓名" in text(response)
