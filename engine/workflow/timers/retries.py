"""A timer or schedule that failed: count the attempt and back off exponentially."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

# However often it failed, a retry is at most an hour away.
MAX_BACKOFF = timedelta(hours=1)


class Retried(Protocol):
    attempts: int
    last_error: str | None


def count_failure(row: Retried, error: Exception, *, now: datetime) -> datetime:
    """Note the failed attempt on ``row`` and return when to try again: 2, 4, 8 … seconds."""
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"
    return now + min(timedelta(seconds=2 ** row.attempts), MAX_BACKOFF)
