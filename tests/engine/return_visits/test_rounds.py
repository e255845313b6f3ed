"""A month's round on the shipped diagrams: sample, visits, coverage, shortfall, reopening."""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy import select

from engine.cases.models import Case, WorkOrder
from engine.common.clock import FrozenClock
from engine.common.errors import FormInvalid
from engine.return_visits.models import ReturnVisit, ReturnVisitRound
from engine.return_visits.orders import Month
from engine.return_visits.rounds import RoundOpen, start_round
from engine.system import System
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.tasks.complete import complete_task
from engine.workflow.timers.schedules import fire_due_schedules
from tests.engine.return_visits.conftest import NOVEMBER, AddOrders

AT = "2026-12-02T10:00:00+08:00"


def _open(system: System, month: Month = NOVEMBER) -> ReturnVisitRound:
    with system.sessions() as session:
        row = start_round(session, system.rt, month=month, actor="supervisor")
        session.commit()
        return row


def _visits(system: System, round_id: int) -> list[ReturnVisit]:
    with system.sessions() as session:
        return list(session.scalars(select(ReturnVisit).where(ReturnVisit.round_id == round_id)
                                    .order_by(ReturnVisit.id)))


def _task(system: System, instance_id: int | None) -> HumanTask:
    with system.sessions() as session:
        task = session.scalars(select(HumanTask)
                               .where(HumanTask.instance_id == instance_id)).first()
        assert task is not None, f"instance {instance_id} has no open task"
        return task


def _complete(system: System, task: HumanTask, data: dict[str, Any],
              actor: str | None = None) -> None:
    with system.sessions() as session:
        complete_task(session, system.rt, task_id=task.id, data=data,
                      actor=actor or task.assignee or "clerk")
        session.commit()


def _reached(satisfaction: str = "satisfied", remarks: str = "") -> dict[str, Any]:
    return {"visit_method": "phone", "attempt_1_at": AT, "attempt_1_reached": True,
            "satisfaction": satisfaction, "remarks": remarks, "spoken_to": "業主"}


UNREACHABLE = {"visit_method": "phone", "attempt_1_at": "2026-12-02T10:00:00+08:00",
               "attempt_1_reached": False, "attempt_2_at": "2026-12-03T10:00:00+08:00",
               "attempt_2_reached": False, "attempt_3_at": "2026-12-04T19:00:00+08:00",
               "attempt_3_reached": False}


def test_a_round_samples_at_least_ninety_percent_every_complaint_and_never_the_handler(
        demo_office: System, add_orders: AddOrders) -> None:
    orders = add_orders(37)
    row = _open(demo_office)
    assert row.completed_orders == 37
    assert row.sampled >= math.ceil(0.9 * 37) == 34
    visits = _visits(demo_office, row.id)
    with demo_office.sessions() as session:
        complaint_orders = set(session.scalars(
            select(WorkOrder.id).join(Case, Case.id == WorkOrder.case_id)
            .where(WorkOrder.id.in_(orders), Case.type == "complaint")))
    assert complaint_orders and complaint_orders <= {v.work_order_id for v in visits}
    assert all(v.visitor and v.visitor != v.handled_by for v in visits)
    # Each visit is an instance of its own, offered to its visitor and titled by its order.
    task = _task(demo_office, visits[0].instance_id)
    assert task.process_id == "return_visit" and task.element_id == "record_visit"
    assert task.assignee == visits[0].visitor
    with demo_office.sessions() as session:
        number = session.get_one(WorkOrder, visits[0].work_order_id).number
    assert task.subject_label is not None and task.subject_label.endswith(number)


def test_opening_a_month_twice_is_refused_and_a_month_not_over_cannot_open(
        demo_office: System, add_orders: AddOrders) -> None:
    add_orders(5)
    _open(demo_office)
    with pytest.raises(RoundOpen):
        _open(demo_office)
    with pytest.raises(FormInvalid):
        _open(demo_office, Month(2026, 12))
    with demo_office.sessions() as session:
        rounds = session.scalars(select(ReturnVisitRound)).all()
    assert [r.month for r in rounds] == ["2026-11"]


