"""Every path of a routine repair: its work order, its due time and its escalation (P2)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.cases.models import CaseRecord, WorkOrder
from engine.system import System
from tests.support.cases import CaseDriver

LIFT = {"location": "Block A lift lobby", "description": "The lift button is broken",
        "urgency": "urgent"}
LEAK = {"location": "Block B roof", "description": "Water comes through the ceiling",
        "urgency": "normal"}


def work_orders(system: System) -> list[WorkOrder]:
    with system.sessions() as session:
        return list(session.scalars(select(WorkOrder).order_by(WorkOrder.id)))


def test_a_repair_dispatches_its_work_order_and_closes_it_when_repaired(shipped: System) -> None:
    repair = CaseDriver.repair(shipped)
    repair.do("describe_repair", LIFT)
    [order] = work_orders(shipped)
    assert (order.department, order.status, order.case_id) == (
        "equipment_operations", "open", None)
    assert order.description == "Block A lift lobby: The lift button is broken"
    assert repair.open()["carry_out_repair"].role == "equipment_operations"
    repair.do("carry_out_repair", {"result": "repaired", "method": "Replaced the button"},
              actor="engineer")
    [order] = work_orders(shipped)
    assert (order.status, order.result, order.method, order.handled_by) == (
        "done", "repaired", "Replaced the button", "engineer")
    assert repair.status() == "completed"
    with shipped.sessions() as session:  # no case, so nothing is written on one
        assert session.scalars(select(CaseRecord)).all() == []


def test_a_repair_is_due_by_its_urgency_and_flagged_when_overdue(shipped: System) -> None:
    urgent, normal = CaseDriver.repair(shipped), CaseDriver.repair(shipped)
    urgent.do("describe_repair", LIFT)
    normal.do("describe_repair", LEAK)
    for repair, hours in ((urgent, 4), (normal, 72)):
        task = repair.open()["carry_out_repair"]
        assert task.due_at == task.created_at + timedelta(hours=hours)
    urgent.wait(timedelta(hours=4, seconds=1))
    assert urgent.open()["carry_out_repair"].overdue_since == shipped.rt.clock.now()
    assert normal.open()["carry_out_repair"].overdue_since is None


def test_a_repair_that_cannot_be_done_is_escalated_and_decided(shipped: System) -> None:
    repair = CaseDriver.repair(shipped)
    repair.do("describe_repair", LEAK)
    number = work_orders(shipped)[0].number
    repair.do("carry_out_repair", {"result": "cannot_repair",
                                   "method": "The roof membrane needs a contractor"})
    assert set(repair.open()) == {"supervisor_review"}
    assert work_orders(shipped)[0].status == "done"
    data = repair.task_data("supervisor_review")
    assert data["escalation_reason"] == (f"Equipment Operations could not carry out work order "
                                         f"{number} (Block B roof): The roof membrane needs a "
                                         "contractor")
    review = repair.open()["supervisor_review"]
    assert review.due_at == review.created_at + timedelta(hours=4)  # facilities, normal
    repair.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    decide = repair.open()["superior_decide"]
    assert decide.due_at == decide.created_at + timedelta(hours=48)
    repair.do("superior_decide", {"superior_decision": "instruct",
                                  "superior_instruction": "Hire the roofing contractor"},
              actor="manager")
    assert repair.status() == "completed"
    assert (repair.data()["escalation_outcome"], repair.data()["escalation_instruction"]) == (
        "decided", "Hire the roofing contractor")


def test_a_supervisor_who_does_not_act_on_an_urgent_repair_is_escalated_past(
        shipped: System) -> None:
    repair = CaseDriver.repair(shipped)
    repair.do("describe_repair", LIFT)
    repair.do("carry_out_repair", {"result": "cannot_repair", "method": "The motor burnt out"})
    assert repair.wait(timedelta(hours=2, seconds=1)) == 1  # facilities, urgent: 2 h
    assert set(repair.open()) == {"superior_decide"}
    assert repair.task_data("superior_decide")["escalated_past"] is True
