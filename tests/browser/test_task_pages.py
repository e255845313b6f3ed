"""The inbox and a task form in Chromium: claim, a refused submission, a draft, completion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from engine.cases.registration import Complainant, register_case
from engine.common.clock import FrozenClock
from engine.directory.demo import load_demo
from engine.directory.models import Building, Unit
from engine.system import System
from tests.support.browser import DESKTOP, PHONE, open_page, served, shot, sign_in
from tests.support.cases import CaseDriver

# The refused submission answers 422 on purpose; Chromium logs that as an error.
REFUSED = ("status of 422",)

# (category, building, unit, complainant, what they raised)
CALLS = [
    ("noise", "A", "A-302", "林先生", "Drilling upstairs after 10 pm, three nights running"),
    ("parking", "B", "B-801", "何太太", "A van blocks the entrance of the underground car park"),
    ("facilities", "C", "C-1203", "蔡小姐", "The lift in block C stops between floors"),
]


@pytest.fixture
def live_office(shipped: System) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo office with a few cases in hand, served on a loopback port.

    Returns the address and, by element, the ids of the cases' open tasks that
    the test needs.
    """
    clock = shipped.rt.clock
    assert isinstance(clock, FrozenClock)
    with shipped.sessions() as session:
        load_demo(session, clock=clock)
        session.commit()
    # Earlier in the day: one case went to the supervisor, one to the cleaners.
    escalated = _register(shipped, "hygiene", "A", "A-105", "鄭先生",
                          "Asks for compensation for a stained ceiling after a pipe burst")
    escalated.do("triage", {"triage_decision": "escalate",
                            "escalation_reason": "Compensation is beyond the office"})
    dispatched = _register(shipped, "hygiene", "B", "B-503", "Mrs Wong",
                           "Rubbish left in the stairwell of block B")
    dispatched.do("triage", {"triage_decision": "office_handles"})
    clock.advance(timedelta(hours=5))  # the supervisor's 4 h limit has passed
    for call in CALLS:
        _register(shipped, *call)
        clock.advance(timedelta(minutes=20))
    phoned = _register(shipped, "hygiene", "A", "A-1501", "陳大文",
                       "Bins by block A not emptied since Friday; the smell reaches the lobby")
    with served(shipped) as base:
        yield base, {"triage": phoned.task_id("triage"), "case": phoned.case().number}


def _register(system: System, category: str, building: str, unit: str, name: str,
              description: str) -> CaseDriver:
    with system.sessions() as session:
        unit_id = session.scalars(select(Unit.id).join(Building).where(
            Building.code == building, Unit.number == unit)).one()
        case = register_case(session, system.rt, channel="phone", type="complaint",
                             category=category, description=description, unit_id=unit_id,
                             complainant=Complainant(name, "13912345678", ""), actor="clerk")
        session.commit()
        assert case.instance_id is not None
        return CaseDriver(system, case.id, case.instance_id)


def test_a_clerk_claims_a_triage_fixes_a_refused_form_saves_a_draft_and_completes(
        browser: Browser, live_office: tuple[str, dict[str, str]], system: System) -> None:
    base, ids = live_office
    backend = system.db.dialect.name
    page, problems = open_page(browser, expected=REFUSED, locale="en-GB", **DESKTOP)
    sign_in(page, base, "clerk")

    row = page.locator(f"#task-{ids['triage']}")
    expect(row).to_contain_text(ids["case"])
    expect(row).to_contain_text("Unclaimed")
    shot(page, f"inbox-clerk-{backend}")

    row.get_by_role("button", name="Claim").click()
    expect(page.locator(".flash-success")).to_have_text("You now hold “Triage”.")
    expect(row.locator(".task__assignee")).to_have_text("You")

    row.get_by_role("link", name="Triage").click()
    expect(page.locator(".task-head h1")).to_have_text("Triage")
    expect(page.locator(".case-card")).to_contain_text("陳大文")
    notes = page.locator("#field-triage_notes")
    notes.fill("Owner wants the bins emptied today; she is home after 6 pm.")
    page.get_by_role("button", name="Complete").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#field-triage_decision .field__error")).to_be_visible()
    expect(notes).to_have_value("Owner wants the bins emptied today; she is home after 6 pm.")
    shot(page, f"task-form-errors-{backend}")

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    expect(notes).to_have_value("Owner wants the bins emptied today; she is home after 6 pm.")

    page.get_by_label("The office handles it (work order)").check()
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(base + "/inbox")
    expect(page.locator(".flash-success")).to_have_text("Done: Triage")
    expect(page.locator(f"#task-{ids['triage']}")).to_have_count(0)
    assert problems == []


def test_the_supervisor_s_inbox_and_a_refused_form_fit_a_phone_in_chinese(
        browser: Browser, live_office: tuple[str, dict[str, str]], system: System) -> None:
    base, ids = live_office
    backend = system.db.dialect.name
    desk, problems = open_page(browser, expected=REFUSED, locale="zh-TW", **DESKTOP)
    sign_in(desk, base, "supervisor", zh=True)
    desk.get_by_role("link", name="全部").click()
    expect(desk.locator(".badge-overdue").first).to_have_text("逾期")
    shot(desk, f"inbox-supervisor-zh-{backend}")

    phone, phone_problems = open_page(browser, expected=REFUSED, locale="zh-TW", **PHONE)
    sign_in(phone, base, "clerk", zh=True)
    expect(phone.locator(f"#task-{ids['triage']}")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, f"inbox-phone-zh-{backend}")

    phone.goto(f"{base}/tasks/{ids['triage']}")
    phone.locator("#field-triage_notes").fill("業主希望今天清理")
    phone.get_by_role("button", name="完成").click()
    expect(phone.locator(".error-summary")).to_contain_text("有問題需要處理")
    expect(phone.locator("#field-triage_notes")).to_have_value("業主希望今天清理")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, f"task-form-errors-phone-zh-{backend}")
    assert problems == [] and phone_problems == []


def test_the_browser_asks_for_a_reason_that_says_enough_in_either_language(
        browser: Browser, live_office: tuple[str, dict[str, str]]) -> None:
    base, ids = live_office
    page, problems = open_page(browser, locale="zh-TW", **DESKTOP)
    sign_in(page, base, "clerk", zh=True)
    page.goto(f"{base}/tasks/{ids['triage']}")
    expect(page.get_by_label("本處處理（派工單）")).to_be_visible()  # the form is in Chinese only
    expect(page.locator(".webform")).not_to_contain_text("office_handles")
    reason = page.locator("#field-escalation_reason")
    reason.fill("ok")
    expect(reason).to_have_js_property("validationMessage",
                                       "請多寫一點：至少 4 個中文字或 10 個英文字母。")
    reason.fill("業主要求賠償")
    expect(reason).to_have_js_property("validationMessage", "")
    reason.fill("Owner asks")  # nine letters
    expect(reason).not_to_have_js_property("validationMessage", "")
    reason.fill("Owner asks a refund")
    expect(reason).to_have_js_property("validationMessage", "")
    assert problems == []
