"""Factories for staff users and their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.clock import Clock
from engine.directory.models import Role, User
from engine.directory.passwords import hash_password


def create_role(session: Session, code: str) -> Role:
    role = session.scalar(select(Role).where(Role.code == code))
    if role is None:
        role = Role(code=code, name=code.replace("_", " ").capitalize(), name_zh=code)
        session.add(role)
    return role


def create_user(session: Session, clock: Clock, username: str = "clerk", *,
                password: str | None = None, roles: tuple[str, ...] = ("customer_service",),
                display_name: str = "王小明", active: bool = True) -> User:
    """Add a user (flushed) whose password is ``password`` or ``<username>-pw``."""
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password or f"{username}-pw"),
                roles=[create_role(session, code) for code in roles], active=active,
                created_at=clock.now())
    session.add(user)
    session.flush()
    return user
