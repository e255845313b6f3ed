"""The step and time budget of one script run, and ranges that charge it as C code walks them.

Every loop round and call a script makes ticks the budget of its run
(``current_budget``); once it is spent, every later tick fails too, so a
script that catches the error cannot go on.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, NoReturn

from engine.common.errors import ScriptBudgetExceeded, ScriptError, ScriptRefused

__all__ = ["Budget", "LongRange", "current_budget", "fail", "guarded_range", "refuse"]

CHECK_EVERY = 16         # ticks between clock readings: reading the clock costs more than a tick
RANGE_CHUNK = 4096       # longer ranges charge the budget as C code iterates them


class Budget:
    """Steps and wall time one script run may use; once exceeded, every tick fails."""

    __slots__ = ("deadline", "failure", "next_check", "step_budget", "steps", "time_budget")

    def __init__(self, step_budget: int, time_budget: float) -> None:
        self.steps = 0
        self.step_budget = step_budget
        self.time_budget = time_budget
        self.deadline = time.monotonic() + time_budget
        self.next_check = min(CHECK_EVERY, step_budget + 1)
        self.failure: ScriptError | None = None

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self.next_check:
            self.check()

    def charge(self, steps: int) -> None:
        self.steps += steps
        if self.steps >= self.next_check:
            self.check()

    def check(self) -> None:
        if self.failure is not None:
            failure = self.failure
            raise type(failure)(failure.message, message_code=failure.message_code,
                                params=failure.params)
        if self.steps > self.step_budget:
            self.fail(ScriptBudgetExceeded(
                f"the script took more than {self.step_budget:,} steps (loop rounds and calls)",
                message_code="scripts.too_many_steps", params={"steps": self.step_budget}))
        if time.monotonic() > self.deadline:
            self.fail(ScriptBudgetExceeded(f"the script ran longer than {self.time_budget:g} s",
                                           message_code="scripts.too_long",
                                           params={"seconds": f"{self.time_budget:g}"}))
        self.next_check = min(self.steps + CHECK_EVERY, self.step_budget + 1)

    def fail(self, error: ScriptError) -> NoReturn:
        # Sticky: a script that catches the error still fails at its next tick and at the end.
        if self.failure is None:
            self.failure = error
        self.next_check = 0
        raise error



current_budget: ContextVar[Budget | None] = ContextVar("liaison_script_budget", default=None)


def fail(error: ScriptError) -> NoReturn:
    """Fail the running script with ``error``, for good: its budget keeps the failure."""
    budget = current_budget.get()
    if budget is not None:
        budget.fail(error)
    raise error


def refuse(reason: str) -> NoReturn:
    fail(ScriptRefused(reason))


def _metered(numbers: range) -> Iterator[int]:
    # A range handed back to SpiffWorkflow is iterated after the run: give it a budget of its own.
    budget = current_budget.get() or Budget(100_000, 2.0)
    for start in itertools.count(0, RANGE_CHUNK):
        part = numbers[start:start + RANGE_CHUNK]
        if not part:
            return
        budget.charge(len(part))
        yield from part


class LongRange:
    """A range too long for C code to iterate freely: iterating it charges the step budget."""

    __slots__ = ("_range",)

    def __init__(self, numbers: range) -> None:
        self._range = numbers

    def __iter__(self) -> Iterator[int]:
        return _metered(self._range)

    def __reversed__(self) -> Iterator[int]:
        return _metered(self._range[::-1])

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: object) -> bool:
        return item in self._range

    def __getitem__(self, index: Any) -> Any:
        item = self._range[index]
        return _wrap_range(item) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self._range)

    start = property(lambda self: self._range.start)
    stop = property(lambda self: self._range.stop)
    step = property(lambda self: self._range.step)

    def count(self, value: Any) -> int:
        return self._range.count(value)

    def index(self, value: Any) -> int:
        return self._range.index(value)


def _wrap_range(numbers: range) -> range | LongRange:
    try:
        return numbers if len(numbers) <= RANGE_CHUNK else LongRange(numbers)
    except OverflowError:  # longer than sys.maxsize
        return LongRange(numbers)


def guarded_range(*args: Any) -> range | LongRange:
    return _wrap_range(range(*args))

