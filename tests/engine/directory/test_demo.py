"""The demo data loader and the password hashing it relies on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.registration import contact_directory
from engine.common.clock import FrozenClock
from engine.common.db import Base, make_engine, make_session_factory
from engine.common.migrate import upgrade
from engine.directory.demo import ESTATE_NAME, DemoSummary, load_demo
from engine.directory.models import Building, Department, Estate, Owner, Role, Unit, User
from engine.directory.passwords import hash_password, verify_password

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# What the brief promises, written out here rather than read from engine.directory.demo.
EXPECTED_ROLES = {
    "clerk": {"customer_service"},
    "engineer": {"equipment_operations"},
    "cleaner": {"cleaning"},
    "guard": {"security"},
    "cashier": {"finance"},
    "reception": {"service_centre"},
    "supervisor": {"supervisor", "customer_service"},
    "manager": {"superior"},
    "modeler": {"process_owner"},
    "admin": {"administrator"},
}
ALL_ROLE_CODES = {
    "customer_service", "equipment_operations", "cleaning", "security", "finance",
    "service_centre", "supervisor", "superior", "process_owner", "administrator",
}


def _sessions(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}/t.sqlite3")
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    factory = _sessions(tmp_path)
    yield factory
    engine = factory.kw["bind"]
    engine.dispose()


def _load(sessions: sessionmaker[Session]) -> DemoSummary:
    with sessions() as session:
        summary = load_demo(session, clock=FrozenClock(NOW))
        session.commit()
    return summary


@pytest.fixture
def loaded(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session on a database holding the demo data."""
    _load(sessions)
    with sessions() as session:
        yield session


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _all_counts(session: Session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables}


# --- the loader --------------------------------------------------------------------


def test_summary_reports_what_was_created(sessions: sessionmaker[Session]) -> None:
    summary = _load(sessions)

    assert summary.created is True
    with sessions() as session:
        assert summary.units == _count(session, Unit)
        assert summary.owners == _count(session, Owner)
    assert {login.username for login in summary.users} == set(EXPECTED_ROLES)
    for username, password, roles in summary.users:
        assert password == f"{username}-demo"
        assert set(roles) == EXPECTED_ROLES[username]


def test_one_estate_with_three_buildings_and_about_300_units(loaded: Session) -> None:
    estate = loaded.scalars(select(Estate)).one()
    assert estate.name == ESTATE_NAME

    buildings = loaded.scalars(select(Building).order_by(Building.code)).all()
    assert [b.code for b in buildings] == ["A", "B", "C"]
    assert all(b.estate_id == estate.id for b in buildings)

    units = loaded.scalars(select(Unit)).all()
    assert 250 <= len(units) <= 350
    numbers = {u.number for u in units}
    assert len(numbers) == len(units)
    assert "A-1203" in numbers
    assert all(u.number.startswith(u.building.code + "-") for u in units)


def test_areas_are_positive_decimals_with_two_places(loaded: Session) -> None:
    areas = loaded.scalars(select(Unit.area)).all()

    assert all(isinstance(area, Decimal) for area in areas)
    assert all(Decimal(60) <= area <= Decimal(160) for area in areas)
    assert {area.as_tuple().exponent for area in areas} == {-2}
    assert len(set(areas)) > len(areas) // 2  # pseudo-random, not one value repeated


def test_every_unit_has_an_owner_and_the_developer_holds_the_undelivered(
        loaded: Session) -> None:
    developer = loaded.scalars(select(Owner).where(Owner.is_developer)).one()
    units = loaded.scalars(select(Unit)).all()
    undelivered = [u for u in units if not u.delivered]

    assert all(u.owners for u in units)
    assert 0 < len(undelivered) < len(units) // 10  # "a few"
    assert all(u.owners == [developer] for u in undelivered)
    assert set(developer.units) == set(undelivered)
    assert all(len(u.owners) == 1 and not u.owners[0].is_developer
               for u in units if u.delivered)


def test_owners_have_contacts_and_some_hold_two_units(loaded: Session) -> None:
    owners = loaded.scalars(select(Owner).where(Owner.is_developer.is_(False))).all()

    assert sum(1 for o in owners if len(o.units) == 2) >= 10
    assert all(1 <= len(o.units) <= 2 for o in owners)
    assert all(o.name and o.phone and o.address for o in owners)
    assert len({o.name for o in owners}) == len(owners)
    # Most owners live in their own unit; a letter reply must reach the others too.
    at_home = [o for o in owners if "和諧花園" in o.address]
    assert len(owners) // 2 < len(at_home) < len(owners)


