"""A month's return visits in Chromium, in Chinese: the supervisor opens last month, the
visitor records a visit from the inbox, and the month's page counts it."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.return_visits.models import ReturnVisit
from engine.system import System
from tests.support.browser import DESKTOP, PHONE, open_page, served, shot, sign_in
from tests.support.return_visits import add_orders, demo_office


def _no_sideways_scroll(page: object) -> bool:
    return bool(page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_a_visitor_records_a_return_visit_in_chinese(browser: Browser, shipped: System,
                                                     clock: FrozenClock) -> None:
    system = demo_office(shipped, clock)
    add_orders(system, 6, complaint_share=1.0)
    backend = system.db.dialect.name
    with served(system) as base:
        boss, problems = open_page(browser, locale="zh-TW", **DESKTOP)
        sign_in(boss, base, "supervisor", zh=True)
        boss.goto(base + "/lang/zh")
        boss.goto(base + "/return-visits")
        expect(boss.get_by_role("heading", name="每月回訪")).to_be_visible()
        boss.get_by_role("button", name="開始回訪").click()
        expect(boss.get_by_role("heading", name="2026-11 的回訪")).to_be_visible()
        with system.sessions() as session:
            visit = session.scalars(select(ReturnVisit).order_by(ReturnVisit.id)).first()
            assert visit is not None and visit.visitor is not None
            visitor, order = visit.visitor, visit.work_order.number

        page, more = open_page(browser, locale="zh-TW", **PHONE)
        sign_in(page, base, visitor, zh=True)
        page.goto(base + "/lang/zh")
        page.goto(base + "/inbox")
        row = page.locator("tr.task", has_text=order)
        expect(row).to_contain_text("進行回訪")
        row.get_by_role("link", name="進行回訪").click()
        expect(page.get_by_text("回訪話術").first).to_be_visible()
        page.get_by_role("radio", name="電話").check()
        page.get_by_label("第 1 次嘗試：時間").fill("2026-12-01T10:30")
        page.get_by_role("group", name="第 1 次嘗試：是否聯絡上業主？").get_by_role(
            "radio", name="是").check()
        page.get_by_label("受訪人").fill("陳太太")
        page.get_by_role("radio", name="基本滿意").check()
        page.get_by_label("備註").fill("維修後已正常，希望下次更快。")
        assert _no_sideways_scroll(page)
        shot(page, f"return-visit-form-zh-{backend}")
        page.get_by_role("button", name="完成").click()
        expect(page.locator(".flash")).to_be_visible()

        boss.goto(base + "/return-visits/2026-11")
        expect(boss.get_by_text("維修後已正常，希望下次更快。")).to_be_visible()
        expect(boss.get_by_text("基本滿意").first).to_be_visible()
        assert _no_sideways_scroll(boss)
        shot(boss, f"return-visits-month-zh-{backend}")
    with system.sessions() as session:
        saved = session.get_one(ReturnVisit, visit.id)
    assert saved.state == "visited" and saved.satisfaction == "fairly_satisfied"
    assert saved.spoken_to == "陳太太" and saved.recorded_by == visitor
    assert problems == [] and more == []
