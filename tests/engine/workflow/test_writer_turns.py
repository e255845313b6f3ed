"""SQLite writers of one process take turns: none fails on the file lock, none keeps its turn."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from engine.common.db import make_engine, writer_turns

WRITERS = 8
ROUNDS = 40


@pytest.fixture
def sqlite(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE entries (writer INTEGER, n INTEGER)"))
    return engine


def test_concurrent_writers_all_commit_and_leave_no_turn_taken(sqlite: Engine) -> None:
    failures: list[BaseException] = []
    gate = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        gate.wait()
        try:
            for n in range(ROUNDS):
                with sqlite.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM entries")).scalar()
                    conn.execute(text("INSERT INTO entries VALUES (:w, :n)"), {"w": number, "n": n})
                    conn.commit()
                with sqlite.connect() as conn:  # never committed: closing rolls it back
                    conn.execute(text("INSERT INTO entries VALUES (-1, :n)"), {"n": n})
        except BaseException as error:  # collected for the assertion below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sqlite.connect() as conn:
        rows = conn.execute(text("SELECT writer, count(*) FROM entries GROUP BY writer")).all()
    assert sorted(rows) == [(w, ROUNDS) for w in range(WRITERS)]
    turns = writer_turns(sqlite)
    assert turns is not None and turns.idle


def test_a_failed_write_ends_its_turn(sqlite: Engine) -> None:
    turns = writer_turns(sqlite)
    assert turns is not None
    with pytest.raises(Exception, match="no such table"), sqlite.begin() as conn:
        conn.execute(text("INSERT INTO entries VALUES (1, 1)"))
        conn.execute(text("INSERT INTO missing VALUES (1)"))
    assert turns.idle
    with sqlite.begin() as conn:  # the next writer gets its turn at once
        conn.execute(text("INSERT INTO entries VALUES (2, 2)"))
    with sqlite.connect() as conn:
        assert conn.execute(text("SELECT writer FROM entries")).scalars().all() == [2]


def test_reads_take_no_turn(sqlite: Engine) -> None:
    turns = writer_turns(sqlite)
    assert turns is not None
    with sqlite.connect() as conn:
        conn.execute(text("SELECT count(*) FROM entries")).scalar()
        assert turns.idle
        conn.execute(text("INSERT INTO entries VALUES (1, 1)"))
        assert not turns.idle
        conn.rollback()
        assert turns.idle


def test_postgresql_takes_no_turns() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert writer_turns(engine) is None
    engine.dispose()
