"""What staff read most, in Chinese, in Chromium at desktop and phone widths: the inbox, a task
form, a case page with its diagram and a reply letter. Each fits its width with no sideways
scroll, reads in Chinese (no English words beyond names and codes) and is kept as a screenshot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.cases.models import ReplyLetter
from engine.system import System
from tests.support.browser import DESKTOP, PHONE, demo_unit, open_page, shot, sign_in
from tests.support.cases import CaseDriver

# Latin text a Chinese page may carry: the product's name, codes and numbers people copy,
# the units' labels, file formats, the demo estate's own English name and the switch to
# English itself.
ALLOWED = re.compile(r"Liaison|English|JPEG|PNG|WebP|PDF|\d+ MB|Harmony Gardens"
                     r"|C-\d{4}-\d{6}|[A-Z]-\d+|YYYY-MM-DD|bpmn-js")


def _english_words(page: Page, *codes: str) -> list[str]:
    text = ALLOWED.sub(" ", page.locator("body").inner_text())
    for code in codes:  # the owner's tracking code, shown to staff as issued
        text = text.replace(code, " ")
    return sorted(set(re.findall(r"[A-Za-z]{3,}", text)))


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_pages_staff_read_most_fit_and_read_in_chinese(
        browser: Browser, live_app: str, shipped: System, size: dict) -> None:
    backend = shipped.db.dialect.name
    width = size["viewport"]["width"]
    answered = CaseDriver.register(shipped, channel="letter", address="和諧花園 A座 1203",
                                   unit_id=demo_unit(shipped, "A-1203"),
                                   description="樓梯間堆放雜物，阻塞走火通道。")
    answered.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    answered.do("handle_work_order", {"handling_result": "resolved",
                                      "handling_method": "已清理雜物，並提醒住戶保持通道暢通"},
                actor="cleaner")
    answered.do("reply_to_complainant", {
        "reply_channel": "letter", "reply_text": "已去信告知業主雜物已清理。",
        "reply_letter_text": "您反映的樓梯間雜物已清理完畢，感謝您的寶貴意見。"})
    waiting = CaseDriver.register(shipped, unit_id=demo_unit(shipped, "B-802"),
                                  description="電梯早上經常停用，請盡快檢查。")
    with shipped.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    number = answered.case().number

    page, problems = open_page(browser, locale="zh-TW", **size)
    sign_in(page, live_app, "supervisor", zh=True)
    screens = {
        "inbox": "/inbox?scope=all",
        "task": f"/tasks/{waiting.task_id('triage')}",
        "case": f"/cases/{number}",
        "letter": f"/cases/{number}/letters/{letter_id}",
    }
    for name, address in screens.items():
        page.goto(live_app + address)
        if name == "case":
            expect(page.locator("figure.diagram[data-state=ready]").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert _english_words(page, answered.case().tracking_code) == [], name
        shot(page, f"zh-{name}-{width}-{backend}")
    assert problems == []
