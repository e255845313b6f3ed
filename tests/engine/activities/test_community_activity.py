"""processes/community_activity.bpmn from plan to archive, on a frozen clock."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from engine.activities.models import ActivitySignUp, CommunityActivity
from engine.activities.sign_ups import ActivityFull, SignUpsClosed, UnitSignedUp, sign_up
from engine.common.clock import FrozenClock
from engine.common.errors import FormInvalid
from engine.system import System
from engine.workflow.models import ProcessInstance
from tests.support.activities import (
    PLAN,
    activity,
    add_sign_up,
    announced,
    archived,
    complete,
    deploy_activities,
    open_task,
    start,
)


@pytest.fixture
def office(system: System, clock: FrozenClock) -> System:
    return deploy_activities(system, clock)


def test_a_returned_plan_comes_back_with_the_note_and_is_approved_when_changed(
        office: System) -> None:
    instance_id = start(office)
    assert activity(office, instance_id).state == "planning"

    complete(office, instance_id, "plan_activity", PLAN)
    assert activity(office, instance_id).state == "submitted"
    with pytest.raises(FormInvalid) as refused:
        complete(office, instance_id, "review_plan", {"decision": "return"}, actor="boss")
    assert refused.value.errors[0].code == "activities.note_needed"
    complete(office, instance_id, "review_plan",
             {"decision": "return", "review_note": "預算太高，月餅減半"}, actor="boss")

    returned = activity(office, instance_id)
    assert returned.state == "returned" and returned.return_note == "預算太高，月餅減半"
    replan = open_task(office, instance_id)
    assert replan.element_id == "plan_activity"
    complete(office, instance_id, "plan_activity", {**PLAN, "budget_2_amount": 600})
    complete(office, instance_id, "review_plan", {"decision": "approve"}, actor="boss")

    approved = activity(office, instance_id)
    assert approved.state == "approved" and approved.approved_by == "boss"
    assert approved.budget == [{"item": "燈籠", "amount": "800.00"},
                               {"item": "月餅", "amount": "600.00"}]
    assert approved.budget_total == Decimal("1400.00")
    assert approved.festival == "mid_autumn"
    assert approved.starts_at == datetime(2026, 9, 25, 11, 0, tzinfo=UTC)
    assert open_task(office, instance_id).element_id == "announce"


def test_sign_ups_stop_at_capacity_and_at_one_per_unit(office: System) -> None:
    row = activity(office, announced(office, capacity=5))
    assert row.state == "announced"
    assert row.sign_ups_close_at == datetime(2026, 9, 20, 10, 0, tzinfo=UTC)

    add_sign_up(office, row.id, "A-1203", 3)
    with pytest.raises(UnitSignedUp) as twice:
        add_sign_up(office, row.id, " a-1203 ", 1, taken_by="clerk")
    assert twice.value.message_code == "activities.unit_signed_up"
    assert twice.value.params["unit"] == "A-1203"
    add_sign_up(office, row.id, "B-0801", 2, taken_by="clerk")  # by phone: the last places
    with pytest.raises(ActivityFull) as full:
        add_sign_up(office, row.id, "C-0502", 1)

    assert full.value.message_code == "activities.full"
    assert full.value.params == {"title": "中秋燈會", "left": 0, "people": 1}
    with office.sessions() as session:
        rows = session.scalars(select(ActivitySignUp).order_by(ActivitySignUp.id)).all()
        assert [(r.unit, r.people, r.taken_by) for r in rows] == [("A-1203", 3, None),
                                                                   ("B-0801", 2, "clerk")]


def test_sign_ups_close_at_the_set_time_and_wait_for_the_announcement(
        office: System, clock: FrozenClock) -> None:
    early = start(office)
    complete(office, early, "plan_activity", PLAN)
    with pytest.raises(SignUpsClosed):
        add_sign_up(office, activity(office, early).id, "A-1203", 1)
    row = activity(office, announced(office))

    clock.set(datetime(2026, 9, 20, 10, 0, tzinfo=UTC))

    with pytest.raises(SignUpsClosed) as closed:
        add_sign_up(office, row.id, "A-1203", 1)
    assert closed.value.message_code == "activities.sign_ups_closed"


@pytest.mark.parametrize(("field", "values"), [
    ("people", {"people": 0}), ("people", {"people": 21}), ("phone", {"phone": "call me"}),
    ("unit", {"unit": "  "}), ("name", {"name": ""})])
def test_a_sign_up_with_a_bad_field_is_refused_by_field(office: System, field: str,
                                                        values: dict[str, Any]) -> None:
    row = activity(office, announced(office))
    given = {"name": "陳大文", "unit": "A-1203", "phone": "13800138000", "people": 2, **values}
    with office.sessions() as session, pytest.raises(FormInvalid) as refused:
        sign_up(session, office.rt, activity_id=row.id, taken_by=None, **given)

    assert [error.field for error in refused.value.errors] == [field]


def test_the_archive_holds_attendance_spending_and_the_write_up(office: System,
                                                                clock: FrozenClock) -> None:
    instance_id = archived(office, clock)

    row = activity(office, instance_id)
    assert (row.attendance, row.actual_spending) == (37, Decimal("1850.40"))
    assert row.state == "archived"
    assert row.went_well == "燈謎很受小朋友歡迎"
    assert row.to_change == "月餅不夠，下次按報名人數加兩成"
    assert row.written_by == "clerk"
    assert row.archived_at == datetime(2026, 9, 26, 1, 0, tzinfo=UTC)
    with office.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None and instance.status == "completed"


def test_sign_ups_cannot_close_after_the_activity_starts(office: System) -> None:
    instance_id = start(office)
    complete(office, instance_id, "plan_activity", PLAN)
    complete(office, instance_id, "review_plan", {"decision": "approve"}, actor="boss")

    with pytest.raises(FormInvalid) as refused:
        complete(office, instance_id, "announce",
                 {"sign_ups_close_at": "2026-09-25T20:00:00+08:00"})
    assert refused.value.errors[0].code == "activities.close_after_start"


def test_an_activity_for_no_festival_is_planned_the_same_way(office: System) -> None:
    instance_id = start(office, festival="none")
    complete(office, instance_id, "plan_activity",
             {**PLAN, "festival": "none", "title": "消防安全講座", "target_group": "elderly"})

    row = activity(office, instance_id)
    assert (row.festival, row.target_group, row.state) == (None, "elderly", "submitted")


# 09:00 office time on 16 August 2027: 30 days before 中秋 (15 September 2027).
MID_AUTUMN_LEAD = datetime(2027, 8, 16, 1, 0, tzinfo=UTC)


def scheduled(system: System) -> list[tuple[str | None, int | None, str]]:
    with system.sessions() as session:
        return [(row.festival, row.festival_year, row.state) for row in session.scalars(
            select(CommunityActivity).order_by(CommunityActivity.id))]


def test_the_schedule_starts_mid_autumn_its_lead_time_before_and_only_once(
        office: System, clock: FrozenClock) -> None:
    worker = office.worker()
    clock.set(MID_AUTUMN_LEAD - timedelta(seconds=1))
    worker.run_once()
    assert scheduled(office) == []  # 端午 (9 June) has passed; 中秋's lead time not begun

    clock.set(MID_AUTUMN_LEAD)
    assert worker.run_once() == 1
    clock.advance(timedelta(days=1))
    worker.run_once()

    assert scheduled(office) == [("mid_autumn", 2027, "planning")]
    with office.sessions() as session:
        row = session.scalars(select(CommunityActivity)).one()
        instance = session.get(ProcessInstance, row.instance_id)
        assert instance is not None and instance.business_key == "mid_autumn@2027"
    task = open_task(office, row.instance_id)
    assert task.element_id == "plan_activity"


def test_the_schedule_renews_itself_for_next_year_s_spring_festival(
        office: System, clock: FrozenClock) -> None:
    # 春節 2028 is on 26 January: its activity starts on 27 December 2027, 09:00.
    clock.set(datetime(2027, 12, 27, 1, 0, tzinfo=UTC))

    office.worker().run_once()

    assert scheduled(office) == [("spring_festival", 2028, "planning")]


def test_a_festival_missed_while_no_worker_ran_is_not_started_after_it(
        office: System, clock: FrozenClock) -> None:
    clock.set(datetime(2027, 9, 16, 1, 0, tzinfo=UTC))  # the day after 中秋

    office.worker().run_once()

    # 重陽 (8 October) is within its lead time, 中秋 is past: only 重陽 starts.
    assert scheduled(office) == [("chung_yeung", 2027, "planning")]


def test_the_office_s_choice_and_lead_time_drive_the_schedule(
        office: System, clock: FrozenClock) -> None:
    settings = dataclasses.replace(office.settings, festivals=("winter_solstice",),
                                   festival_lead_days=10)
    worker = dataclasses.replace(office, settings=settings).worker()
    clock.set(datetime(2027, 12, 12, 0, 59, tzinfo=UTC))  # 冬至 is on 22 December 2027
    worker.run_once()
    assert scheduled(office) == []

    clock.set(datetime(2027, 12, 12, 1, 0, tzinfo=UTC))
    worker.run_once()

    assert scheduled(office) == [("winter_solstice", 2027, "planning")]
