"""A whole owner case worked in Chromium by the people who work it, in English and in Chinese.

Customer service registers a phone complaint and triages it to a department; the
engineer cannot fix it and says so, which escalates it; the supervisor approves
(passes it up) and the superior decides; customer service carries out the
instruction, replies and records the owner's satisfaction; the case closes. The
case page then shows the path through both diagrams and the full timeline. In
Chinese, no page on the way shows interface text left in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.cases.models import Case
from engine.common.settings import PROJECT_ROOT
from engine.directory.demo import STAFF, load_demo
from engine.system import System
from tests.support.browser import DESKTOP, open_page, served, shot, sign_in

CATALOG = PROJECT_ROOT / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# Text that comes from the processes' own files (forms, diagrams) may be bilingual.
PROCESS_TEXT = ".webform, figure.diagram, svg, script, .process-text"
WORDS = {
    "en": {"register": "Register the case", "complete": "Complete",
           "decide": "Record the decision"},
    "zh": {"register": "登記個案", "complete": "完成", "decide": "記錄決定"},
}


@pytest.fixture
def office(shipped: System) -> Iterator[str]:
    with shipped.sessions() as session:
        load_demo(session, clock=shipped.rt.clock)
        session.commit()
    with served(shipped) as base:
        yield base


def english_interface_text() -> list[str]:
    """The interface messages whose Chinese differs, long enough not to match by chance."""
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    return sorted(str(m.id) for m in catalog
                  if isinstance(m.id, str) and m.string and m.string != m.id
                  and "%(" not in m.id and (" " in m.id.strip() or len(m.id) >= 8))


class Desk:
    """One person's browser, signed in, checking each page they see."""

    def __init__(self, browser: Browser, base: str, username: str, lang: str) -> None:
        locale = "zh-CN" if lang == "zh" else "en-GB"
        self.page, self.problems = open_page(browser, locale=locale, **DESKTOP)
        self.base, self.lang, self.words = base, lang, WORDS[lang]
        self.untranslated: dict[str, list[str]] = {}
        sign_in(self.page, base, username, zh=lang == "zh")
        self.check()

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.check()
        return self.page

    def open_task(self, title: str) -> Page:
        """Open the task from the inbox by its (translated) title."""
        self.go("/inbox")
        self.page.locator("a.task__title", has_text=title).first.click()
        self.check()
        return self.page

    def complete(self) -> None:
        self.page.get_by_role("button", name=self.words["complete"], exact=True).click()
        expect(self.page.locator(".flash-success")).to_be_visible()
        self.check()

    def check(self) -> None:
        """In Chinese, collect any English interface message this page shows."""
        if self.lang != "zh":
            return
        text = self.page.evaluate(
            "(skip) => { const body = document.body.cloneNode(true);"
            " body.querySelectorAll(skip).forEach(e => e.remove()); return body.innerText; }",
            PROCESS_TEXT)
        found = [m for m in english_interface_text()
                 if re.search(rf"(?<![A-Za-z]){re.escape(m)}(?![A-Za-z])", text)]
        if found:
            self.untranslated[self.page.url] = found


