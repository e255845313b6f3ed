"""The real app in Chromium: a Chinese browser signs in, switches to English, signs out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from api import create_app
from engine.bootstrap import System
from engine.demo import load_demo
from engine.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture
def live_app(system: System) -> Iterator[str]:
    """Liaison with the demo data, served on a loopback port."""
    with system.sessions() as session:
        load_demo(session, clock=system.rt.clock)
        session.commit()
    server = make_server("127.0.0.1", 0, create_app(system=system), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _page(browser: Browser, **context: object) -> tuple[Page, list[str]]:
    page = browser.new_context(**context).new_page()  # type: ignore[arg-type]
    problems: list[str] = []
    # A blocked inline script or style, a missing asset, a script error: all end up here.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def _shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_chinese_browser_signs_in_switches_to_english_and_signs_out(
        browser: Browser, live_app: str, system: System) -> None:
    backend = system.db.dialect.name
    page, problems = _page(browser, locale="zh-CN", viewport={"width": 1280, "height": 800})

    page.goto(live_app + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text("聯絡管理處")
    expect(page.locator(".directory li")).to_have_count(4)
    _shot(page, f"home-zh-{backend}")

    page.get_by_role("link", name="員工登入").click()
    _shot(page, f"login-zh-{backend}")
    page.get_by_label("用戶名稱").fill("supervisor")
    page.get_by_label("密碼").fill("supervisor-demo")
    page.get_by_role("button", name="登入").click()

    expect(page).to_have_url(live_app + "/inbox")
    expect(page.locator(".page-header h1")).to_have_text("待辦事項")
    expect(page.locator(".who")).to_have_text("周文傑 (主管)")
    expect(page.get_by_role("button", name="登出")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"  # served by Liaison, allowed by CSP
    _shot(page, f"inbox-zh-{backend}")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_app + "/inbox")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".page-header h1")).to_have_text("Inbox")
    _shot(page, f"inbox-en-{backend}")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_app + "/login")
    expect(page.locator(".flash")).to_have_text("You have signed out.")
    page.goto(live_app + "/inbox")
    expect(page).to_have_url(live_app + "/login?next=/inbox")
    assert problems == []


def test_the_layout_fits_a_phone(browser: Browser, live_app: str, system: System) -> None:
    page, problems = _page(browser, locale="zh-TW", viewport={"width": 390, "height": 844},
                           device_scale_factor=2)

    page.goto(live_app + "/login")
    page.get_by_label("用戶名稱").fill("clerk")
    page.get_by_label("密碼").fill("clerk-demo")
    page.get_by_role("button", name="登入").click()
    expect(page.locator(".page-header h1")).to_have_text("待辦事項")

    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, f"inbox-phone-{system.db.dialect.name}")
    page.goto(live_app + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, f"home-phone-{system.db.dialect.name}")
    assert problems == []
