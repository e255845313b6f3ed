"""What the browser tests share: the app on a loopback port, pages that collect every
console error and CSP violation, signing in, and screenshots saved as test artifacts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from api import create_app
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Building, Unit
from engine.system import System

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
# Playwright's own script, not the page's: it reports every blocked resource as an error.
REPORT_CSP = ("document.addEventListener('securitypolicyviolation', e => console.error("
              "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")


@contextmanager
def served(system: System) -> Iterator[str]:
    """Serve Liaison on ``system`` at a loopback address until the block ends."""
    server = make_server("127.0.0.1", 0, create_app(system=system), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def open_page(browser: Browser, *, expected: tuple[str, ...] = (),
              **context: object) -> tuple[Page, list[str]]:
    """A page in a fresh context and the list its errors land in.

    ``expected`` are parts of console messages a test provokes on purpose
    (a refused form answers 422, which Chromium logs as an error).
    """
    browser_context = browser.new_context(**context)  # type: ignore[arg-type]
    browser_context.add_init_script(REPORT_CSP)
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not any(
        part in m.text for part in expected) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def sign_in(page: Page, base: str, username: str, *, zh: bool = False) -> None:
    """Sign in as a demo user (password ``<username>-demo``) through the sign-in page."""
    page.goto(base + "/login")
    page.get_by_label("用戶名稱" if zh else "User name").fill(username)
    page.get_by_label("密碼" if zh else "Password").fill(f"{username}-demo")
    page.get_by_role("button", name="登入" if zh else "Sign in").click()
    expect(page.get_by_role("button", name="登出" if zh else "Sign out")).to_be_visible()


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def demo_unit(system: System, number: str) -> int:
    """The id of a demo unit by its number, e.g. "A-1203"."""
    with system.sessions() as session:
        return session.scalars(select(Unit.id).join(Building)
                               .where(Unit.number == number)).one()
