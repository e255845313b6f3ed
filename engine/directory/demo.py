"""Demo data: the staff, departments and one estate with its units and owners.

Everything is generated from fixed lists and ``random.Random(DEMO_SEED)``, so every
run produces the same data, and a demo or screenshot can name "A-1203" and its owner.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.common.clock import Clock
from engine.directory.models import (
    Building,
    Department,
    Estate,
    Owner,
    Role,
    Unit,
    User,
    ownerships,
)
from engine.directory.passwords import hash_password

__all__ = ["DemoLogin", "DemoSummary", "demo_logins", "demo_password", "load_demo"]

DEMO_SEED = 2026

# (code, English name, Chinese name): every role of SPEC §1; the codes are the ones
# processes/lanes.json maps lanes onto.
ROLES: tuple[tuple[str, str, str], ...] = (
    ("customer_service", "Customer service", "客服"),
    ("equipment_operations", "Equipment operations", "工程部"),
    ("cleaning", "Cleaning", "保潔部"),
    ("security", "Security", "保安部"),
    ("finance", "Finance", "財務部"),
    ("service_centre", "Service centre", "服務中心"),
    ("supervisor", "Supervisor", "主管"),
    ("superior", "Superior", "上級主管"),
    ("process_owner", "Process owner", "流程管理員"),
    ("administrator", "Administrator", "系統管理員"),
)

# (code, English name, Chinese name, phone). Seed rule 1 publishes the numbers of the
# office, the service centre, the finance office and equipment operations: a department
# with a phone is in the contact directory, so the others have none.
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("office", "Management office", "管理處", "020-8600-1000"),
    ("customer_service", "Customer service", "客服部", ""),
    ("equipment_operations", "Equipment operations", "工程部", "020-8600-1002"),
    ("cleaning", "Cleaning", "保潔部", ""),
    ("security", "Security", "保安部", ""),
    ("finance", "Finance office", "財務室", "020-8600-1005"),
    ("service_centre", "Service centre", "服務中心", "020-8600-1006"),
)


class StaffSeed(NamedTuple):
    username: str
    display_name: str
    department: str | None  # department code; the superior sits at company HQ
    roles: tuple[str, ...]
    company_wide: bool = False  # works across estates rather than in the demo estate


STAFF: tuple[StaffSeed, ...] = (
    StaffSeed("clerk", "王小明 (客服)", "customer_service", ("customer_service",)),
    StaffSeed("engineer", "李志強 (工程部)", "equipment_operations", ("equipment_operations",)),
    StaffSeed("cleaner", "陳秀英 (保潔部)", "cleaning", ("cleaning",)),
    StaffSeed("guard", "張建國 (保安部)", "security", ("security",)),
    StaffSeed("cashier", "劉美玲 (財務部)", "finance", ("finance",)),
    StaffSeed("reception", "黃曉燕 (服務中心)", "service_centre", ("service_centre",)),
    # The supervisor also works customer-service tasks, as small offices do.
    StaffSeed("supervisor", "周文傑 (主管)", "office", ("supervisor", "customer_service")),
    StaffSeed("manager", "吳國華 (上級主管)", None, ("superior",), company_wide=True),
    StaffSeed("modeler", "鄭雅婷 (流程管理員)", "office", ("process_owner",)),
    StaffSeed("admin", "孫立新 (系統管理員)", "office", ("administrator",)),
)

ESTATE_NAME_ZH = "和諧花園"
ESTATE_NAME = f"{ESTATE_NAME_ZH} Harmony Gardens"
ESTATE_ADDRESS = "和諧路 88 號"
BUILDINGS: tuple[str, ...] = ("A", "B", "C")
FLOORS = 20
UNITS_PER_FLOOR = 5
AREA_CENTS = (6000, 16000)  # exclusive floor area between 60 and 160 m²

# The developer has not yet handed over the top floor of block C; those units count
# as one voter together (Civil Code art. 278 interpretation, SPEC §3).
UNDELIVERED_FLOOR = ("C", FLOORS)

DEVELOPER_NAME = "和諧置業發展有限公司 (開發商)"
DEVELOPER_PHONE = "020-8700-2000"
DEVELOPER_ADDRESS = "建設大道 1 號 和諧置業大廈 18 樓"

# Every PAIR_EVERY-th buyer bought two neighbouring units: one voter, two areas.
PAIR_EVERY = 20
# About one owner in ten lives elsewhere, so a letter reply goes to another address.
ABSENTEE_SHARE = 0.1

SURNAMES: tuple[str, ...] = (
    "王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周", "徐", "孫",
    "馬", "朱", "胡", "郭", "何", "林", "羅", "高", "梁", "鄭", "謝", "宋",
)
GIVEN_NAMES: tuple[str, ...] = (
    "偉", "芳", "娜", "秀英", "敏", "靜", "麗", "強", "磊", "軍",
    "洋", "勇", "艷", "傑", "娟", "濤",
)
STREETS: tuple[str, ...] = (
    "中山路", "人民路", "解放路", "建設路", "新華路", "文化路", "和平路", "東風路",
)


class DemoLogin(NamedTuple):
    username: str
    password: str
    roles: tuple[str, ...]


@dataclass
class DemoSummary:
    """The demo data in the database; ``created`` says whether this call made it."""

    created: bool
    users: list[DemoLogin] = field(default_factory=list)
    units: int = 0
    owners: int = 0


def demo_password(username: str) -> str:
    return f"{username}-demo"


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(s.username, demo_password(s.username), s.roles) for s in STAFF]


def load_demo(session: Session, *, clock: Clock) -> DemoSummary:
    """Load the demo data unless the demo estate exists; flush, never commit.

    Roles and departments are matched by code and users by username, so ones that
    already exist are reused and left as they are.
    """
    estate = session.scalar(select(Estate).where(Estate.name == ESTATE_NAME))
    if estate is not None:
        unit_count, owner_count = _count_holdings(session, estate)
        return DemoSummary(created=False, users=demo_logins(), units=unit_count,
                           owners=owner_count)

    roles = _ensure_roles(session)
    departments = _ensure_departments(session)
    estate = Estate(name=ESTATE_NAME, address=ESTATE_ADDRESS)
    session.add(estate)
    session.flush()  # the staff need the estate's id
    _add_staff(session, roles, departments, estate, clock)

    rng = random.Random(DEMO_SEED)
    units = _add_units(session, estate, rng)
    owners = _add_owners(session, units, rng)
    session.flush()
    return DemoSummary(created=True, users=demo_logins(), units=len(units), owners=owners)


def _ensure_roles(session: Session) -> dict[str, Role]:
    roles = {role.code: role for role in session.scalars(select(Role))}
    for code, name, name_zh in ROLES:
        if code not in roles:
            roles[code] = Role(code=code, name=name, name_zh=name_zh)
            session.add(roles[code])
    return roles


def _ensure_departments(session: Session) -> dict[str, Department]:
    departments = {dep.code: dep for dep in session.scalars(select(Department))}
    for code, name, name_zh, phone in DEPARTMENTS:
        if code not in departments:
            departments[code] = Department(code=code, name=name, name_zh=name_zh, phone=phone)
            session.add(departments[code])
    return departments


def _add_staff(session: Session, roles: dict[str, Role],
               departments: dict[str, Department], estate: Estate, clock: Clock) -> None:
    taken = set(session.scalars(select(User.username)))
    for seed in STAFF:
        if seed.username in taken:
            continue
        session.add(User(
            username=seed.username,
            display_name=seed.display_name,
            password_hash=hash_password(demo_password(seed.username)),
            department=departments[seed.department] if seed.department else None,
            estate_id=None if seed.company_wide else estate.id,
            roles=[roles[code] for code in seed.roles],
            created_at=clock.now(),
        ))


def _add_units(session: Session, estate: Estate, rng: random.Random) -> list[Unit]:
    units: list[Unit] = []
    for code in BUILDINGS:
        building = Building(estate=estate, code=code, name=f"{code}座 Block {code}")
        for floor in range(1, FLOORS + 1):
            for index in range(1, UNITS_PER_FLOOR + 1):
                units.append(Unit(
                    building=building,
                    number=f"{code}-{floor}{index:02d}",
                    floor=floor,
                    # scaleb keeps the two decimal places even for a whole number.
                    area=Decimal(rng.randint(*AREA_CENTS)).scaleb(-2),
                    delivered=(code, floor) != UNDELIVERED_FLOOR,
                ))
    session.add_all(units)
    return units


def _add_owners(session: Session, units: Sequence[Unit], rng: random.Random) -> int:
    """Give every unit an owner; return how many owners were created."""
    developer = Owner(name=DEVELOPER_NAME, phone=DEVELOPER_PHONE,
                      address=DEVELOPER_ADDRESS, is_developer=True)
    developer.units = [unit for unit in units if not unit.delivered]
    session.add(developer)

    names = [surname + given for surname in SURNAMES for given in GIVEN_NAMES]
    rng.shuffle(names)
    holdings = _group_holdings([unit for unit in units if unit.delivered])
    # Unique names keep the demo unambiguous; running short is a mistake in the lists.
    if len(holdings) > len(names):
        raise ValueError(f"{len(names)} demo owner names for {len(holdings)} holdings")
    for name, held in zip(names, holdings, strict=False):
        session.add(Owner(name=name, phone=_mobile(rng), address=_address(held[0], rng),
                          units=held))
    return len(holdings) + 1  # and the developer


def _group_holdings(units: Sequence[Unit]) -> list[list[Unit]]:
    """Split units into holdings: mostly one unit, every PAIR_EVERY-th holding two."""
    holdings: list[list[Unit]] = []
    rest = list(units)
    while rest:
        size = 2 if len(holdings) % PAIR_EVERY == 0 and len(rest) >= 2 else 1
        holdings.append(rest[:size])
        del rest[:size]
    return holdings


def _mobile(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"


def _address(home: Unit, rng: random.Random) -> str:
    if rng.random() < ABSENTEE_SHARE:
        return f"{rng.choice(STREETS)} {rng.randint(1, 300)} 號 {rng.randint(1, 30)} 樓"
    flat = home.number.split("-", 1)[1]
    return f"{ESTATE_ADDRESS} {ESTATE_NAME_ZH} {home.building.code}座 {flat}室"


def _count_holdings(session: Session, estate: Estate) -> tuple[int, int]:
    units = select(Unit.id).join(Building).where(Building.estate_id == estate.id)
    unit_count = session.scalar(select(func.count()).select_from(units.subquery())) or 0
    owner_count = session.scalar(
        select(func.count(func.distinct(ownerships.c.owner_id)))
        .where(ownerships.c.unit_id.in_(units))) or 0
    return unit_count, owner_count
