"""The owner's ballot page: a one-time link votes once, politely refused after, in zh or en."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engine.directory.models import Estate
from engine.meetings.ballots import issue_ballot_tokens
from engine.meetings.models import MeetingBallot
from engine.system import System
from tests.api.conftest import csrf_token, text
from tests.support.meetings import (
    LEVY,
    REPORT,
    ProcessDriver,
    noticed_meeting,
    owners_estate,
    unit_ids,
    vote_on_paper,
)


@pytest.fixture
def estate(shipped: System) -> Estate:
    return owners_estate(shipped)


@pytest.fixture
def meeting(shipped: System, estate: Estate) -> ProcessDriver:
    return noticed_meeting(shipped, estate)


@pytest.fixture
def links(shipped: System, meeting: ProcessDriver) -> dict[int, str]:
    """Unit id -> the path of its ballot link."""
    with shipped.sessions() as session:
        tokens = issue_ballot_tokens(session, shipped.rt, meeting_id=meeting.meeting_id())
        session.commit()
    return {unit: f"/ballot/{token}" for unit, token in tokens.items()}


def matters(meeting: ProcessDriver) -> list[int]:
    return [m.id for m in meeting.meeting().agenda]


def cast(client: FlaskClient, path: str, votes: dict[int, str]) -> TestResponse:
    data = {"csrf_token": csrf_token(client, path), **{f"vote-{m}": v for m, v in votes.items()}}
    return client.post(path, data=data)


def ballots(system: System) -> list[tuple[int, str, str]]:
    with system.sessions() as session:
        return [(unit, vote, channel) for unit, vote, channel in session.execute(
            select(MeetingBallot.unit_id, MeetingBallot.vote, MeetingBallot.channel)
            .order_by(MeetingBallot.matter_id))]


@pytest.mark.parametrize(("accept", "words"), [
    ("en", ("Annual general meeting", "Agree", "Disagree", "Abstain", "Send my ballot",
            "88.50 m²", "Thank you for voting")),
    ("zh-TW", ("業主大會定期會議", "同意", "不同意", "棄權", "遞交我的選票", "88.50 平方米",
               "感謝您參與表決")),
])
def test_an_owner_votes_once_through_the_link(client: FlaskClient, shipped: System,
                                              estate: Estate, meeting: ProcessDriver,
                                              links: dict[int, str], accept: str,
                                              words: tuple[str, ...]) -> None:
    unit = unit_ids(shipped, estate)[0]
    headers = {"Accept-Language": accept}

    shown = client.get(links[unit], headers=headers)

    page = text(shown)
    assert shown.status_code == 200
    for word in words[:-1]:
        assert word in page
    assert "A-101" in page and "Annual general meeting, estate hall." in page
    assert REPORT.replace("'", "&#39;") in page and LEVY in page
    assert page.count('type="radio"') == 2 * 3  # no "spoiled" online

    first, second = matters(meeting)
    done = client.post(links[unit], headers=headers,
                       data={"csrf_token": csrf_token(client, links[unit]),
                             f"vote-{first}": "agree", f"vote-{second}": "abstain"})
    assert done.status_code == 200 and words[-1] in text(done)
    assert ballots(shipped) == [(unit, "agree", "online"), (unit, "abstain", "online")]

    again = client.get(links[unit], headers=headers)
    assert again.status_code == 409
    assert "cannot vote" in text(again) or "不能投票" in text(again)
    repeat = client.post(links[unit], data={"csrf_token": csrf_token(client, "/login"),
                                            f"vote-{first}": "disagree",
                                            f"vote-{second}": "disagree"})
    assert repeat.status_code == 409 and "has been used already" in text(repeat)
    assert len(ballots(shipped)) == 2


def test_a_missing_choice_re_renders_with_the_choices_kept(
        client: FlaskClient, shipped: System, estate: Estate, meeting: ProcessDriver,
        links: dict[int, str]) -> None:
    unit = unit_ids(shipped, estate)[1]
    first, second = matters(meeting)

    refused = cast(client, links[unit], {first: "disagree", second: "spoiled"})

    page = text(refused)
    assert refused.status_code == 422
    assert 'value="disagree" checked' in page
    assert page.count("Choose a vote on this matter.") == 1
    assert f'id="missing-{second}"' in page
    assert ballots(shipped) == []
    assert client.get(links[unit]).status_code == 200  # the link is not spent


def test_an_unknown_link_is_404_and_a_post_without_csrf_is_refused(
        client: FlaskClient, shipped: System, estate: Estate, meeting: ProcessDriver,
        links: dict[int, str]) -> None:
    unknown = client.get("/ballot/not-a-real-link")
    assert unknown.status_code == 404 and "This ballot link is not known" in text(unknown)

    unit = unit_ids(shipped, estate)[2]
    first, second = matters(meeting)
    forged = client.post(links[unit], data={f"vote-{first}": "agree", f"vote-{second}": "agree"})
    assert forged.status_code == 400 and "This form has expired" in text(forged)
    assert ballots(shipped) == []


def test_an_owner_who_voted_on_paper_is_told_politely(
        client: FlaskClient, shipped: System, estate: Estate, meeting: ProcessDriver,
        links: dict[int, str]) -> None:
    unit = unit_ids(shipped, estate)[3]
    vote_on_paper(shipped, meeting.meeting_id(), [unit], "agree")

    refused = cast(client, links[unit], dict.fromkeys(matters(meeting), "disagree"))

    assert refused.status_code == 409
    assert "You have voted at this meeting already" in text(refused)
    with shipped.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MeetingBallot)) == 2


def test_the_link_closes_when_the_meeting_begins(app: Flask, shipped: System, estate: Estate,
                                                 meeting: ProcessDriver,
                                                 links: dict[int, str]) -> None:
    meeting.wait(timedelta(days=15))
    page = app.test_client().get(links[unit_ids(shipped, estate)[4]],
                                 headers={"Accept-Language": "zh-TW"})
    assert page.status_code == 409
    assert "已經截止" in text(page)
