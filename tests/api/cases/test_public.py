"""The public home page: the contact directory and case tracking, without personal data."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from engine.cases.models import Case
from engine.cases.registration import Complainant, register_case
from engine.directory.demo import DEPARTMENTS
from engine.directory.models import Department
from engine.system import System
from tests.api.conftest import text

PUBLISHED = {"020-8600-1000": ("Management office", "管理處"),
             "020-8600-1006": ("Service centre", "服務中心"),
             "020-8600-1005": ("Finance office", "財務室"),
             "020-8600-1002": ("Equipment operations", "工程部")}


@pytest.fixture
def directory(system: System) -> None:
    with system.sessions() as session:
        session.add_all(Department(code=code, name=name, name_zh=name_zh, phone=phone)
                        for code, name, name_zh, phone in DEPARTMENTS)
        session.commit()


@pytest.fixture
def case(shipped: System) -> Case:
    with shipped.sessions() as session:
        case = register_case(
            session, shipped.rt, channel="letter", type="complaint", category="noise",
            description="Drilling after midnight in the flat above",
            complainant=Complainant("陳大文", "13812345678", "和諧路 88 號 A座 1203室"),
            actor="clerk")
        session.commit()
    return case


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(("accept", "index"), [("en", 0), ("zh-CN", 1)])
def test_the_home_page_lists_the_four_published_numbers(client: FlaskClient, accept: str,
                                                        index: int) -> None:
    response = client.get("/", headers={"Accept-Language": accept})

    page = text(response)
    assert response.status_code == 200
    for phone, names in PUBLISHED.items():
        assert phone in page
        assert names[index] in page
    assert page.count('class="directory-phone"') == 4  # departments without a phone stay off
    assert 'href="/login"' in page


def test_the_home_page_needs_no_sign_in_and_sets_no_cookie(client: FlaskClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "The phone numbers have not been published yet." in text(response)


def test_tracking_shows_the_public_status_only(client: FlaskClient, case: Case) -> None:
    response = client.get("/track", query_string={"code": case.tracking_code.lower()})

    page = text(response)
    assert response.status_code == 200
    assert case.number in page
    assert "Complaint" in page and "Noise" in page and "Being handled" in page
    assert "Mar 2, 2026" in page  # received, in the office's time zone
    for private in ("陳大文", "13812345678", "和諧路", "Drilling", "midnight"):
        assert private not in page


def test_tracking_in_chinese_follows_the_case_to_closed(shipped: System, case: Case) -> None:
    client = create_app({"TESTING": True}, system=shipped).test_client()
    with shipped.sessions() as session:
        stored = session.scalars(select(Case)).one()
        stored.status, stored.closed_at = "closed", shipped.rt.clock.now()
        session.commit()

    page = text(client.get("/track", query_string={"code": case.tracking_code},
                           headers={"Accept-Language": "zh-TW"}))

    assert "投訴" in page and "噪音" in page and "已結案" in page
    assert "陳大文" not in page


def test_an_unknown_code_says_so_and_nothing_more(client: FlaskClient, case: Case) -> None:
    wrong = "".join(reversed(case.tracking_code))

    response = client.get("/track", query_string={"code": wrong})

    assert response.status_code == 404
    assert "No case has this tracking code." in text(response)
    assert case.number not in text(response)
    assert f'value="{wrong}"' in text(response)  # the code is kept to be corrected


@pytest.mark.parametrize("code", ["", "12", "<script>alert(1)</script>", "O0O0O0O0O0"])
def test_a_malformed_code_gets_a_clear_message(client: FlaskClient, code: str) -> None:
    response = client.get("/track", query_string={"code": code})

    assert response.status_code == 400
    assert "That is not a tracking code." in text(response)
    assert "<script>alert(1)</script>" not in text(response)
