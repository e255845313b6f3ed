"""An owner raises a case from a phone in Chinese, with a photo, and prints the receipt."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from engine.attachments.models import Attachment
from engine.cases.models import Case
from engine.common.clock import FrozenClock
from engine.directory.demo import ESTATE_NAME
from engine.system import System
from tests.support.attachments import photo
from tests.support.browser import PHONE, open_page, shot


def test_an_owner_raises_a_case_with_a_photo_from_a_phone(browser: Browser, live_app: str,
                                                          shipped: System) -> None:
    page, problems = open_page(browser, locale="zh-TW", expected=("422",), **PHONE)
    page.goto(live_app + "/")
    form = page.locator("form.raise-form")
    form.get_by_label("類別").select_option("facilities")
    form.get_by_label("屋苑").select_option(label=ESTATE_NAME)
    form.get_by_label("單位").fill("a101")
    form.get_by_label("發生了甚麼事").fill("漏水")
    form.get_by_label("您的姓名").fill("陳大文")
    form.get_by_role("textbox", name="電話").fill("138 1234 5678")
    form.locator("input[name=photos]").set_input_files(
        [{"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    clock = shipped.rt.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(seconds=40))  # a person takes a while to write
    form.get_by_role("button", name="送出").click()

    # Too short: the message in Chinese, next to the field, with everything typed kept.
    expect(page.get_by_text("請以最少 10 個字描述事項")).to_be_visible()
    expect(form.get_by_label("單位")).to_have_value("a101")
    shot(page, "owner-intake-form-refused")
    form.get_by_label("發生了甚麼事").fill("浴室天花板滲水已經三天，請派人檢查。")
    form.locator("input[name=photos]").set_input_files(
        [{"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    clock.advance(timedelta(seconds=40))
    form.get_by_role("button", name="送出").click()

    expect(page.get_by_role("heading", name="我們已收到您的個案")).to_be_visible()
    with shipped.sessions() as session:
        case = session.scalars(select(Case)).one()
        assert case.channel == "web" and case.unit is not None and case.unit.label == "A-101"
        assert session.scalars(select(Attachment.case_id)).one() == case.id
    expect(page.get_by_text(case.tracking_code)).to_be_visible()
    expect(page.get_by_text("已收到的相片：leak.jpg")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="列印收據")).to_be_hidden()
    shot(page, "owner-intake-receipt-print")
    assert problems == []
