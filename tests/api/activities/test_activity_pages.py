"""The activity pages: upcoming and past activities with the year's festivals, one activity."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from api import create_app
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import add_user, sign_in
from tests.support.activities import (
    activity,
    add_sign_up,
    announced,
    archived,
    deploy_activities,
    start,
)


def staff(system: System, clock: FrozenClock, language: str = "zh") -> FlaskClient:
    add_user(system, clock, "clerk")
    client = create_app({"TESTING": True}, system=system).test_client()
    assert sign_in(client, "clerk").status_code == 302
    client.get(f"/lang/{language}")
    return client


def text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_list_shows_upcoming_and_past_and_the_year_s_festivals_in_chinese(
        system: System, clock: FrozenClock) -> None:
    office = deploy_activities(system, clock)
    held = activity(office, archived(office, clock))
    coming = activity(office, start(office, festival="chung_yeung"))
    clock.set(datetime(2026, 9, 26, 2, 0, tzinfo=UTC))
    client = staff(office, clock)

    page = text(client, "/activities")

    upcoming, past = page.split("即將舉行")[1].split("過往活動")
    assert f"/activities/{coming.id}" in upcoming and "策劃中" in upcoming and "重陽" in upcoming
    assert f"/activities/{held.id}" in past and "中秋燈會" in past and "已歸檔" in past
    assert "2026 年的節日" in page
    assert "中秋" in page and "2026-09-25" in page and "2026-08-26 09:00" in page


def test_the_list_reads_in_english_with_the_festivals_english_names(
        system: System, clock: FrozenClock) -> None:
    office = deploy_activities(system, clock)
    client = staff(office, clock, "en")

    page = text(client, "/activities")

    assert "Mid-Autumn Festival" in page and "Chung Yeung Festival" in page
    assert "No activity is planned yet." in page


def test_an_archived_activity_shows_plan_budget_sign_ups_attendance_and_write_up(
        system: System, clock: FrozenClock) -> None:
    office = deploy_activities(system, clock)
    row = activity(office, archived(office, clock))
    client = staff(office, clock)

    page = text(client, f"/activities/{row.id}")

    for shown in ("中秋燈會", "會所平台", "猜燈謎、提燈籠、分月餅", "所有住戶", "燈籠", "800.00",
                  "2000.50", "1850.40", "A-1203", "陳大文", "37", "燈謎很受小朋友歡迎",
                  "月餅不夠，下次按報名人數加兩成", "2026-09-25 19:00"):
        assert shown in page, shown
    assert "boss" in page  # who approved it


def test_an_announced_activity_counts_its_places(system: System, clock: FrozenClock) -> None:
    office = deploy_activities(system, clock)
    row = activity(office, announced(office, capacity=8))
    add_sign_up(office, row.id, "B-0801", 3, taken_by="clerk")
    client = staff(office, clock, "en")

    page = text(client, f"/activities/{row.id}")

    assert "3 people signed up, 5 places left." in page
    assert "Not written up yet." in page and "Not held yet." in page


def test_an_unknown_activity_is_a_404_and_the_pages_need_a_sign_in(
        system: System, clock: FrozenClock) -> None:
    office = deploy_activities(system, clock)
    client = staff(office, clock)
    assert client.get("/activities/999").status_code == 404
    assert client.get("/activities/99999999999999999999").status_code == 404

    anonymous = create_app({"TESTING": True}, system=office).test_client()
    assert anonymous.get("/activities").status_code == 302
