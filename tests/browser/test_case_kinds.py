"""A praise case in Chromium: its own path drawn and marked on the diagram, no satisfaction
step; a screenshot in tests/artifacts; no console error, no CSP violation."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from engine.system import System
from tests.support.browser import DESKTOP, open_page, shot, sign_in
from tests.support.cases import CaseDriver


def test_a_praise_case_follows_its_own_path_on_the_diagram(browser: Browser, live_app: str,
                                                           shipped: System) -> None:
    case = CaseDriver.register(shipped, type="praise", category="service_attitude")
    case.do("pass_on_praise", {"praised_staff": "黃曉燕 (service centre)",
                               "praise_passed_on": "Read out at the morning team meeting"},
            actor="supervisor")
    page, problems = open_page(browser, viewport=DESKTOP["viewport"])
    sign_in(page, live_app, "supervisor")

    page.goto(f"{live_app}/cases/{case.case().number}")

    expect(page.locator("figure.diagram[data-state=ready]")).to_have_count(1)
    expect(page.locator('.djs-element[data-element-id="pass_on_praise"]')).to_have_class(
        "djs-element djs-shape lx-done")
    expect(page.locator('.djs-element[data-element-id="acknowledge_praise"]')).to_have_class(
        "djs-element djs-shape lx-current")
    for untouched in ("triage", "record_satisfaction"):
        expect(page.locator(f'.djs-element[data-element-id="{untouched}"]')).to_have_class(
            "djs-element djs-shape")
    expect(page.locator(".case-head")).to_contain_text("Service attitude")
    shot(page, f"case-page-praise-en-{shipped.db.dialect.name}")
    assert problems == []
