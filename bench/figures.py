"""What every benchmark shares: the databases it runs on, its statistics, its results file.

Benchmarks print figures and write them to ``bench/results.json``; they assert
nothing about time. Each part merges its own keys into that file, so a part run
alone updates its figures and leaves the others from the last full run.
"""

from __future__ import annotations

import json
import platform
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from engine.common.db import make_engine
from engine.common.migrate import upgrade

BENCH_SCHEMA = "liaison_bench"
PG_URL = ("postgresql+psycopg://postgres@127.0.0.1:5432/test"
          f"?options=-csearch_path%3D{BENCH_SCHEMA}")
RESULTS = Path(__file__).resolve().parent / "results.json"


def median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


def p95_ms(seconds: Sequence[float]) -> float:
    if len(seconds) < 2:
        return max(seconds) * 1000
    return statistics.quantiles(seconds, n=20, method="inclusive")[18] * 1000


def postgres_answers(url: str) -> bool:
    """Whether PostgreSQL is there; without it each part prints its SQLite figures alone."""
    try:
        admin = make_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
        admin.dispose()
        return True
    except Exception as error:  # any failure to connect means: no PostgreSQL here
        print(f"PostgreSQL left out: {error.__class__.__name__}: {str(error).splitlines()[0]}")
        return False


def reset_database(url: str) -> None:
    """An empty, migrated database at ``url``: a fresh schema on PostgreSQL."""
    if url.startswith("postgresql"):
        admin = make_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {BENCH_SCHEMA}"))
        admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@contextmanager
def fresh_database(url: str) -> Iterator[Engine]:
    reset_database(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def backends(folder: Path, name: str, postgres: str | None) -> list[tuple[str, str]]:
    """(label, url) for SQLite in ``folder`` and, when it answers, PostgreSQL."""
    found = [("sqlite", f"sqlite:///{folder / f'{name}.sqlite3'}")]
    if postgres and postgres_answers(postgres):
        found.append(("pg", postgres))
    return found


def label(backend: str) -> str:
    return {"sqlite": "SQLite", "pg": "PostgreSQL"}[backend]


def k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def record(figures: dict[str, Any]) -> None:
    """Merge ``figures`` into the results file, with when and where they were measured."""
    results: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            results = json.loads(RESULTS.read_text())
        except ValueError:
            results = {}  # a half-written file from an interrupted run: start again
    results.update({key: round(value, 4) if isinstance(value, float) else value
                    for key, value in figures.items()})
    results["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"] = machine()
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def machine() -> str:
    cpus = _cpu_model()
    return (f"{platform.system()} {platform.machine()}, {cpus}, "
            f"Python {platform.python_version()}")


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "unknown CPU"
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return f"{len(models)} x {models[0]}" if models else "unknown CPU"
