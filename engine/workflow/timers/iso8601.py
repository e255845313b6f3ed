"""ISO 8601 timer values a process owner can write as they are: PT24H, dates, cycles."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime, timedelta

DURATION = (r"P(?=T?\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
            r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?")
DATETIME = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?"
LITERAL = re.compile(
    rf"(?P<duration>{DURATION})|(?P<date>{DATETIME})"
    rf"|R\d*/(?:(?P<start>{DATETIME})/{DURATION}|{DURATION}/(?P<end>{DATETIME})"
    rf"|{DURATION})")


def is_literal(text: str) -> bool:
    """Tell whether ``text`` is a whole, valid ISO 8601 duration, date-time or cycle."""
    match = LITERAL.fullmatch(text.strip())
    if match is None:
        return False
    # The pattern fixes the shape; fromisoformat catches a 13th month or a 31st of June.
    try:
        for stamp in (match.group(g) for g in ("date", "start", "end")):
            if stamp:
                datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return True


def after(start: datetime, duration: str) -> datetime:
    """Return ``start`` plus an ISO 8601 duration, months and years by the calendar."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    if re.fullmatch(DURATION, duration.strip()) is None:
        raise ValueError(f"{duration!r} is not an ISO 8601 duration such as PT24H or P3D")
    parsed = TimerEventDefinition.parse_iso_duration(duration.strip())
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


@dataclass(frozen=True)
class Recurrence:
    """When a timer start event falls due: one date, or a cycle of them.

    Occurrence *k* is computed from the first one (start + k × period, months
    and years by the calendar), never from the previous one, so a monthly
    schedule that starts on the 31st does not drift to the 28th.
    """

    first: datetime
    period: str | None = None  # ISO 8601 duration between occurrences; None: it happens once
    count: int | None = 1      # how many occurrences in all; None: no end

    def occurrence(self, k: int) -> datetime:
        if k == 0 or self.period is None:
            return self.first
        return _shifted(self.first, _parse_duration(self.period), k)

    def first_after(self, moment: datetime, *, inclusive: bool = False) -> datetime | None:
        """Return the earliest occurrence after ``moment`` (or at it), None when none is left."""
        if self.period is None:
            hit = self.first >= moment if inclusive else self.first > moment
            return self.first if hit else None
        # Jump close by average period length, then walk: a decade of hourly cycles stays cheap.
        step = self.occurrence(1) - self.first
        k = max(0, int((moment - self.first) / step) - 1) if moment > self.first else 0
        while True:
            if self.count is not None and k >= self.count:
                return None
            at = self.occurrence(k)
            if at > moment or (inclusive and at == moment):
                return at
            k += 1


def recurrence(text: str, *, anchor: datetime) -> Recurrence:
    """Read a timer start event's date, duration or cycle; ``anchor`` is when it was deployed.

    A duration or a cycle without a start date counts from the anchor.
    """
    value = text.strip()
    match = LITERAL.fullmatch(value)
    if match is None or not is_literal(value):
        raise ValueError(f"{text!r} is not an ISO 8601 date, duration or cycle")
    if match.group("date"):
        return Recurrence(_aware(value, anchor))
    if match.group("duration"):
        return Recurrence(after(anchor, value))
    repeats, *parts = value.split("/")
    count = int(repeats[1:]) if repeats[1:] else None
    if match.group("start"):
        return Recurrence(_aware(parts[0], anchor), parts[1], count)
    if match.group("end"):
        end = _aware(parts[1], anchor)
        return Recurrence(_shifted(end, _parse_duration(parts[0]), -1), parts[0], count)
    return Recurrence(after(anchor, parts[0]), parts[0], count)


def _aware(stamp: str, anchor: datetime) -> datetime:
    moment = datetime.fromisoformat(stamp)
    # A date without a zone means the zone the office deployed in; UTC is all we know here.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=anchor.tzinfo)


def _parse_duration(duration: str) -> dict[str, float]:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    parsed: dict[str, float] = TimerEventDefinition.parse_iso_duration(duration.strip())
    return parsed


def _shifted(start: datetime, parts: dict[str, float], k: int) -> datetime:
    """``start`` moved by ``k`` times the duration; a month past the 28th keeps to the month."""
    months = round((parts.get("years", 0) * 12 + parts.get("months", 0)) * k)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    moved = start.replace(year=year, month=month + 1,
                          day=min(start.day, monthrange(year, month + 1)[1]))
    return moved + k * timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0),
                                 hours=parts.get("hours", 0), minutes=parts.get("minutes", 0),
                                 seconds=parts.get("seconds", 0))
