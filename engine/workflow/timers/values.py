"""What a timer may wait for: a real ISO 8601 date, duration or cycle, within a century.

A timer's value may come from a script expression, so it is checked before
SpiffWorkflow reads it: SpiffWorkflow counts a duration out month by month,
and ``P100000000Y`` would keep the engine busy for hours.
"""

from __future__ import annotations

import re
from typing import Literal

from engine.workflow.timers.iso8601 import LITERAL, is_literal

__all__ = ["MAX_YEARS", "TimerKind", "timer_value_problem"]

TimerKind = Literal["date", "duration", "cycle"]
MAX_YEARS = 100
_MAX_DAYS = MAX_YEARS * 366
_EXAMPLES = {"date": "2027-01-01T09:00:00+08:00", "duration": "PT24H or P3D",
             "cycle": "R/2027-01-01T09:00:00+08:00/P1Y or R3/PT1H"}
_DATE_UNITS = {"Y": 366.0, "M": 31.0, "W": 7.0, "D": 1.0}
_TIME_UNITS = {"H": 1 / 24, "M": 1 / 1440, "S": 1 / 86400}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")


def timer_value_problem(value: object, kind: TimerKind | None = None) -> str | None:
    """Say in plain words why ``value`` cannot be a timer of ``kind``; None when it can."""
    wanted = f"an ISO 8601 {kind or 'date, duration or cycle'}"
    example = _EXAMPLES[kind] if kind else "PT24H, 2027-01-01T09:00:00+08:00 or R/P1D"
    if not isinstance(value, str):
        return f"the timer needs {wanted} as text, such as {example}; " \
               f"it got a value of type {type(value).__name__}"
    text = value.strip()
    shown = text if len(text) <= 60 else text[:57] + "..."
    match = LITERAL.fullmatch(text) if len(text) <= 200 else None
    if match is None or not is_literal(text):
        return f"the timer needs {wanted}, such as {example}; it got {shown!r}"
    found: TimerKind = "duration" if match.group("duration") else \
        "date" if match.group("date") else "cycle"
    if kind is not None and found != kind:
        return f"the timer needs {wanted}, such as {example}; it got the {found} {shown!r}"
    if any(_days(part) > _MAX_DAYS for part in text.split("/") if part.startswith("P")):
        return f"the timer {shown!r} is longer than {MAX_YEARS} years"
    return None


def _days(duration: str) -> float:
    date_part, _, time_part = duration[1:].partition("T")
    return (sum(float(n) * _DATE_UNITS[u] for n, u in _AMOUNT.findall(date_part))
            + sum(float(n) * _TIME_UNITS[u] for n, u in _AMOUNT.findall(time_part)))
