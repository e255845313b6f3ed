"""Database engine and session factory: SQLite (WAL) by default, PostgreSQL in production."""

from __future__ import annotations

import threading
import weakref
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonData = JSON().with_variant(JSONB(), "postgresql")

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Store naive UTC, hand back aware UTC: SQLite keeps no time zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime: give it a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


_TURNS: weakref.WeakKeyDictionary[Engine, WriterTurns] = weakref.WeakKeyDictionary()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(), dict[str, Any]: JsonData, list[Any]: JsonData}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a generous busy timeout and turns."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        _TURNS[engine] = WriterTurns(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def writer_turns(engine: Engine) -> WriterTurns | None:
    """The turns SQLite writers of this process take on ``engine``; None on PostgreSQL."""
    return _TURNS.get(engine)


class WriterTurns:
    """SQLite writers of one process take turns on a lock instead of polling the file lock.

    SQLite lets one transaction write at a time; a connection that finds the
    lock taken sleeps and retries, up to 100 ms a sleep, so under load a
    completion waits far longer than the writer before it took. Within one
    process, a writer instead waits on this lock from its first write to its
    commit or rollback and starts the moment its turn comes. Writers in other
    processes still meet at SQLite's own lock, as before; and a turn not given
    within the busy timeout is not waited for longer, so nothing can wait here
    that would not have waited on SQLite.
    """

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    WAIT = 30.0  # seconds, as the busy timeout

    def __init__(self, engine: Engine) -> None:
        self._turn = threading.Lock()
        self._guard = threading.Lock()
        self._owner: int | None = None  # the thread whose turn it is
        self._holding: set[int] = set()  # its connections that wrote in this turn
        self._commit, self._rollback = engine.dialect.do_commit, engine.dialect.do_rollback
        event.listen(engine, "before_cursor_execute", self._before_execute)
        # Released after the commit has reached the file, so the next writer never finds
        # SQLite's own lock still taken.
        engine.dialect.do_commit = self._do_commit  # type: ignore[method-assign]
        engine.dialect.do_rollback = self._do_rollback  # type: ignore[method-assign]
        # A connection given back, invalidated or closed mid-transaction ends its turn too.
        for name in ("checkin", "invalidate", "soft_invalidate", "close"):
            event.listen(engine, name, self._ended)

    def _before_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        key = id(conn.connection.dbapi_connection)
        if key in self._holding or not statement.lstrip()[:7].upper().startswith(self.WRITES):
            return
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:  # a second connection of the same thread: same turn
                self._holding.add(key)
                return
        if self._turn.acquire(timeout=self.WAIT):
            with self._guard:
                self._owner = me
                self._holding.add(key)

    def _do_commit(self, dbapi_connection: Any) -> None:
        try:
            self._commit(dbapi_connection)
        finally:
            self._release(dbapi_connection)

    def _do_rollback(self, dbapi_connection: Any) -> None:
        try:
            self._rollback(dbapi_connection)
        finally:
            self._release(dbapi_connection)

    @property
    def idle(self) -> bool:
        """Nobody's turn: no connection of this process is between its first write and its end."""
        with self._guard:
            return self._owner is None and not self._holding and not self._turn.locked()

    def _ended(self, dbapi_connection: Any, *_args: Any) -> None:
        if dbapi_connection is not None:
            self._release(dbapi_connection)

    def _release(self, dbapi_connection: Any) -> None:
        # Commit and rollback may be handed the pool's wrapper rather than the connection.
        key = id(getattr(dbapi_connection, "dbapi_connection", None) or dbapi_connection)
        with self._guard:
            if key not in self._holding:
                return
            self._holding.discard(key)
            if not self._holding:
                self._owner = None
                self._turn.release()


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged completion survives a power cut too
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
