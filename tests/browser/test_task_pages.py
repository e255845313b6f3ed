"""The inbox and a task form in Chromium: claim, a refused submission, a draft, completion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from api import create_app
from engine.bootstrap import System
from engine.cases import Complainant, register_case
from engine.clock import FrozenClock
from engine.demo import load_demo
from engine.models import Building, Unit
from engine.settings import PROJECT_ROOT
from tests.support.cases import CaseDriver

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"

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
    server = make_server("127.0.0.1", 0, create_app(system=shipped), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield (f"http://127.0.0.1:{server.server_port}",
           {"triage": phoned.task_id("triage"), "case": phoned.case().number})
    server.shutdown()
    thread.join()


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


def _page(browser: Browser, **context: object) -> tuple[Page, list[str]]:
    page = browser.new_context(**context).new_page()  # type: ignore[arg-type]
    problems: list[str] = []
    # The refused submission answers 422 on purpose; Chromium logs that as an error.
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "status of 422" not in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def _sign_in(page: Page, base: str, username: str, *, user_label: str, password_label: str,
             button: str) -> None:
    page.goto(base + "/login")
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(f"{username}-demo")
    page.get_by_role("button", name=button).click()


def _shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_clerk_claims_a_triage_fixes_a_refused_form_saves_a_draft_and_completes(
        browser: Browser, live_office: tuple[str, dict[str, str]], system: System) -> None:
    base, ids = live_office
    backend = system.db.dialect.name
    page, problems = _page(browser, locale="en-GB", viewport={"width": 1280, "height": 900})
    _sign_in(page, base, "clerk", user_label="User name", password_label="Password",
             button="Sign in")

    row = page.locator(f"#task-{ids['triage']}")
    expect(row).to_contain_text(ids["case"])
    expect(row).to_contain_text("Unclaimed")
    _shot(page, f"inbox-clerk-{backend}")

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
    _shot(page, f"task-form-errors-{backend}")

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    expect(notes).to_have_value("Owner wants the bins emptied today; she is home after 6 pm.")

    page.get_by_label("The office handles it (work order) 本處處理（派工）").check()
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(base + "/inbox")
    expect(page.locator(".flash-success")).to_have_text("Done: Triage")
    expect(page.locator(f"#task-{ids['triage']}")).to_have_count(0)
    assert problems == []


def test_the_supervisor_s_inbox_and_a_refused_form_fit_a_phone_in_chinese(
        browser: Browser, live_office: tuple[str, dict[str, str]], system: System) -> None:
    base, ids = live_office
    backend = system.db.dialect.name
    desk, problems = _page(browser, locale="zh-TW", viewport={"width": 1280, "height": 900})
    _sign_in(desk, base, "supervisor", user_label="用戶名稱", password_label="密碼",
             button="登入")
    desk.get_by_role("link", name="全部").click()
    expect(desk.locator(".badge-overdue").first).to_have_text("逾期")
    _shot(desk, f"inbox-supervisor-zh-{backend}")

    phone, phone_problems = _page(browser, locale="zh-TW", device_scale_factor=2,
                                  viewport={"width": 390, "height": 844})
    _sign_in(phone, base, "clerk", user_label="用戶名稱", password_label="密碼", button="登入")
    expect(phone.locator(f"#task-{ids['triage']}")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, f"inbox-phone-zh-{backend}")

    phone.goto(f"{base}/tasks/{ids['triage']}")
    phone.locator("#field-triage_notes").fill("業主希望今天清理")
    phone.get_by_role("button", name="完成").click()
    expect(phone.locator(".error-summary")).to_contain_text("有問題需要處理")
    expect(phone.locator("#field-triage_notes")).to_have_value("業主希望今天清理")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, f"task-form-errors-phone-zh-{backend}")
    assert problems == [] and phone_problems == []
