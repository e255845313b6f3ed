"""An owner votes from a phone: open the ballot link, choose on every matter, send it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from engine.meetings.ballots import issue_ballot_tokens
from engine.meetings.models import MeetingBallot
from engine.system import System
from tests.support.browser import PHONE, open_page, served, shot
from tests.support.meetings import noticed_meeting, owners_estate, unit_ids


@pytest.fixture
def office(shipped: System) -> Iterator[str]:
    with served(shipped) as base:
        yield base


@pytest.mark.parametrize(("lang", "words"), [
    ("en", {"agree": "Agree", "abstain": "Abstain", "send": "Send my ballot",
            "thanks": "Thank you for voting"}),
    ("zh", {"agree": "同意", "abstain": "棄權", "send": "遞交我的選票",
            "thanks": "感謝您參與表決"}),
])
def test_an_owner_votes_on_every_matter_from_a_phone(browser: Browser, shipped: System,
                                                     office: str, lang: str,
                                                     words: dict[str, str]) -> None:
    estate = owners_estate(shipped)
    meeting = noticed_meeting(shipped, estate)
    unit = unit_ids(shipped, estate)[0]
    with shipped.sessions() as session:
        token = issue_ballot_tokens(session, shipped.rt, meeting_id=meeting.meeting_id(),
                                    unit_ids=[unit])[unit]
        session.commit()
    page, problems = open_page(browser, locale="zh-TW" if lang == "zh" else "en-GB", **PHONE)

    page.goto(f"{office}/ballot/{token}")
    matters = page.locator("fieldset.ballot-matter")
    expect(matters).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    choice = matters.nth(0).get_by_text(words["agree"], exact=True)
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    choice.click()
    matters.nth(1).get_by_text(words["abstain"], exact=True).click()
    expect(matters.nth(0).locator("input[value=agree]")).to_be_checked()
    shot(page, f"ballot-page-{lang}")
    page.get_by_role("button", name=words["send"]).click()

    expect(page.get_by_role("heading", name=words["thanks"])).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"ballot-thanks-{lang}")
    with shipped.sessions() as session:
        cast = session.execute(select(MeetingBallot.unit_id, MeetingBallot.vote)
                               .order_by(MeetingBallot.matter_id)).all()
    assert [tuple(row) for row in cast] == [(unit, "agree"), (unit, "abstain")]
    assert problems == []
