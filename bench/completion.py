"""Parts 1 and 2: the owner case raw in SpiffWorkflow, and through engine/ with a database.

Both run the same common path (``bench/owner_case.py``) the same number of
times; the ratio is Liaison's cost per user-task completion over SpiffWorkflow's
own deserialise–run–serialise round-trip. Not a test: it asserts nothing
about time.

    .venv/bin/python -m bench.completion [--cases 100] [--postgres URL | --postgres '']
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench.figures import PG_URL, backends, fresh_database, label, median_ms, p95_ms, record
from bench.owner_case import TASKS_PER_CASE, deploy_shipped, engine_cases, raw_cases, runtime
from engine.common.db import make_session_factory


def measure(*, cases: int, postgres: str | None) -> dict[str, Any]:
    raw = raw_cases(cases)
    anchor = median_ms(raw.completions)
    figures: dict[str, Any] = {
        "raw_ms_per_completion": anchor, "raw_p95_ms_per_completion": p95_ms(raw.completions),
        "raw_instances_per_s": raw.instances_per_s(cases)}
    print(f"\nowner case, {cases} cases x {TASKS_PER_CASE} user tasks"
          f"{'median':>16} {'p95':>11}   ratio")
    print(f"{'raw SpiffWorkflow + serializer':<48}{anchor:8.3f} ms "
          f"{figures['raw_p95_ms_per_completion']:8.3f} ms   1.0x"
          f"   ({figures['raw_instances_per_s']:.0f} cases/s)")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "completion", postgres):
            with fresh_database(url) as db:
                sessions, rt = make_session_factory(db), runtime()
                deploy_shipped(sessions, rt)
                timings = engine_cases(sessions, rt, cases)
            ratio = median_ms(timings) / anchor
            figures[f"engine_{backend}_ms_per_completion"] = median_ms(timings)
            figures[f"engine_{backend}_p95_ms_per_completion"] = p95_ms(timings)
            figures[f"engine_vs_raw_{backend}"] = ratio
            print(f"{'liaison engine, ' + label(backend):<48}{median_ms(timings):8.3f} ms "
                  f"{p95_ms(timings):8.3f} ms {ratio:6.1f}x")
    # SQLite is what an office runs by default; the PostgreSQL ratio is kept beside it.
    figures["engine_vs_raw"] = figures["engine_vs_raw_sqlite"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(cases=args.cases, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
