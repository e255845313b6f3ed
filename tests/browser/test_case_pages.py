"""The case, registration and approval pages in Chromium: the diagram drawn and marked, the
unit search, a decision; screenshots in tests/artifacts; no console error, no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.cases.models import Case, ReplyLetter
from engine.common.clock import FrozenClock
from engine.system import System
from tests.support.browser import DESKTOP, PHONE, demo_unit, open_page, shot, sign_in
from tests.support.cases import HANDLED, CaseDriver, escalate


def _escalated(system: System, unit: str, reason: str, category: str = "fees") -> CaseDriver:
    case = CaseDriver.register(system, category=category, unit_id=demo_unit(system, unit),
                               phone="13912345678")
    escalate(case, reason)
    return case


def _case_escalated_and_approved(system: System) -> CaseDriver:
    """A fee complaint passed up by the supervisor, decided by the superior, replied, closed."""
    case = _escalated(system, "A-1203", "The owner asks for the late fee to be refunded")
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    case.do("superior_decide", {"superior_decision": "instruct",
                                "superior_instruction": "Refund the late fee"}, actor="manager")
    case.do("carry_out_instruction", {"handling_method": "Refunded the late fee at the counter",
                                      "handling_result": "refund paid"})
    case.do("reply_to_complainant", {"reply_channel": "phone", "reply_letter_text": "",
                                     "reply_text": "The late fee was refunded today."})
    case.do("record_satisfaction", {"satisfied": True, "satisfaction_remarks": "thank you"})
    return case


def _diagrams_drawn(page: Page, count: int) -> None:
    expect(page.locator("figure.diagram[data-state=ready]")).to_have_count(count)


def test_the_case_page_draws_the_diagrams_with_the_steps_marked(
        browser: Browser, live_app: str, shipped: System) -> None:
    backend = shipped.db.dialect.name
    case = _case_escalated_and_approved(shipped)
    number = case.case().number
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "supervisor")

    page.goto(f"{live_app}/cases/{number}")

    _diagrams_drawn(page, 2)
    owner, escalation = page.locator("figure.diagram").all()
    for element in ("triage", "escalate", "carry_out_instruction", "reply_to_complainant",
                    "record_satisfaction", "archive_handling"):
        expect(owner.locator(f'.djs-element[data-element-id="{element}"]')).to_have_class(
            "djs-element djs-shape lx-done")
    for element in ("supervisor_review", "superior_decide"):
        expect(escalation.locator(f'.djs-element[data-element-id="{element}"]')).to_have_class(
            "djs-element djs-shape lx-done")
    expect(page.locator(".lx-current")).to_have_count(0)  # the case is closed
    steps = page.locator(".moment-step")
    expect(steps).to_contain_text(["Triage", "Review the escalation", "Decide the escalation",
                                   "Carry out the instruction", "Reply to the complainant",
                                   "Record satisfaction"])
    expect(page.locator(".case-head .badge").first).to_have_text("Closed")
    shot(page, f"case-page-en-{backend}")

    phone, phone_problems = open_page(browser, locale="zh-TW", **PHONE)
    sign_in(phone, live_app, "supervisor", zh=True)
    phone.goto(f"{live_app}/cases/{number}")
    _diagrams_drawn(phone, 2)
    expect(phone.locator("#timeline-title")).to_have_text("時間線")
    # The diagrams are drawn with the reader's names for the steps, lanes and flows.
    zh_owner, zh_escalation = phone.locator("figure.diagram").all()
    expect(zh_owner.locator('.djs-element[data-element-id="triage"] .djs-visual text')
           ).to_have_text("分流")
    expect(zh_escalation.locator('.djs-element[data-element-id="supervisor_review"] '
                                 '.djs-visual text')).to_have_text("審核上報事項")
    expect(phone.locator(".moment-step").first).to_have_text("分流")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, f"case-page-phone-zh-{backend}")
    assert problems == [] and phone_problems == []


def test_an_open_case_marks_the_step_waiting(browser: Browser, live_app: str,
                                             shipped: System) -> None:
    case = _escalated(shipped, "B-805", "Noise from the bar downstairs", category="noise")
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "supervisor")

    page.goto(f"{live_app}/cases/{case.case().number}")

    _diagrams_drawn(page, 2)
    review = page.locator('.djs-element[data-element-id="supervisor_review"]')
    expect(review).to_have_class("djs-element djs-shape lx-current")
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_have_class(
        "djs-element djs-shape lx-done")
    shot(page, f"case-page-open-en-{shipped.db.dialect.name}")
    assert problems == []


def test_a_case_is_registered_through_the_form_with_the_unit_search(
        browser: Browser, live_app: str, shipped: System) -> None:
    backend = shipped.db.dialect.name
    earlier = CaseDriver.register(shipped, category="noise", unit_id=demo_unit(shipped, "A-1203"),
                                  phone="13912345678")
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "clerk")
    page.get_by_role("link", name="Register a case").click()
    expect(page.locator("h1")).to_have_text("Register a case")

    page.get_by_label("Phone", exact=True).fill("13912345678")
    expect(page.locator("#earlier-cases")).to_contain_text(earlier.case().number)
    page.get_by_label("Name").fill("陳大文")
    page.get_by_label("Building").fill("A")
    page.get_by_label("Unit number").fill("120")
    matches = page.locator("#unit-matches .unit-label")
    expect(matches.first).to_have_text("A-1201")
    page.locator("#unit-matches label", has_text="A-1203").click()
    expect(page.locator("#unit-matches input:checked")).to_have_value(
        str(demo_unit(shipped, "A-1203")))
    page.get_by_label("Category").select_option("noise")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("What the owner raised").fill("Drilling upstairs after 10 pm, again.")
    shot(page, f"register-en-{backend}")

    page.get_by_role("button", name="Register the case").click()

    expect(page.locator(".flash-success")).to_contain_text("registered")
    with shipped.sessions() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None and case.unit_id == demo_unit(shipped, "A-1203")
    expect(page).to_have_url(f"{live_app}/cases/{case.number}")
    _diagrams_drawn(page, 1)
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_have_class(
        "djs-element djs-shape lx-current")

    phone, phone_problems = open_page(browser, locale="zh-TW", **PHONE)
    sign_in(phone, live_app, "clerk", zh=True)
    phone.goto(f"{live_app}/cases/new")
    phone.get_by_role("button", name="登記個案").click()  # nothing filled in: refused
    expect(phone.locator(".alert-error")).to_contain_text("個案尚未登記")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, f"register-phone-zh-{backend}")
    assert problems == []
    # The refused form's own 422 is the only complaint the console may make.
    assert phone_problems == ["Failed to load resource: the server responded with a status "
                              "of 422 (UNPROCESSABLE ENTITY)"]


def test_the_supervisor_decides_an_escalation(browser: Browser, live_app: str,
                                              shipped: System) -> None:
    backend = shipped.db.dialect.name
    first = _escalated(shipped, "A-1203", "The owner asks for compensation for a flooded "
                                          "kitchen; beyond the office's authority")
    clock = shipped.rt.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(hours=5))  # the first is now past its 4 h limit
    _escalated(shipped, "C-302", "A dispute with the developer about the windows",
               category="developer_defect")
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "supervisor")
    page.get_by_role("link", name="Approvals").click()

    cards = page.locator("article.approval")
    expect(cards).to_have_count(2)
    expect(cards.first.locator(".badge")).to_have_text("Overdue")
    expect(cards.nth(1).locator(".badge")).to_have_text("On time")
    shot(page, f"approvals-en-{backend}")

    cards.first.get_by_label("Pass up to the superior").check()
    cards.first.get_by_label("I confirm this decision", exact=False).check()
    cards.first.get_by_role("button", name="Record the decision").click()

    expect(page.locator(".flash-success")).to_have_text(
        f"Case {first.case().number} is passed up to the superior.")
    expect(cards).to_have_count(1)
    assert set(first.open()) == {"superior_decide"}

    phone, phone_problems = open_page(browser, locale="zh-TW", **PHONE)
    sign_in(phone, live_app, "supervisor", zh=True)
    phone.goto(f"{live_app}/approvals")
    expect(phone.locator("article.approval")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, f"approvals-phone-zh-{backend}")
    assert problems == [] and phone_problems == []


def test_the_reply_letter_prints_without_its_button_and_breaks_no_policy(
        browser: Browser, live_app: str, shipped: System) -> None:
    case = CaseDriver.register(shipped, channel="letter", address="和諧花園 A座 1203",
                               unit_id=demo_unit(shipped, "A-1203"))
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "您反映的樓梯間雜物已清理完畢。"})
    with shipped.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    page, problems = open_page(browser, **DESKTOP)
    sign_in(page, live_app, "clerk")
    # Chromium's print dialog would block the test: note that the page asked for it instead.
    page.add_init_script("window.print = () => { document.body.dataset.printed = 'yes'; };")

    page.goto(f"{live_app}/cases/{case.case().number}/letters/{letter_id}")
    button = page.locator("#print-letter")
    button.click()

    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator("article.letter")).to_contain_text("此致")
    shot(page, f"reply_letter_printed_{shipped.db.dialect.name}")
    assert problems == []


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_very_long_unbroken_name_wraps_instead_of_widening_the_pages(
        browser: Browser, live_app: str, shipped: System, size: dict) -> None:
    unbroken = "W" * 10_000
    case = CaseDriver.register(shipped, name=unbroken[:200], description=unbroken)
    page, problems = open_page(browser, **size)
    sign_in(page, live_app, "supervisor")
    width = size["viewport"]["width"]
    for address in (f"/cases/{case.case().number}", f"/tasks/{case.task_id('triage')}"):
        page.goto(live_app + address)
        expect(page.get_by_text(unbroken[:20], exact=False).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, address
    assert problems == []