def test_staff_hold_their_roles_and_demo_passwords(loaded: Session) -> None:
    users = {u.username: u for u in loaded.scalars(select(User))}

    assert set(EXPECTED_ROLES) <= set(users)
    for username, roles in EXPECTED_ROLES.items():
        user = users[username]
        assert user.role_codes == roles, username
        assert user.display_name
        assert user.active
        assert user.created_at == NOW
        assert user.password_hash and f"{username}-demo" not in user.password_hash
        assert verify_password(user.password_hash, f"{username}-demo"), username
        assert not verify_password(user.password_hash, f"{username}-wrong"), username
    assert users["clerk"].department is not None
    assert users["clerk"].department.code == "customer_service"


def test_every_role_and_the_contact_directory_departments_exist(loaded: Session) -> None:
    roles = loaded.scalars(select(Role)).all()
    assert {r.code for r in roles} == ALL_ROLE_CODES
    assert all(r.name and r.name_zh for r in roles)
    assert {r.code: r.name_zh for r in roles}["supervisor"] == "主管"

    departments = {d.code: d for d in loaded.scalars(select(Department))}
    assert {"customer_service", "equipment_operations", "cleaning", "security", "finance",
            "service_centre"} <= set(departments)
    assert all(d.name_zh for d in departments.values())
    # Seed rule 1 publishes exactly these four numbers to the owners.
    published = {code for code, d in departments.items() if d.phone}
    assert published == {"office", "service_centre", "finance", "equipment_operations"}
    assert len({departments[code].phone for code in published}) == 4
    assert [d["code"] for d in contact_directory(loaded)] == [
        "office", "equipment_operations", "finance", "service_centre"]


def test_staff_work_in_the_demo_estate_and_the_superior_company_wide(loaded: Session) -> None:
    estate = loaded.scalars(select(Estate)).one()
    users = {u.username: u for u in loaded.scalars(select(User))}

    assert users["manager"].estate_id is None
    assert all(u.estate_id == estate.id for name, u in users.items() if name != "manager")


def test_loading_twice_changes_nothing(sessions: sessionmaker[Session]) -> None:
    first = _load(sessions)
    with sessions() as session:
        before = _all_counts(session)

    second = _load(sessions)

    with sessions() as session:
        assert _all_counts(session) == before
    assert second.created is False
    assert (second.units, second.owners) == (first.units, first.owners)
    assert second.users == first.users


def test_loader_flushes_but_leaves_the_commit_to_the_caller(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        load_demo(session, clock=FrozenClock(NOW))
        assert _count(session, Unit) > 0  # flushed: visible inside the transaction
        session.rollback()
    with sessions() as session:
        assert _count(session, Unit) == 0


def test_existing_roles_and_users_are_reused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        role = Role(code="supervisor", name="Team lead", name_zh="組長")
        session.add(User(username="admin", display_name="Real admin",
                         password_hash=hash_password("secret"), created_at=NOW,
                         roles=[role]))
        session.commit()

    _load(sessions)

    with sessions() as session:
        assert session.scalar(select(Role.name).where(Role.code == "supervisor")) == "Team lead"
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        assert verify_password(admin.password_hash, "secret")
        supervisor = session.scalars(select(User).where(User.username == "supervisor")).one()
        assert "supervisor" in supervisor.role_codes


def test_the_same_data_every_run(tmp_path: Path) -> None:
    def snapshot(sessions: sessionmaker[Session]) -> list[tuple[str, Decimal, bool, str]]:
        _load(sessions)
        with sessions() as session:
            units = session.scalars(select(Unit).order_by(Unit.number)).all()
            rows = [(u.number, u.area, u.delivered, u.owners[0].name) for u in units]
        sessions.kw["bind"].dispose()
        return rows

    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    assert snapshot(_sessions(tmp_path / "one")) == snapshot(_sessions(tmp_path / "two"))


# --- passwords ---------------------------------------------------------------------


def test_password_round_trip_with_a_fresh_salt() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")

    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password(first, "s3cret")
    assert verify_password(second, "s3cret")
    assert not verify_password(first, "S3cret")
    assert not verify_password(first, "")


@pytest.mark.parametrize("bad_hash", [
    "not a hash",
    "$argon2id$v=19$m=19456,t=2,p=1$garbage",
    "$2b$12$abcdefghijklmnopqrstuuJq3Vj6mQp4sXq8o1Gx7n2r4qY5WcDe",  # bcrypt, not ours
    "",
    None,
])
def test_a_malformed_or_missing_hash_is_just_false(bad_hash: str | None) -> None:
    assert verify_password(bad_hash, "s3cret") is False
