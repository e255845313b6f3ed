"""A real Chromium (Debian's), driven by Playwright; nothing is downloaded."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from engine.common.settings import PROJECT_ROOT
from engine.directory.demo import load_demo
from engine.system import System
from tests.support.browser import served

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium phones home at start-up; this machine has no network.
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's chromium: `make test` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=QUIET)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def repo_server() -> Iterator[str]:
    """Serve the repository (diagrams, node_modules) on a loopback port."""
    handler = functools.partial(_Quiet, directory=str(PROJECT_ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def live_app(shipped: System) -> Iterator[str]:
    """Liaison with the shipped processes and the demo office, on a loopback port."""
    with shipped.sessions() as session:
        load_demo(session, clock=shipped.rt.clock)
        session.commit()
    with served(shipped) as base:
        yield base
