"""Community activities driven through their process, for the engine and page tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from engine.activities.models import ActivitySignUp, CommunityActivity
from engine.activities.sign_ups import sign_up
from engine.common.clock import FrozenClock
from engine.common.settings import PROJECT_ROOT
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from engine.workflow.tasks.complete import complete_task

# A morning in August; the Mid-Autumn activity is on 25 September 2026 at 19:00 office time.
AUGUST = datetime(2026, 8, 20, 2, 0, tzinfo=UTC)
PLAN = {"title": "中秋燈會", "festival": "mid_autumn", "starts_at": "2026-09-25T19:00:00+08:00",
        "place": "會所平台", "content": "猜燈謎、提燈籠、分月餅", "target_group": "everyone",
        "capacity": 10, "budget_1_item": "燈籠", "budget_1_amount": 800,
        "budget_2_item": "月餅", "budget_2_amount": 1200.5}


def deploy_activities(system: System, clock: FrozenClock) -> System:
    """The community-activity process deployed, on a morning in August 2026."""
    clock.set(AUGUST)
    with system.sessions() as session:
        deploy(session, system.rt, Bundle.from_paths(
            [PROJECT_ROOT / "processes" / "community_activity.bpmn"]), actor="tests")
        session.commit()
    return system


def start(system: System, festival: str = "mid_autumn") -> int:
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id="community_activity",
                                  actor="clerk", start_event="started_by_hand",
                                  data={"festival": festival})
        session.commit()
        return instance.id


def open_task(system: System, instance_id: int) -> HumanTask:
    with system.sessions() as session:
        task = session.scalars(select(HumanTask)
                               .where(HumanTask.instance_id == instance_id)).first()
        assert task is not None, f"instance {instance_id} has no open task"
        return task


def complete(system: System, instance_id: int, element: str, data: dict[str, Any],
             actor: str = "clerk") -> None:
    task = open_task(system, instance_id)
    assert task.element_id == element
    with system.sessions() as session:
        complete_task(session, system.rt, task_id=task.id, data=data, actor=actor)
        session.commit()


def activity(system: System, instance_id: int) -> CommunityActivity:
    with system.sessions() as session:
        row = session.scalars(select(CommunityActivity)
                              .where(CommunityActivity.instance_id == instance_id)).one()
        session.expunge(row)
        return row


def announced(system: System, capacity: int = 10) -> int:
    """An approved activity announced, sign-ups open until 20 September 18:00."""
    instance_id = start(system)
    complete(system, instance_id, "plan_activity", {**PLAN, "capacity": capacity})
    complete(system, instance_id, "review_plan", {"decision": "approve"}, actor="boss")
    complete(system, instance_id, "announce",
             {"sign_ups_close_at": "2026-09-20T18:00:00+08:00"})
    return instance_id


def add_sign_up(system: System, activity_id: int, unit: str, people: int,
                taken_by: str | None = None) -> ActivitySignUp:
    with system.sessions() as session:
        row = sign_up(session, system.rt, activity_id=activity_id, name="陳大文", unit=unit,
                      phone="13800138000", people=people, taken_by=taken_by)
        session.commit()
        return row


def archived(system: System, clock: FrozenClock) -> int:
    """An activity held on 25 September 2026 and written up the next morning."""
    instance_id = announced(system)
    add_sign_up(system, activity(system, instance_id).id, "A-1203", 4)
    clock.set(datetime(2026, 9, 26, 1, 0, tzinfo=UTC))
    complete(system, instance_id, "hold", {"attendance": 37, "actual_spending": 1850.4})
    complete(system, instance_id, "write_up", {"went_well": "燈謎很受小朋友歡迎",
                                               "to_change": "月餅不夠，下次按報名人數加兩成"})
    return instance_id
