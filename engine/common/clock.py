"""The injected clock and the office's time zone: the engine asks the time, tests freeze it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Where the offices are, unless LIAISON_TIMEZONE says otherwise: staff read times in it,
# "due today" ends at its midnight, a meeting time typed without an offset is in it.
DEFAULT_OFFICE_ZONE = "Asia/Shanghai"


def office_zone(name: str = DEFAULT_OFFICE_ZONE) -> ZoneInfo:
    """The office's time zone by its IANA name."""
    return ZoneInfo(name)


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs a timezone-aware time")
        self._now = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at.astimezone(UTC)
