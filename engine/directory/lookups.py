"""Staff look-ups for the inbox and the task page: names, role names, who may take a task.

These read the small staff tables (users, roles, buildings), never the
workflow state, so the inbox still reads nothing but the task table for its work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.directory.models import Building, Role, User

__all__ = ["Person", "building_codes", "display_names", "eligible_assignees", "role_names"]


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """Display name by username, for the people named on one page."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name)
                           .where(User.username.in_(wanted)))
    return {username: name for username, name in rows}


def role_names(session: Session, *, chinese: bool) -> dict[str, str]:
    """Each role's name, in Chinese where asked and kept with the role, else in English."""
    return {role.code: (role.name_zh if chinese and role.name_zh else role.name)
            for role in session.scalars(select(Role))}


def eligible_assignees(session: Session, *, role: str | None,
                       estate_id: int | None) -> list[Person]:
    """Active users who could hold a task of ``role`` in ``estate_id``, by name."""
    query = select(User).where(User.active.is_(True))
    if role is not None:
        query = query.where(User.roles.any(Role.code == role))
    if estate_id is not None:
        query = query.where(or_(User.estate_id == estate_id, User.estate_id.is_(None)))
    return [Person(u.username, u.display_name)
            for u in session.scalars(query.order_by(User.display_name, User.username))]


def building_codes(session: Session, *, estate_id: int | None) -> list[str]:
    """The buildings the inbox may be narrowed to: the viewer's estate's, or every estate's."""
    query = select(Building.code).distinct().order_by(Building.code)
    if estate_id is not None:
        query = query.where(Building.estate_id == estate_id)
    return list(session.scalars(query))
