"""Fixtures: every database test runs on SQLite and, when a server answers, on PostgreSQL."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engine.common.clock import FrozenClock
from engine.common.db import Base, make_engine, make_session_factory
from engine.common.migrate import upgrade
from engine.common.settings import PROJECT_ROOT, Settings
from engine.system import System, assemble_runtime
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.lanes import load_lane_roles, load_starters

# Two checkouts testing side by side each need a schema of their own.
PG_SCHEMA = os.environ.get("LIAISON_TEST_PG_SCHEMA", "liaison_test")
DEFAULT_PG_URL = ("postgresql+psycopg://postgres@127.0.0.1:5432/test"
                  f"?options=-csearch_path%3D{PG_SCHEMA}")


def _postgres_url() -> str | None:
    url = os.environ.get("LIAISON_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        if os.environ.get("LIAISON_TEST_REQUIRE_POSTGRES") == "1":
            raise pytest.UsageError(  # noqa: B904  (a missing server is the whole message)
                "PostgreSQL is required (LIAISON_TEST_REQUIRE_POSTGRES=1) but nothing "
                "answers on 127.0.0.1:5432")
        return None
    return DEFAULT_PG_URL


POSTGRES_URL = _postgres_url()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _reset_postgres(url: str) -> Engine:
    admin = make_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    admin.dispose()
    return make_engine(url)


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Engine]:
    """A migrated database, shared by the session; tables are emptied after each test."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db')}/liaison.sqlite3")
    else:
        assert POSTGRES_URL is not None
        engine = _reset_postgres(POSTGRES_URL)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def system(db_engine: Engine, clock: FrozenClock, tmp_path: Path) -> Iterator[System]:
    settings = Settings.from_env({"LIAISON_INSTANCE_PATH": str(tmp_path / "instance"),
                                  "LIAISON_DATABASE_URL": db_engine.url.render_as_string(False)})
    rt = assemble_runtime(clock=clock, lane_roles=load_lane_roles(PROJECT_ROOT / "processes"),
                          starters=load_starters(PROJECT_ROOT / "processes"))
    yield System(settings, db_engine, make_session_factory(db_engine), rt)
    _empty_tables(db_engine)


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = list(reversed(Base.metadata.sorted_tables))
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def session(system: System) -> Iterator[Session]:
    with system.sessions() as session:
        yield session


@pytest.fixture
def shipped(system: System) -> System:
    """The system with ``processes/`` and ``forms/`` deployed."""
    with system.sessions() as session:
        deploy(session, system.rt, Bundle.from_paths([PROJECT_ROOT / "processes"]),
               actor="tests")
        session.commit()
    return system


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out what cannot run here, and say so at the end, rather than skip it.

    ``postgres_only`` tests run on PostgreSQL alone (several worker processes
    need row locks). Browser tests need Debian's Chromium; where it is missing
    they are left out unless LIAISON_TEST_REQUIRE_BROWSER=1 (CI), which fails.
    """
    if not CHROMIUM.exists() and os.environ.get("LIAISON_TEST_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"browser tests are required but {CHROMIUM} is missing: "
                                "apt-get install -y chromium")
    kept, dropped = [], []
    for item in items:
        (kept if _can_run(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _can_run(item: pytest.Item) -> bool:
    backend = getattr(item, "callspec", None) and item.callspec.params.get("db_engine")
    if item.get_closest_marker("postgres_only") and backend != "postgresql":
        return False
    return CHROMIUM.exists() or BROWSER_TESTS not in Path(str(item.path)).parents


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CHROMIUM.exists():
        terminalreporter.write_line(
            f"{CHROMIUM} is missing: the browser tests did NOT run "
            "(`apt-get install -y chromium`, or `make test` as root, installs it).", red=True)
    if POSTGRES_URL is None:
        terminalreporter.write_line(
            "PostgreSQL did not answer on 127.0.0.1:5432: the PostgreSQL runs of every "
            "database test did NOT run.", yellow=True)
