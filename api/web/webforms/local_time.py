"""Date-times between the office's wall clock and the aware ISO 8601 the processes keep.

A ``datetime-local`` input has no time zone: what staff type is the office's
local time. On the way in it becomes an aware ISO 8601 string with the
office's offset (``2026-03-02T09:30:00+08:00``); on the way out any stored
instant is shown in the office's zone, and a stored value without an offset
is taken to be office time already.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

OFFICE_TZ = "Asia/Shanghai"

TimeZone = str | tzinfo


class NoSuchLocalTime(ValueError):
    """The wall-clock time falls in a gap when the clocks went forward."""


def zone(tz: TimeZone) -> tzinfo:
    """Return the tzinfo for a zone name, or ``tz`` itself."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def to_local_input(value: str, tz: TimeZone) -> str:
    """Return the ``datetime-local`` value showing ``value`` on the office clock."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # not ours to fix here: show what is stored
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone(tz))
    return moment.strftime("%Y-%m-%dT%H:%M")


def from_local_input(text: str, tz: TimeZone) -> str:
    """Return the aware ISO 8601 string for a typed office-clock time; ValueError if none."""
    moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
        # A time skipped by a daylight-saving change does not survive a trip through UTC.
        back = moment.astimezone(UTC).astimezone(zone(tz))
        if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise NoSuchLocalTime(text)
    else:
        moment = moment.astimezone(zone(tz))
    return moment.isoformat(timespec="seconds")
