"""The evaluator processes themselves: limits the kernel holds them to, helpers called back
in this process, and what they may send back."""

from __future__ import annotations

import os
import pickle
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.common.errors import Conflict, ScriptBudgetExceeded, ScriptError
from engine.workflow.sandbox.limits import ScriptLimits
from engine.workflow.sandbox.pool import KEEP_IDLE, evaluator_pool, restricted_loads
from engine.workflow.sandbox.script_engine import ScriptEnvironment

LIMITS = ScriptLimits(seconds=0.5, memory_mb=128, data_limit_kb=64)


def bounded(helpers: dict[str, Any] | None = None) -> ScriptEnvironment:
    return ScriptEnvironment(helpers, evaluators=evaluator_pool(LIMITS),
                             data_limit=LIMITS.data_limit)


def kernel_limits(pid: int) -> dict[str, list[str]]:
    rows = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {row[:26].strip(): row[26:].split() for row in rows}


def test_an_evaluator_runs_under_the_kernels_cpu_and_address_space_limits() -> None:
    env = bounded()
    assert env.evaluate("1 + 1", {}) == 2  # an evaluator is up and has served
    [evaluator] = evaluator_pool(LIMITS)._idle
    limits = kernel_limits(evaluator.process.pid)
    assert limits["Max cpu time"][0] != "unlimited"
    assert int(limits["Max address space"][0]) < 2**31  # its own size plus 128 MB
    assert limits["Max core file size"][0] == "0"


def test_a_script_sees_only_the_data_it_is_sent_and_its_changes_come_back() -> None:
    context: dict[str, Any] = {"items": [1, 2], "when": datetime(2026, 12, 4, 9, 30),
                               "gone": "x", "_hidden": "kept"}
    bounded().execute("items.append(3)\nlater = when + timedelta(days=1)\ndel gone", context)
    assert context == {"items": [1, 2, 3], "when": datetime(2026, 12, 4, 9, 30),
                       "later": datetime(2026, 12, 5, 9, 30), "_hidden": "kept"}


def test_a_helper_runs_in_this_process_not_in_the_evaluator() -> None:
    env = bounded({"where": os.getpid, "twice": lambda n: 2 * n})
    assert env.evaluate("where()", {}) == os.getpid()
    assert env.evaluate("twice(n) + 1", {"n": 20}) == 41


def test_a_helpers_own_error_reaches_the_caller_unchanged() -> None:
    def taken(unit: str) -> None:
        raise Conflict(f"unit {unit} is taken")

    with pytest.raises(Conflict, match="unit 3-101 is taken"):
        bounded({"book": taken}).execute("book('3-101')", {})


def test_a_helpers_plain_error_is_a_script_error_at_its_line() -> None:
    def broken() -> None:
        raise ValueError("no such unit")

    with pytest.raises(ScriptError, match="line 2: no such unit") as caught:
        bounded({"lookup": broken}).execute("x = 1\nlookup()", {})
    assert caught.value.line == 2


def test_a_script_error_comes_back_with_its_line() -> None:
    with pytest.raises(ScriptError, match="line 2: division by zero"):
        bounded().execute("a = 1\nb = a / 0", {})


def test_a_value_that_cannot_leave_the_evaluator_is_a_script_error() -> None:
    with pytest.raises(ScriptError, match="cannot be handed back"):
        bounded().evaluate("lambda: 1", {})


def test_data_past_the_cap_is_refused_and_the_task_data_left_as_it_was() -> None:
    context = {"note": "short"}
    with pytest.raises(ScriptBudgetExceeded, match="more than 64 KB"):
        bounded().execute("note = 'x' * 70000", context)
    assert context == {"note": "short"}


def test_only_plain_data_is_unpickled_from_an_evaluator() -> None:
    assert restricted_loads(pickle.dumps({"d": timedelta(hours=1), "s": {1, 2}})) == \
        {"d": timedelta(hours=1), "s": {1, 2}}
    with pytest.raises(ScriptError, match="process data cannot hold"):
        restricted_loads(pickle.dumps(Path("/etc/passwd")))


def test_a_wall_clock_overrun_kills_the_evaluator_and_a_new_one_serves_the_next() -> None:
    env = bounded()
    env.evaluate("1", {})
    [before] = evaluator_pool(LIMITS)._idle
    # The wall-clock deadline or the kernel's CPU limit, whichever comes first.
    with pytest.raises(ScriptBudgetExceeded, match=r"(ran longer than|used more than) 0\.5 s"):
        env.execute("s = set(range(0, (2**61 - 1) * 90000, 2**61 - 1))", {})
    assert before.process.poll() is not None  # killed and reaped
    assert env.evaluate("6 * 7", {}) == 42


def test_an_evaluator_that_died_while_idle_is_replaced_without_failing_the_script() -> None:
    env = bounded()
    env.evaluate("1", {})
    [idle] = evaluator_pool(LIMITS)._idle
    idle.process.kill()  # as the OOM killer would
    idle.process.wait()
    assert env.evaluate("2 + 3", {}) == 5


def test_task_data_that_cannot_be_sent_to_the_evaluator_is_a_script_error() -> None:
    with open(os.devnull) as handle, \
            pytest.raises(ScriptError, match="cannot be handed to the script"):
        bounded().evaluate("1", {"handle": handle})


def test_a_burst_of_evaluations_at_once_leaves_at_most_a_few_evaluators_idle() -> None:
    env = bounded()
    gate = threading.Barrier(KEEP_IDLE + 2)

    def evaluate() -> None:
        gate.wait()
        assert env.evaluate("sum(range(100))", {}) == 4950

    threads = [threading.Thread(target=evaluate) for _ in range(KEEP_IDLE + 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= len(evaluator_pool(LIMITS)._idle) <= KEEP_IDLE