TITLES = {
    "en": {"triage": "Triage", "work_order": "Handle the work order",
           "decide": "Decide the escalation", "carry_out": "Carry out the instruction",
           "reply": "Reply to the complainant", "satisfaction": "Record satisfaction"},
    "zh": {"triage": "分流", "work_order": "處理派工單", "decide": "裁決上報事項",
           "carry_out": "執行指示", "reply": "回覆投訴人", "satisfaction": "記錄滿意度"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_phone_complaint_is_worked_to_the_end_and_its_path_is_shown(
        browser: Browser, office: str, shipped: System, lang: str) -> None:
    backend = shipped.db.dialect.name
    titles = _titles(lang)

    clerk = Desk(browser, office, "clerk", lang)
    page = clerk.go("/cases/new")
    page.fill("#reg-phone", "13800138000")
    page.fill("#reg-name", "陳大文")
    page.select_option("#reg-category", "facilities")
    page.fill("#reg-building", "A")
    page.fill("#reg-q", "1203")
    page.locator("#unit-matches input[name=unit]:not([value=''])").first.check()
    page.fill("#reg-description", "The water pump of block A stops every night; no water "
                                  "on the upper floors after 10 pm.")
    page.get_by_role("button", name=clerk.words["register"]).click()
    expect(page).to_have_url(re.compile(r"/cases/C-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    clerk.check()

    page = clerk.open_task(titles["triage"])
    page.check("input[name=triage_decision][value=office_handles]")
    page.fill("textarea[name=triage_notes]", "Pump of block A; the owner is on the 12th floor")
    clerk.complete()

    engineer = Desk(browser, office, "engineer", lang)
    page = engineer.open_task(titles["work_order"])
    page.check("input[name=handling_result][value=cannot_resolve]")
    page.fill("textarea[name=handling_method]", "The pump must be replaced: a capital repair")
    engineer.complete()

    supervisor = Desk(browser, office, "supervisor", lang)
    page = supervisor.go("/approvals")
    card = page.locator("article.approval", has_text=number)
    expect(card).to_contain_text("The pump must be replaced")  # the handler's reason
    card.locator("input[name$=supervisor_decision][value=pass_up]").check()
    card.locator("input[name=confirm]").check()  # a decision is confirmed, never a stray click
    card.get_by_role("button", name=supervisor.words["decide"]).click()
    expect(page.locator(".flash-success")).to_be_visible()
    supervisor.check()

    manager = Desk(browser, office, "manager", lang)
    page = manager.open_task(titles["decide"])
    page.locator("input[name=superior_decision][value=instruct]").check()
    page.fill("textarea[name=superior_instruction]", "Replace the pump from the repair fund")
    manager.complete()

    for title, fill in (
            (titles["carry_out"], {"textarea[name=handling_method]": "New pump ordered, "
                                   "fitted on Thursday", "textarea[name=handling_result]":
                                   "water back on all floors"}),
            (titles["reply"], {"textarea[name=reply_text]": "The pump was replaced on "
                               "Thursday; water is back on every floor."}),
            (titles["satisfaction"], {"textarea[name=satisfaction_remarks]": "thanks"})):
        page = clerk.open_task(title)
        if title == titles["reply"]:
            page.select_option("select[name=reply_channel]", "phone")
        if title == titles["satisfaction"]:
            page.check("input[name=satisfied][value=true]")
        for selector, value in fill.items():
            page.fill(selector, value)
        clerk.complete()

    with shipped.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
    assert (case.status, case.replied_by_channel) == ("closed", "phone")

    page = supervisor.go(f"/cases/{number}")
    expect(page.locator("figure.diagram[data-state=ready]")).to_have_count(2)
    owner, escalation = page.locator("figure.diagram").all()
    for element in ("triage", "handle_work_order", "escalate", "carry_out_instruction",
                    "reply_to_complainant", "record_satisfaction"):
        expect(owner.locator(f'.djs-element[data-element-id="{element}"]')).to_contain_class(
            "lx-done")
    for element in ("supervisor_review", "superior_decide"):
        expect(escalation.locator(f'.djs-element[data-element-id="{element}"]')
               ).to_contain_class("lx-done")
    expect(page.locator(".lx-current")).to_have_count(0)
    timeline = page.locator(".timeline")
    names = {seed.username: seed.display_name for seed in STAFF}
    for person in ("clerk", "engineer", "supervisor", "manager"):
        expect(timeline).to_contain_text(f"· {names[person]}")  # as colleagues know them
    for title in titles.values():
        expect(timeline).to_contain_text(title)
    supervisor.check()
    shot(page, f"case-flow-{lang}-{backend}")

    for desk in (clerk, engineer, supervisor, manager):
        assert desk.problems == []
        assert desk.untranslated == {}


def _titles(lang: str) -> dict[str, str]:
    return TITLES[lang]
