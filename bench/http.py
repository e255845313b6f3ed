"""Parts 3 and 6: the owner case over the REST API on a real gunicorn server, and its memory.

1, 4 and 16 clients, each on its own keep-alive connection, register cases
and complete their four user tasks (``POST /tasks/{id}/complete``). Per
completion: p50 and p95 as the client saw them, completions per second over
the whole round, and the ratio to SpiffWorkflow's in-memory round-trip
measured in the same run. The server's peak RSS (master and web processes)
is read while it runs. Not a test: it asserts nothing about time.

    .venv/bin/python -m bench.http [--cases 48] [--clients 1 4 16] [--postgres URL | '']
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.figures import PG_URL, backends, label, median_ms, p95_ms, record, reset_database
from bench.owner_case import ANSWERS, CASE, add_bench_clerk, raw_cases, runtime
from bench.server import Client, Server, serving
from engine.common.db import make_engine, make_session_factory
from engine.directory.tokens import issue_token


def bench_token(url: str) -> str:
    db = make_engine(url)
    sessions, rt = make_session_factory(db), runtime()
    with sessions() as session:
        user = add_bench_clerk(session, rt)
        token = issue_token(session, rt, user=user, name="bench", actor="bench").token
        session.commit()
    db.dispose()
    return token


def one_case(client: Client, number: int, completions: list[float]) -> None:
    """Register a case and complete its tasks as the API offers them."""
    body = {**CASE, "unit": None,
            "complainant": {"name": "陳大文", "phone": f"1390000{number:04d}"}}
    case, _ = client.call("POST", "/cases", body, expect=201)
    instance, _ = client.call("GET", f"/instances/{case['instance_id']}")
    tasks = instance["open_tasks"]
    while tasks:
        task = tasks[0]
        done, took = client.call("POST", f"/tasks/{task['id']}/complete",
                                 {"data": ANSWERS[task["element_id"]]})
        completions.append(took)
        tasks = done["open_tasks"]
    if done["status"] != "completed":
        raise RuntimeError(f"case {case['number']} ended {done['status']}")


def round_of(server: Server, token: str, clients: int, cases: int,
             first: int) -> tuple[list[float], float]:
    """``cases`` cases shared by ``clients`` clients at once; completion times and wall time."""
    completions: list[float] = []
    failures: list[BaseException] = []
    share = [list(range(first + c, first + cases, clients)) for c in range(clients)]
    gate = threading.Barrier(clients + 1)

    def drive(numbers: list[int]) -> None:
        client = Client(server.port, token)
        mine: list[float] = []
        gate.wait()
        try:
            for number in numbers:
                one_case(client, number, mine)
        except BaseException as error:  # reported after the round, with the others
            failures.append(error)
        finally:
            client.close()
            completions.extend(mine)

    threads = [threading.Thread(target=drive, args=(numbers,)) for numbers in share]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    while any(thread.is_alive() for thread in threads):
        server.sample_memory()
        for thread in threads:
            thread.join(timeout=0.5)
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} client(s) failed; first: {failures[0]}\n"
                           f"server log:\n{server.log_tail()}")
    return completions, wall


def measure(*, cases: int, clients: list[int], postgres: str | None) -> dict[str, Any]:
    anchor = median_ms(raw_cases(cases).completions)
    figures: dict[str, Any] = {"http_raw_ms_per_completion": anchor}
    print(f"\nowner case over HTTP, {cases} cases per round{'p50':>12} {'p95':>11} "
          f"{'completions/s':>15}   ratio")
    print(f"{'raw SpiffWorkflow + serializer':<48}{anchor:8.3f} ms {'':>11} {'':>15}   1.0x")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "http", postgres):
            reset_database(url)
            token = bench_token(url)
            with serving(url, Path(folder)) as server:
                for n, count in enumerate(clients):
                    times, wall = round_of(server, token, count, cases, first=n * cases)
                    prefix = f"http{count}_{backend}"
                    figures[f"{prefix}_p50_ms"] = median_ms(times)
                    figures[f"{prefix}_p95_ms"] = p95_ms(times)
                    figures[f"{prefix}_completions_per_s"] = len(times) / wall
                    figures[f"http{count}_vs_raw_{backend}"] = median_ms(times) / anchor
                    name = f"REST, {label(backend)}, {count} client{'s' * (count > 1)}"
                    print(f"{name:<48}{median_ms(times):8.3f} ms {p95_ms(times):8.3f} ms "
                          f"{len(times) / wall:15.1f} {median_ms(times) / anchor:6.1f}x")
            figures[f"server_peak_rss_mb_{backend}"] = server.peak_rss_mb()
            print(f"{'  server peak RSS, ' + label(backend):<48}"
                  f"{server.peak_rss_mb():8.1f} MB over {len(server.peak_rss)} processes")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=48)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(cases=args.cases, clients=args.clients, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
