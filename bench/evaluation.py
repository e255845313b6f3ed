"""The cost of bounding BPMN Python by the operating system, and what the bound buys.

A gateway condition and a script task over an owner case's data, evaluated by
SpiffWorkflow's own environment (plain eval/exec), by the RestrictedPython
sandbox in this process, and by the OS-bounded evaluator processes, in the
same run; then the issue's hostile scripts against the default limits: time
to the error that becomes an incident, and the peak memory of this process
(the web or timer worker) and of the evaluators. Not a test: it asserts nothing.

    .venv/bin/python -m bench.evaluation [--rounds 2000]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from bench.figures import median_ms, p95_ms, record
from engine.common.errors import ScriptError
from engine.workflow.sandbox.limits import ScriptLimits
from engine.workflow.sandbox.pool import evaluator_pool
from engine.workflow.sandbox.script_engine import ScriptEnvironment

CONDITION = "triage_decision == 'escalate' and unit_area > 80"
SCRIPT = ("due_days = 1 if category in urgent_categories else 5\n"
          "summary = f'{building}-{unit}: {category}'")
# Integers that all hash alike: a set of them does quadratic work inside one C call.
COLLIDING = "set(range(0, (2**61 - 1) * {n}, 2**61 - 1))"
HOSTILE = {
    "large integers and colliding hashes": f"big = 7 ** 30000\nc = {COLLIDING.format(n=90_000)}",
    "looped collisions": f"for i in range(50):\n    c = {COLLIDING.format(n=4_000)}",
    "1,000 lines of l.append('x' * 999990)": "l = []\n" + "l.append('x' * 999990)\n" * 1000,
    "100 strings of 1 MB kept in the data": "".join(f"b{i} = 'x' * 999990\n"
                                                     for i in range(100)),
}


def case_data() -> dict[str, Any]:
    """What an owner case carries by its triage: two dozen plain values."""
    return {"case_id": 4211, "case_number": "C-2026-004211", "channel": "phone",
            "building": "B2", "unit": "1203", "unit_area": 96.5, "category": "water_leak",
            "urgent_categories": ["water_leak", "fire", "lift_stuck"],
            "complainant_name": "Chan Tai Man", "complainant_phone": "13912345678",
            "description": "Water coming through the ceiling of the bathroom " * 3,
            "triage_decision": "escalate", "triage_notes": "needs the plumber today",
            "received_at": datetime(2026, 12, 4, 9, 30), "estate_id": 1,
            "handler": "clerk", "department": "equipment", "attempts": 0,
            "work_orders": [{"id": 1, "department": "equipment", "status": "open"}],
            "satisfaction": None, "reply_letter": False, "escalated": True}


def _timed(run: Callable[[], Any], rounds: int) -> list[float]:
    for _ in range(min(50, rounds)):  # warm caches, start the evaluator
        run()
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return timings


def overhead(rounds: int) -> dict[str, Any]:
    environments: dict[str, Any] = {
        "raw": TaskDataEnvironment(),
        "sandbox": ScriptEnvironment(),
        "bounded": ScriptEnvironment(evaluators=evaluator_pool(ScriptLimits()),
                                     data_limit=ScriptLimits().data_limit),
    }
    figures: dict[str, Any] = {}
    print(f"\none evaluation, {rounds} rounds{'median':>30} {'p95':>11}   ratio to raw")
    for kind in ("condition", "script"):
        anchor = 0.0
        for name, env in environments.items():
            if kind == "condition":
                timings = _timed(lambda env=env: env.evaluate(CONDITION, case_data()), rounds)
            else:
                timings = _timed(lambda env=env: env.execute(SCRIPT, case_data(), {}), rounds)
            median = median_ms(timings)
            anchor = anchor or median
            figures[f"evaluation_{kind}_{name}_ms"] = median
            figures[f"evaluation_{kind}_{name}_p95_ms"] = p95_ms(timings)
            print(f"{kind + ', ' + name:<44}{median:8.3f} ms {p95_ms(timings):8.3f} ms"
                  f" {median / anchor:7.1f}x")
    return figures


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KB


def hostile() -> dict[str, Any]:
    limits = ScriptLimits()
    env = ScriptEnvironment(evaluators=evaluator_pool(limits), data_limit=limits.data_limit)
    env.execute("ready = 1", {})
    figures: dict[str, Any] = {}
    print(f"\nhostile scripts, limits {limits.seconds:g} s, {limits.memory_mb} MB, "
          f"{limits.data_limit_kb} KB of data{'to incident':>16}")
    for number, (name, script) in enumerate(HOSTILE.items()):
        start = time.perf_counter()
        try:
            env.execute(script, {})
            reason = "finished (not stopped!)"
        except ScriptError as err:
            reason = err.message
        seconds = time.perf_counter() - start
        figures[f"hostile_{number}_s_to_incident"] = seconds
        print(f"{name:<44}{seconds:8.2f} s   {reason}")
    figures["hostile_parent_peak_rss_mb"] = _peak_mb(resource.RUSAGE_SELF)
    figures["hostile_evaluator_peak_rss_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    print(f"{'peak RSS of this process (web/timer worker)':<44}"
          f"{figures['hostile_parent_peak_rss_mb']:8.1f} MB")
    print(f"{'peak RSS of an evaluator that was stopped':<44}"
          f"{figures['hostile_evaluator_peak_rss_mb']:8.1f} MB")
    return figures


def measure(*, rounds: int) -> dict[str, Any]:
    return overhead(rounds) | hostile()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    record(measure(rounds=args.rounds))


if __name__ == "__main__":
    main()
