"""``make bench``: every part on SQLite and PostgreSQL in one run, then the summary.

Each part prints its own table as it goes; the summary at the end sets the
ratios beside the targets, and ``bench/results.json`` keeps every figure for
comparison across commits. Not a test: nothing here fails on a slow figure.

    .venv/bin/python -m bench [--quick] [--postgres URL | --postgres '']
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench import (
    completion,
    evaluation,
    fan_out,
    growth,
    http,
    peer_flow,
    return_visits,
    survey_follow_up,
    worker,
)
from bench.figures import PG_URL, RESULTS, machine, record

# (key, what it is, target as a ceiling or a floor, unit)
SUMMARY: tuple[tuple[str, str, str, str], ...] = (
    ("engine_vs_raw_sqlite", "engine per completion vs raw, SQLite", "<= 2", "x"),
    ("engine_vs_raw_pg", "engine per completion vs raw, PostgreSQL", "<= 2", "x"),
    ("http4_vs_raw_pg", "REST, 4 clients, PostgreSQL, p50 vs raw", "<= 5", "x"),
    ("inbox_100k_vs_1k", "inbox query, 100k vs 1k instances", "<= 1.5", "x"),
    ("completion_100k_vs_1k", "task completion, 100k vs 1k instances", "<= 1.5", "x"),
    ("worker_100k_vs_1k", "worker per timer, 100k vs 1k idle", "<= 1.5", "x"),
    ("fan_out_25_vs_raw_sqlite", "one of 25 multi-instance children vs raw, SQLite", "", "x"),
    ("fan_out_200_vs_raw_sqlite", "one of 200 multi-instance children vs raw, SQLite", "",
     "x"),
    ("return_visit_many_vs_few_sqlite", "one return visit, 300 open vs a few, SQLite", "<= 1.5",
     "x"),
    ("return_visit_many_vs_few_pg", "one return visit, 300 open vs a few, PostgreSQL",
     "<= 1.5", "x"),
    ("survey_follow_up_300_vs_3_sqlite", "survey follow-up completion, 300 vs 3 open",
     "<= 1.5", "x"),
    ("peer_flow_instances_per_s_sqlite_1", "peer flow, SQLite, 1 client", ">= 50", "/s"),
    ("peer_flow_instances_per_s_pg_4", "peer flow, PostgreSQL, 4 clients", ">= 50", "/s"),
    ("server_peak_rss_mb_pg", "server peak RSS under REST load, PostgreSQL", "", " MB"),
    ("evaluation_condition_bounded_ms", "gateway condition, OS-bounded evaluator", "<= 0.5",
     " ms"),
    ("evaluation_script_bounded_ms", "script task, OS-bounded evaluator", "<= 0.5", " ms"),
    ("hostile_parent_peak_rss_mb", "web/timer process peak RSS, hostile scripts", "", " MB"),
)


def summary(figures: dict[str, Any]) -> None:
    print(f"\nsummary — {machine()}")
    print(f"{'figure':<48}{'measured':>12}   target")
    for key, text, target, unit in SUMMARY:
        if key in figures:
            verdict = _verdict(figures[key], target)
            print(f"{text:<48}{figures[key]:>10.2f}{unit:<3} {target:<7} {verdict}")
    print(f"\nevery figure: {RESULTS.name} ({len(figures)} keys)")


def _verdict(value: float, target: str) -> str:
    if not target:
        return ""
    bound = float(target.split()[1])
    met = value <= bound if target.startswith("<=") else value >= bound
    return "met" if met else "missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, to check the benchmarks run (figures are noisy)")
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    postgres = args.postgres or None
    quick = args.quick
    RESULTS.unlink(missing_ok=True)  # a full run replaces the figures of the last one
    figures: dict[str, Any] = {}
    figures |= completion.measure(cases=10 if quick else 100, postgres=postgres)
    figures |= fan_out.measure(children=[25, 200], rounds=3 if quick else 20,
                               postgres=postgres)
    figures |= return_visits.measure(orders=40 if quick else 300, postgres=postgres)
    figures |= http.measure(cases=16 if quick else 48, clients=[1, 4, 16], postgres=postgres)
    figures |= peer_flow.measure(instances=20 if quick else 200, clients=[1, 4],
                                 postgres=postgres)
    figures |= growth.measure(sizes=[1000, 2000] if quick else [1000, 10_000, 100_000],
                              postgres=postgres)
    figures |= worker.measure(due=30 if quick else 300,
                              idle_counts=[1000, 2000] if quick else [1000, 100_000],
                              postgres=postgres)
    figures |= survey_follow_up.measure(repeats=3 if quick else 10, postgres=postgres)
    figures |= evaluation.measure(rounds=200 if quick else 2000)
    record(figures)
    summary(json.loads(RESULTS.read_text()))


if __name__ == "__main__":
    main()
