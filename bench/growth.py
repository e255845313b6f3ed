"""Part 4: the inbox and a task completion with 1k, 10k and 100k instances in the database.

The clerk measured works in one estate with the same 200 open cases at every
size; what grows is everything else an office keeps: 80 % finished history
(with its audit trail) and 20 % open work of the company's other estates,
waiting on their tasks and SLA timers. If the inbox and the completion stay
indexed, their times stay flat. Not a test: it asserts nothing about time.

    .venv/bin/python -m bench.growth [--sizes 1000 10000 100000] [--postgres URL | '']
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bench.figures import PG_URL, backends, fresh_database, k, label, median_ms, p95_ms, record
from bench.owner_case import ANSWERS, add_bench_clerk, deploy_shipped, runtime
from bench.population import clone_history, clone_open, settle
from engine.cases.registration import Complainant, register_case
from engine.common.db import make_session_factory
from engine.directory.models import Estate
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.inbox import list_tasks
from engine.workflow.viewer import Viewer

OWN_CASES = 200
OTHER_ESTATES = 20
INBOX_READS = 200
COMPLETIONS = 100
HISTORY_SHARE = 0.8


def populate(sessions: sessionmaker[Session], rt: Runtime, size: int) -> Viewer:
    """The clerk's own 200 cases, and ``size`` instances around them; the clerk."""
    with sessions() as session:
        home = Estate(name="Harmony Gardens")
        others = [Estate(name=f"Estate {n}") for n in range(OTHER_ESTATES)]
        session.add_all([home, *others])
        session.flush()
        clerk = add_bench_clerk(session, rt)
        clerk.estate_id = home.id
        model = register_case(session, rt, channel="phone", type="complaint",
                              category="hygiene", urgency="normal", estate_id=others[0].id,
                              description="Rubbish in the stairwell",
                              complainant=Complainant("李小明", "13700000000"), actor="bench")
        session.commit()
        assert model.instance_id is not None
        history = int(size * HISTORY_SHARE)
        estate_ids = [e.id for e in others]
        clone_history(sessions.kw["bind"], session, model.instance_id, history)
        clone_open(sessions.kw["bind"], session, model.instance_id, size - history - 1,
                   estate_of=lambda i: estate_ids[i % len(estate_ids)])
        for number in range(OWN_CASES):
            case = register_case(session, rt, channel="phone", type="complaint",
                                 category="hygiene", urgency="normal", estate_id=home.id,
                                 description="Lamp out on the 3rd floor",
                                 complainant=Complainant("陳大文", f"1380000{number:04d}"),
                                 actor="bench")
            assert case.instance_id is not None
        session.commit()
    settle(sessions.kw["bind"])
    return Viewer.of(clerk)


def inbox_reads(sessions: sessionmaker[Session], rt: Runtime, viewer: Viewer) -> list[float]:
    timings = []
    for _ in range(INBOX_READS):
        started = time.perf_counter()
        with sessions() as session:
            page = list_tasks(session, viewer=viewer, scope="roles", sort="due",
                              now=rt.clock.now())
        timings.append(time.perf_counter() - started)
    assert page.total == OWN_CASES, f"the clerk sees {page.total} tasks"  # a broken run
    return timings


def completions(sessions: sessionmaker[Session], rt: Runtime, viewer: Viewer) -> list[float]:
    with sessions() as session:
        page = list_tasks(session, viewer=viewer, scope="roles", per_page=COMPLETIONS,
                          now=rt.clock.now())
        ids = [item.id for item in page.items]
    timings = []
    for task_id in ids:
        started = time.perf_counter()
        with sessions() as session:
            complete_task(session, rt, task_id=task_id, data=ANSWERS["triage"], actor="bench")
            session.commit()
        timings.append(time.perf_counter() - started)
    return timings


def measure(*, sizes: list[int], postgres: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    print("\ngrowth: instances in the database" +
          "".join(f"{k(n):>17}" for n in sizes) + f"  {k(sizes[-1])} vs {k(sizes[0])}")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "growth", postgres):
            inbox, done = [], []
            for size in sizes:
                target = url if backend == "pg" else url.replace(".sqlite3", f"{size}.sqlite3")
                with fresh_database(target) as db:
                    sessions, rt = make_session_factory(db), runtime()
                    deploy_shipped(sessions, rt)
                    viewer = populate(sessions, rt, size)
                    inbox.append(inbox_reads(sessions, rt, viewer))
                    done.append(completions(sessions, rt, viewer))
                figures[f"inbox_{backend}_{k(size)}_ms"] = median_ms(inbox[-1])
                figures[f"inbox_{backend}_{k(size)}_p95_ms"] = p95_ms(inbox[-1])
                figures[f"completion_{backend}_{k(size)}_ms"] = median_ms(done[-1])
                figures[f"completion_{backend}_{k(size)}_p95_ms"] = p95_ms(done[-1])
            for name, runs in (("inbox", inbox), ("completion", done)):
                growth = median_ms(runs[-1]) / median_ms(runs[0])
                figures[f"{name}_{backend}_{k(sizes[-1])}_vs_{k(sizes[0])}"] = growth
                cells = "".join(f"{median_ms(r):14.3f} ms" for r in runs)
                print(f"{name + ', ' + label(backend):<34}{cells}{growth:9.2f}x")
    for name in ("inbox", "completion"):
        key = f"{name}_{k(sizes[-1])}_vs_{k(sizes[0])}"
        # The worse of the two databases is the figure an office should plan with.
        found = [figures[f"{name}_{b}_{k(sizes[-1])}_vs_{k(sizes[0])}"] for b in ("sqlite", "pg")
                 if f"{name}_{b}_{k(sizes[-1])}_vs_{k(sizes[0])}" in figures]
        figures[key] = max(found)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(sizes=args.sizes, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
