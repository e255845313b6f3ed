"""The engine's refusals on the committee and meeting pages, read in Chinese: no English, no UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.common.clock import FrozenClock
from engine.common.errors import Conflict
from engine.directory.models import Estate
from engine.system import System
from tests.api.conftest import add_user, csrf_token, sign_in, text
from tests.support.case_pages import untranslated
from tests.support.inbox_pages import post
from tests.support.meetings import (
    CANDIDATES,
    GROUP,
    noticed_meeting,
    owners_estate,
    start_formation,
    unit_ids,
)


@pytest.fixture
def estate(shipped: System) -> Estate:
    return owners_estate(shipped)


@pytest.fixture
def reader(app: Flask, system: System, clock: FrozenClock) -> FlaskClient:
    """A supervisor who reads Chinese, signed in."""
    add_user(system, clock, "boss", roles=("supervisor", "customer_service"))
    client = app.test_client()
    sign_in(client, "boss")
    client.get("/lang/zh")
    return client


def test_an_even_preparatory_group_is_refused_in_chinese(shipped: System, estate: Estate,
                                                         reader: FlaskClient) -> None:
    formation = start_formation(shipped, estate)
    task = formation.task_id("form_preparatory_group")

    refused = post(reader, f"/tasks/{task}", {"action": "complete",
                                              "owner_members": "A-101\nA-102",
                                              "other_members": ""})

    assert refused.status_code == 422
    error = re.search(r'id="field-owner_members-error">(.*?)</div>', text(refused), re.S)
    assert error is not None
    words = re.sub(r"<[^>]+>", "", error.group(1)).strip()
    assert words == "錯誤： 籌備組的成員人數須為單數；現有 2 人。"
    assert not re.search(r"[A-Za-z]", words)
    assert set(formation.open()) == {"form_preparatory_group"}


def field_error(page: str, field: str) -> str:
    """The words of a field's error message, tags removed."""
    error = re.search(rf'id="field-{field}-error">(.*?)</div>', page, re.S)
    assert error is not None, f"no error on {field}"
    return re.sub(r"<[^>]+>", "", error.group(1)).strip()


def test_a_notice_too_late_names_office_times_in_chinese(shipped: System, estate: Estate,
                                                         clock: FrozenClock,
                                                         reader: FlaskClient) -> None:
    clock.set(datetime(2026, 12, 9, 6, 15, tzinfo=UTC))  # 14:15 at the office
    formation = start_formation(shipped, estate)
    formation.do("form_preparatory_group", GROUP)
    formation.do("announce_candidates", CANDIDATES)
    task = formation.task_id("send_meeting_notice")

    refused = post(reader, f"/tasks/{task}", {"action": "complete",
                                              "meeting_at": "2026-12-19 14:15",
                                              "notice_text": "First general meeting, estate hall.",
                                              "residents_committee_notified": "true"})

    assert refused.status_code == 422
    assert field_error(text(refused), "meeting_at") == (
        "錯誤： 會議通知須在開會前至少 15 日送達業主：通知時間為 2026-12-09 14:15，"
        "因此會議最早可於 2026-12-24 14:15 舉行。")
    assert "UTC" not in text(refused)


def test_a_second_ballot_of_one_owner_is_refused_in_chinese(shipped: System, estate: Estate,
                                                            reader: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    matters = [m.id for m in meeting.meeting().agenda]
    unit = unit_ids(shipped, estate)[2]
    path = f"/meetings/{meeting.meeting_id()}/paper-ballot"
    votes = {f"vote-{matters[0]}": "agree", f"vote-{matters[1]}": "agree"}
    first = reader.post(path, data={"csrf_token": csrf_token(reader, path), "unit_id": unit,
                                    **votes})
    assert first.status_code == 303

    again = reader.post(path, data={"csrf_token": csrf_token(reader, path), "unit_id": unit,
                                    **votes})

    assert again.status_code == 409
    page = text(again)
    assert ("未記錄： A-103 的業主已在本次會議以書面選票經 A-103 投票；"
            "同一業主的所有單位只投票一次。") in " ".join(page.split())
    assert "has voted" not in page and "UTC" not in page and untranslated(page) == []


def test_a_step_refused_while_completing_a_task_says_why_in_chinese(
        shipped: System, estate: Estate, reader: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    formation = start_formation(shipped, estate)
    task = formation.task_id("form_preparatory_group")

    def refused(*_: object, **__: object) -> None:  # as if another clerk announced them first
        raise Conflict("the candidates of this committee were announced already",
                       message_code="meetings.candidates_announced")

    monkeypatch.setattr("api.workflow.pages.tasks.complete_task", refused)
    page = post(reader, f"/tasks/{task}", {"action": "complete", **GROUP})

    assert page.status_code == 409
    assert "此業主委員會的候選人已經公佈。" in text(page)
    assert "announced already" not in text(page) and "A-102 陳大文" in text(page)
