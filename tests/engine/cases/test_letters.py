"""The printed reply letter: its date on the office's calendar, its parts, its language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.cases.letters import estate_name, render_letter
from engine.cases.models import ReplyLetter
from engine.common.clock import FrozenClock, office_zone
from engine.system import System
from tests.support.cases import HANDLED, CaseDriver, add_contact_directory
from tests.support.people import create_estate

BODY = "您反映的樓梯間雜物已於3月2日清理完畢。"
# 07:30 on 5 December in Beijing is 23:30 on 4 December in UTC.
BEIJING_MORNING = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


@pytest.fixture
def letter_case(office: System, clock: FrozenClock) -> CaseDriver:
    """A letter case of Harmony Gardens, replied by letter at 07:30 Beijing on 5 December."""
    add_contact_directory(office)
    estate = create_estate(office, "和諧花園")
    case = CaseDriver.register(office, channel="letter", address="和諧花園 A座 1203",
                               estate_id=estate.id)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    clock.set(BEIJING_MORNING)
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": BODY})
    return case


def printed(case: CaseDriver, *, language: str = "zh", zone: str = "Asia/Shanghai") -> str:
    with case.system.sessions() as session:
        letter = session.scalars(select(ReplyLetter)).one()
        record = case.case()
        return render_letter(record, letter, estate=estate_name(session, record),
                             zone=office_zone(zone), language=language)


def test_the_letter_is_dated_on_the_offices_calendar_not_in_utc(
        letter_case: CaseDriver) -> None:
    page = printed(letter_case)

    assert "2026年12月5日" in page and "12月4日" not in page
    assert "2026-12-04" not in page


def test_an_office_in_another_zone_dates_the_same_letter_by_its_own_day(
        letter_case: CaseDriver) -> None:
    assert "2026年12月4日" in printed(letter_case, zone="Europe/London")


def test_a_chinese_letter_has_the_parts_of_a_business_letter_in_order(
        letter_case: CaseDriver) -> None:
    page = printed(letter_case)

    parts = ["和諧花園 A座 1203", "案件編號：" + letter_case.case().number,
             "尊敬的陳大文先生／女士：", BODY, "此致", "敬禮", "和諧花園管理處", "（管理處蓋章）",
             "2026年12月5日", "聯絡電話", "020-8600-1000"]
    positions = [page.find(part) for part in parts]
    assert -1 not in positions, dict(zip(parts, positions, strict=True))
    assert positions == sorted(positions)
    assert 'lang="zh-Hant"' in page and 'class="seal"' in page


def test_a_chinese_letter_has_no_english_words(letter_case: CaseDriver) -> None:
    page = printed(letter_case)
    letter = re.search(r'<article class="letter">(.*)</article>', page, re.S)
    assert letter is not None

    words = re.sub(r"<[^>]+>", " ", letter.group(1))
    for typed in (letter_case.case().number, "和諧花園 A座 1203"):  # what the case holds
        words = words.replace(typed, "")
    assert re.findall(r"[A-Za-z]+", words) == []


def test_an_english_letter_has_english_words_and_no_chinese_boilerplate(
        letter_case: CaseDriver) -> None:
    page = printed(letter_case, language="en")

    assert "Dear 陳大文," in page and "Yours sincerely," in page and "5 December 2026" in page
    assert "The Management Office, 和諧花園" in page and "Management office" in page
    assert "此致" not in page and "尊敬的" not in page and "先生" not in page


def test_each_paragraph_of_the_body_is_a_paragraph_of_the_letter(
        office: System, clock: FrozenClock) -> None:
    case = CaseDriver.register(office, channel="letter", address="A-1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "第一段。\n\n第二段。\n"})

    assert '<div class="body"><p>第一段。</p><p>第二段。</p></div>' in printed(case)


def test_without_a_print_button_asked_for_the_letter_runs_no_script(
        letter_case: CaseDriver) -> None:
    assert "<script" not in printed(letter_case) and "<button" not in printed(letter_case)


def test_a_letter_of_no_estate_is_signed_by_the_management_office(
        office: System, clock: FrozenClock) -> None:
    case = CaseDriver.register(office, channel="letter", address="<b>A-1203</b>")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "<script>alert(1)</script>"})

    page = printed(case)

    assert '<p class="office">管理處</p>' in page
    assert "<script>alert" not in page and "<b>A-1203" not in page
