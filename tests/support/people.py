"""Factories for staff, roles, estates and units, so each test names only what it needs."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.models import Building, Estate, Owner, Role, Unit, User
from engine.system import System
from engine.workflow.viewer import Viewer


def create_role(session: Session, code: str) -> Role:
    """Return the role ``code``, creating it the first time."""
    role = session.scalars(select(Role).where(Role.code == code)).first()
    if role is None:
        role = Role(code=code, name=code.replace("_", " ").capitalize())
        session.add(role)
        session.flush()
    return role


def create_user(system: System, username: str, *roles: str, estate_id: int | None = None,
                active: bool = True) -> User:
    """Add a staff member holding ``roles``; committed, so other sessions see them."""
    with system.sessions() as session:
        user = User(username=username, display_name=username.capitalize(),
                    estate_id=estate_id, active=active, created_at=system.rt.clock.now(),
                    roles=[create_role(session, code) for code in roles])
        session.add(user)
        session.commit()
        return user


def grant_role(system: System, username: str, role: str) -> None:
    with system.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        user.roles.append(create_role(session, role))
        session.commit()


def viewer_of(system: System, username: str) -> Viewer:
    """The viewer as a request would build it now, from the stored user and roles."""
    with system.sessions() as session:
        return Viewer.of(session.scalars(select(User).where(User.username == username)).one())


def create_estate(system: System, name: str, buildings: Iterable[str] = ("A",),
                  units: Iterable[str] = ("1203",)) -> Estate:
    """An estate whose buildings each hold ``units``, every unit with one owner."""
    with system.sessions() as session:
        estate = Estate(name=name)
        session.add(estate)
        session.flush()
        for code in buildings:
            building = Building(estate_id=estate.id, code=code, name=f"Block {code}")
            session.add(building)
            session.flush()
            for number in units:
                owner = Owner(name=f"Owner of {code}-{number}", phone=f"139{number}")
                session.add(Unit(building_id=building.id, number=number,
                                 floor=int(number[:-2] or 0), area=Decimal("88.50"),
                                 owners=[owner]))
        session.commit()
        return estate


def unit_id(system: System, estate: Estate, building: str, number: str) -> int:
    with system.sessions() as session:
        return session.scalars(select(Unit.id).join(Building).where(
            Building.estate_id == estate.id, Building.code == building,
            Unit.number == number)).one()