def test_three_unreachable_owners_put_the_round_below_target_and_need_a_reason(
        demo_office: System, add_orders: AddOrders) -> None:
    add_orders(10, complaint_share=0.0)
    row = _open(demo_office)
    assert row.sampled == 9
    visits = _visits(demo_office, row.id)
    for visit in visits[:3]:
        _complete(demo_office, _task(demo_office, visit.instance_id), UNREACHABLE)
    for visit in visits[3:]:
        _complete(demo_office, _task(demo_office, visit.instance_id), _reached())
    # The last visit told the round; 6 of 10 visited is below 90 %: the supervisor decides.
    review = _task(demo_office, row.instance_id)
    assert review.element_id == "review_shortfall" and review.role == "supervisor"
    with demo_office.sessions() as session, pytest.raises(FormInvalid) as refused:
        complete_task(session, demo_office.rt, task_id=review.id, actor="supervisor",
                      data={"shortfall_decision": "close_below_target"})
    assert refused.value.errors[0].path == ("shortfall_reason",)
    _complete(demo_office, review, {"shortfall_decision": "close_below_target",
                                    "shortfall_reason": "三戶業主長期不在本地，多次聯絡不上。"},
              actor="supervisor")
    with demo_office.sessions() as session:
        closed = session.get_one(ReturnVisitRound, row.id)
        assert closed.state == "closed" and closed.shortfall_by == "supervisor"
        assert closed.report["visited"] == 6 and closed.report["unreachable"] == 3
        assert closed.report["coverage"] == 0.6
        assert session.get_one(ProcessInstance, row.instance_id).status == "completed"


def test_a_dissatisfied_owner_gets_the_case_reopened_and_the_department_the_job(
        demo_office: System, add_orders: AddOrders) -> None:
    add_orders(6, complaint_share=1.0)
    row = _open(demo_office)
    visit = _visits(demo_office, row.id)[0]
    _complete(demo_office, _task(demo_office, visit.instance_id),
              _reached("dissatisfied", "電梯按鈕仍然失靈"))
    with demo_office.sessions() as session:
        saved = session.get_one(ReturnVisit, visit.id)
        case = session.get_one(Case, saved.reopened_case_id)
        order = session.get_one(WorkOrder, visit.work_order_id)
        assert case.id == order.case_id and case.status == "open"
        job = session.scalars(select(HumanTask)
                              .where(HumanTask.instance_id == case.instance_id)).one()
    assert job.element_id == "handle_work_order" and job.role == order.department
    # A dissatisfied owner needs their words written down.
    other = _visits(demo_office, row.id)[1]
    with demo_office.sessions() as session, pytest.raises(FormInvalid) as refused:
        complete_task(session, demo_office.rt, task_id=_task(demo_office, other.instance_id).id,
                      data=_reached("dissatisfied"), actor=other.visitor)
    assert ("remarks",) in [e.path for e in refused.value.errors]


def test_an_owner_not_reached_yet_cannot_be_recorded_before_three_attempts(
        demo_office: System, add_orders: AddOrders) -> None:
    add_orders(2, complaint_share=0.0)
    row = _open(demo_office)
    visit = _visits(demo_office, row.id)[0]
    task = _task(demo_office, visit.instance_id)
    with demo_office.sessions() as session, pytest.raises(FormInvalid) as refused:
        complete_task(session, demo_office.rt, task_id=task.id, actor=visit.visitor,
                      data={"visit_method": "door", "attempt_1_at": AT,
                            "attempt_1_reached": False})
    assert [e.path for e in refused.value.errors] == [("attempt_2_at",)]


def test_the_schedule_opens_last_month_on_the_first_and_an_empty_month_closes_at_once(
        demo_office: System, clock: FrozenClock) -> None:
    clock.set(clock.now().replace(year=2027, month=1, day=1, hour=1))
    assert fire_due_schedules(demo_office.sessions, demo_office.rt) >= 1
    with demo_office.sessions() as session:
        row = session.scalars(select(ReturnVisitRound)).one()
        assert row.month == "2026-12" and row.completed_orders == 0
        assert row.state == "closed" and row.report["coverage"] is None
        assert session.get_one(ProcessInstance, row.instance_id).status == "completed"


def test_the_handler_of_an_order_never_records_its_visit(demo_office: System,
                                                          add_orders: AddOrders) -> None:
    add_orders(2, complaint_share=0.0)
    row = _open(demo_office)
    visit = _visits(demo_office, row.id)[0]
    assert visit.handled_by is not None
    with demo_office.sessions() as session, pytest.raises(FormInvalid) as refused:
        complete_task(session, demo_office.rt, actor=visit.handled_by,
                      task_id=_task(demo_office, visit.instance_id).id, data=_reached())
    assert refused.value.errors[0].code == "return_visits.own_order"
    assert _visits(demo_office, row.id)[0].state == "open"


def test_the_deadline_day_is_the_rounds_setting(demo_office: System,
                                                add_orders: AddOrders) -> None:
    add_orders(1)
    with demo_office.sessions() as session:
        row = start_round(session, demo_office.rt, month=NOVEMBER, actor="supervisor",
                          deadline_day=10)
        session.commit()
    # 18:00 office time on 10 December.
    assert row.deadline.isoformat() == "2026-12-10T10:00:00+00:00"
