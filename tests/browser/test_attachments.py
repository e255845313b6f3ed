"""Attaching a photo and a refused file on the case page in Chromium: the thumbnail drawn,
the refusal shown, no console error and no CSP violation; screenshots in tests/artifacts."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from engine.system import System
from tests.support.attachments import EXE_BYTES, photo
from tests.support.browser import DESKTOP, open_page, shot, sign_in
from tests.support.cases import CaseDriver


def test_a_photo_is_attached_and_drawn_as_a_thumbnail_and_a_program_is_refused(
        browser: Browser, live_app: str, shipped: System) -> None:
    number = CaseDriver.register(shipped).case().number
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "supervisor")
    page.goto(f"{live_app}/cases/{number}")
    # Leave the page only once its diagram is drawn, so no request is cut short.
    drawn = page.locator("figure.diagram[data-state=ready]")
    expect(drawn).to_have_count(1)

    page.get_by_label("Attach a photo or scanned letter").set_input_files(
        files=[{"name": "stairwell.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    page.get_by_role("button", name="Attach", exact=True).click()

    expect(page.locator(".flash-success")).to_contain_text("stairwell.jpg attached.")
    thumbnail = page.locator(".attachment img")
    expect(thumbnail).to_have_attribute("alt", "stairwell.jpg")
    page.wait_for_function("document.querySelector('.attachment img').naturalWidth > 0")
    expect(drawn).to_have_count(1)

    page.get_by_label("Attach a photo or scanned letter").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": EXE_BYTES}])
    page.get_by_role("button", name="Attach", exact=True).click()

    expect(page.locator(".flash-error")).to_contain_text("Only photos (JPEG, PNG, WebP)")
    expect(page.locator(".attachment")).to_have_count(1)
    expect(drawn).to_have_count(1)
    shot(page, f"case-attachments-en-{shipped.db.dialect.name}")
    assert problems == []
