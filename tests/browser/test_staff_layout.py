"""The real app in Chromium: a Chinese browser signs in, switches to English, signs out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from engine.directory.demo import load_demo
from engine.system import System
from tests.support.browser import PHONE, open_page, served, shot, sign_in


@pytest.fixture
def live_app(system: System) -> Iterator[str]:
    """Liaison with the demo data, served on a loopback port."""
    with system.sessions() as session:
        load_demo(session, clock=system.rt.clock)
        session.commit()
    with served(system) as base:
        yield base


def test_a_chinese_browser_signs_in_switches_to_english_and_signs_out(
        browser: Browser, live_app: str, system: System) -> None:
    backend = system.db.dialect.name
    page, problems = open_page(browser, locale="zh-CN", viewport={"width": 1280, "height": 800})

    page.goto(live_app + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text("聯絡管理處")
    expect(page.locator(".directory li")).to_have_count(4)
    shot(page, f"home-zh-{backend}")

    page.get_by_role("link", name="員工登入").click()
    shot(page, f"login-zh-{backend}")
    page.get_by_label("用戶名稱").fill("supervisor")
    page.get_by_label("密碼").fill("supervisor-demo")
    page.get_by_role("button", name="登入").click()

    expect(page).to_have_url(live_app + "/inbox")
    expect(page.locator(".page-header h1")).to_have_text("待辦事項")
    expect(page.locator(".who")).to_have_text("周文傑 (主管)")
    expect(page.get_by_role("button", name="登出")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"  # served by Liaison, allowed by CSP
    shot(page, f"inbox-zh-{backend}")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_app + "/inbox")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".page-header h1")).to_have_text("Inbox")
    shot(page, f"inbox-en-{backend}")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_app + "/login")
    expect(page.locator(".flash")).to_have_text("You have signed out.")
    page.goto(live_app + "/inbox")
    expect(page).to_have_url(live_app + "/login?next=/inbox")
    assert problems == []


def test_the_layout_fits_a_phone(browser: Browser, live_app: str, system: System) -> None:
    page, problems = open_page(browser, locale="zh-TW", **PHONE)

    sign_in(page, live_app, "clerk", zh=True)
    expect(page.locator(".page-header h1")).to_have_text("待辦事項")

    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"inbox-phone-{system.db.dialect.name}")
    page.goto(live_app + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"home-phone-{system.db.dialect.name}")
    assert problems == []
