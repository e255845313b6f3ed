"""An owner answers the yearly survey on a phone, in Chinese and in English, in Chromium.

The link opens the form; every question is answered with a tap; the answers are
sent once and thanked for; opening the link again says it has been answered.
Nothing is wider than the phone's screen, and the Chinese pages show no
interface text left in English.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.surveys.models import SurveyResponse
from engine.system import System
from tests.browser.test_owner_case_flow import PROCESS_TEXT, english_interface_text
from tests.support.browser import PHONE, open_page, served, shot
from tests.support.survey_pages import distributed_survey

WIDTH = PHONE["viewport"]["width"]  # type: ignore[index]
RATINGS = {"overall": 4, "cleanliness": 5, "security": 3, "repairs": 2, "greenery": 5,
           "customer_service": 4, "fees_transparency": 1}
WORDS = {
    "en": {"title": "Management opinion survey", "send": "Send my answers",
           "thanks": "Thank you", "used": "Already answered"},
    "zh": {"title": "管理意見徵詢表", "send": "提交我的回覆", "thanks": "謝謝您",
           "used": "已經回覆"},
}
TEXTS = {"en": ("The lifts are kept well", "More benches in the garden, please"),
         "zh": ("電梯保養得很好", "希望花園多設座椅")}


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide on a {WIDTH}px screen"


def untranslated(page: Page) -> list[str]:
    shown = page.evaluate(
        "(skip) => { const body = document.body.cloneNode(true);"
        " body.querySelectorAll(skip).forEach(e => e.remove()); return body.innerText; }",
        PROCESS_TEXT)
    return [m for m in english_interface_text()
            if re.search(rf"(?<![A-Za-z]){re.escape(m)}(?![A-Za-z])", shown)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_owner_answers_the_survey_on_a_phone(browser: Browser, shipped: System,
                                                lang: str) -> None:
    survey = distributed_survey(shipped)
    words, (opinion, suggestion) = WORDS[lang], TEXTS[lang]
    page, problems = open_page(browser, locale="zh-TW" if lang == "zh" else "en-GB",
                               expected=("status of 409",), **PHONE)
    seen: list[str] = []

    with served(shipped) as base:
        page.goto(f"{base}/survey/{survey.unit().link_token}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(words["title"])
        fits_the_screen(page)
        seen += untranslated(page) if lang == "zh" else []
        for question, point in RATINGS.items():
            page.locator(f"input[name={question}][value='{point}']").check()
        page.fill("textarea[name=opinions]", opinion)
        page.fill("textarea[name=suggestions]", suggestion)
        shot(page, f"survey-form-{lang}-{shipped.db.dialect.name}")
        page.get_by_role("button", name=words["send"]).click()

        expect(page).to_have_url(re.compile(r"/survey/thanks$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(words["thanks"])
        fits_the_screen(page)
        seen += untranslated(page) if lang == "zh" else []
        shot(page, f"survey-thanks-{lang}-{shipped.db.dialect.name}")

        page.goto(f"{base}/survey/{survey.unit().link_token}")
        expect(page.get_by_role("heading", level=1)).to_have_text(words["used"])
        fits_the_screen(page)
        seen += untranslated(page) if lang == "zh" else []

    with shipped.sessions() as session:
        (response,) = session.scalars(select(SurveyResponse)).all()
    assert response.channel == "link" and response.sampled_unit_id == survey.unit().id
    assert response.answers == {**RATINGS, "opinions": opinion, "suggestions": suggestion}
    assert problems == []
    assert seen == []


@pytest.mark.parametrize(("lang", "counted", "cut"), [
    ("en", "5 of 4000 characters", "only its start was kept"),
    ("zh", "已輸入 5 字，上限 4000 字", "只保留了開頭部分"),
])
def test_a_text_answer_counts_its_characters_and_says_when_a_paste_was_cut(
        browser: Browser, shipped: System, lang: str, counted: str, cut: str) -> None:
    survey = distributed_survey(shipped)
    page, problems = open_page(browser, locale="zh-TW" if lang == "zh" else "en-GB",
                               expected=(), **PHONE)

    with served(shipped) as base:
        page.goto(f"{base}/survey/{survey.unit().link_token}")
        limit = page.locator("#q-opinions-limit")
        expect(limit).to_contain_text("0")
        page.fill("textarea[name=opinions]", "lifts")
        expect(limit.locator(".text-limit-count")).to_have_text(counted)
        expect(limit.locator(".text-limit-cut")).to_be_hidden()
        page.evaluate("""() => {
            const data = new DataTransfer();
            data.setData("text", "x".repeat(4001));
            document.getElementById("q-opinions").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""")
        expect(limit.locator(".text-limit-cut")).to_be_visible()
        expect(limit.locator(".text-limit-cut")).to_contain_text(cut)
        fits_the_screen(page)

    assert problems == []
