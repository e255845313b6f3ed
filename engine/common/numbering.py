"""Human-readable numbers (C-2026-000123) from a per-year counter, safe under concurrency."""

from __future__ import annotations

import secrets

from sqlalchemy import String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.common.db import Base

# No 0/O, 1/I/L: owners read tracking codes out over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Counter(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int]


def next_number(session: Session, prefix: str, year: int) -> str:
    """Take the next number of ``prefix`` in ``year``; two takers never get the same one."""
    name = f"{prefix}-{year}"
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # One atomic upsert: the row lock (or SQLite's write lock) serialises concurrent takers.
    statement = insert(Counter).values(name=name, value=1).on_conflict_do_update(
        index_elements=[Counter.name], set_={"value": Counter.value + 1}
    ).returning(Counter.value)
    value = session.execute(statement).scalar_one()
    return f"{name}-{value:06d}"


def tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def current_value(session: Session, prefix: str, year: int) -> int:
    return session.scalar(select(Counter.value).where(Counter.name == f"{prefix}-{year}")) or 0
