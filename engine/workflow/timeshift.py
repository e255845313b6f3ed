"""Make SpiffWorkflow's timers read our injected clock instead of the wall clock.

SpiffWorkflow's timer event definitions call ``datetime.now()`` directly, so a
test could only move time by sleeping and an instance could not be replayed
at a chosen moment. We give that one module a ``datetime`` whose ``now()``
asks the clock of the engine operation running in this thread (a context
variable), and the wall clock otherwise. Everything else about it is the
standard ``datetime``, including ``isinstance`` checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.common.clock import Clock

_clock: ContextVar[Clock | None] = ContextVar("liaison_clock", default=None)


class _AnyDatetime(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, datetime)


class ClockedDatetime(datetime, metaclass=_AnyDatetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _clock.get()
        if clock is None:
            return datetime.now(tz)
        now = clock.now()
        return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)


@contextmanager
def running_on(clock: Clock) -> Iterator[None]:
    """Let SpiffWorkflow's timers in this thread see ``clock`` until the block ends."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)


spiff_timer.datetime = ClockedDatetime
