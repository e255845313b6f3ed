"""A month of completed work orders, as an office that has run for a while has them.

``liaison demo`` gives last month this history so a new office can open this
month's round at once; the tests draw months of any size from it. Everything
comes from the given ``random.Random``, so a seed gives the same month.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case, WorkOrder
from engine.common.numbering import next_number, tracking_code
from engine.directory.models import Building, Department, Estate, Unit, User
from engine.return_visits.orders import Month

__all__ = ["JOBS", "add_month_of_orders"]

# (department, category of a complaint about it, what was reported, what was done)
JOBS: tuple[tuple[str, str, str, str], ...] = (
    ("equipment_operations", "facilities", "電梯按鈕失靈", "更換電梯按鈕面板並測試"),
    ("equipment_operations", "facilities", "走廊燈不亮", "更換走廊燈管"),
    ("equipment_operations", "utility_outage", "單位停水", "修復供水閥門"),
    ("cleaning", "hygiene", "樓梯間有垃圾", "清理樓梯間並加派巡查"),
    ("cleaning", "landscaping", "花園雜草叢生", "修剪草坪及清除雜草"),
    ("security", "parking", "車位被佔用", "聯絡車主移走車輛"),
    ("security", "security", "單元門禁損壞", "修復門禁並加強巡邏"),
    ("service_centre", "other", "信箱鑰匙遺失", "配發新信箱鑰匙"),
    ("finance", "fees", "管理費單據有誤", "更正單據並致電說明"),
)


def add_month_of_orders(session: Session, *, month: Month, zone: tzinfo, orders: int,
                        complaint_share: float, rng: random.Random,
                        estate: Estate | None = None) -> list[WorkOrder]:
    """Add ``orders`` work orders completed in ``month``; about ``complaint_share`` from
    closed complaint cases of the estate's units, the rest routine jobs with no case."""
    estate = estate or session.scalars(select(Estate).order_by(Estate.id)).first()
    units = list(session.scalars(select(Unit).join(Unit.building)
                                 .where(Building.estate_id == estate.id,
                                        Unit.delivered.is_(True))
                                 .order_by(Unit.id))) if estate is not None else []
    handlers = _handlers(session)
    start, end = month.window(zone)
    span = int((end - start).total_seconds()) - 3 * 86400
    made = []
    for index in range(orders):
        department, category, reported, done = JOBS[index % len(JOBS)]
        dispatched = start + timedelta(seconds=rng.randrange(span))
        completed = dispatched + timedelta(hours=rng.randint(2, 60))
        case = None
        if units and rng.random() < complaint_share:
            case = _closed_case(session, rng.choice(units), category, reported, dispatched,
                                completed)
        order = WorkOrder(number=next_number(session, "W", dispatched.astimezone(zone).year),
                          case_id=case.id if case is not None else None, department=department,
                          description=reported, status="done", dispatched_at=dispatched,
                          completed_at=min(completed, end - timedelta(minutes=1)),
                          handled_by=rng.choice(handlers[department])
                          if handlers.get(department) else None,
                          method=done, result="resolved")
        session.add(order)
        made.append(order)
    session.flush()
    return made


def _handlers(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for username, code in session.execute(select(User.username, Department.code)
                                          .join(Department, User.department_id == Department.id)
                                          .where(User.active.is_(True))
                                          .order_by(User.username)):
        found.setdefault(code, []).append(username)
    return found


def _closed_case(session: Session, unit: Unit, category: str, reported: str,
                 received: datetime, closed: datetime) -> Case:
    owner = unit.owners[0] if unit.owners else None
    case = Case(number=next_number(session, "C", received.year), tracking_code=tracking_code(),
                type="complaint", channel="phone", category=category, urgency="normal",
                description=reported, unit_id=unit.id, estate_id=unit.building.estate_id,
                complainant_name=owner.name if owner else "業主",
                complainant_phone=owner.phone if owner else "",
                complainant_address=owner.address if owner else "",
                received_at=received, registered_by=None, status="closed",
                first_reply_at=received + timedelta(hours=1), replied_by_channel="phone",
                closed_at=closed)
    session.add(case)
    session.flush()
    return case
