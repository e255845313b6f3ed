"""ISO 8601 timer values a process owner can write as they are: PT24H, dates, cycles."""

from __future__ import annotations

import re
from datetime import datetime

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
