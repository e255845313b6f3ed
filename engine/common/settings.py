"""Configuration from ``LIAISON_*`` environment variables, shared by every command."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from engine.common.clock import DEFAULT_OFFICE_ZONE

# The shipped processes and forms live beside the packages in the repository.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    port: int
    processes_path: Path
    forms_path: Path
    embedded_worker: bool
    # Session cookies only over HTTPS; off by default so http://127.0.0.1 works.
    secure_cookies: bool = False
    # The office's time zone: the one staff read times in.
    timezone: str = DEFAULT_OFFICE_ZONE
    # How long a new REST API token works; 0: until revoked.
    token_days: int = 90
    # What one evaluation of BPMN Python may use, enforced by the OS, and the data cap.
    script_seconds: float = 2.0
    script_memory_mb: int = 256
    instance_data_limit_kb: int = 1024
    # The largest photo or scanned letter attached to a case.
    attachment_limit_mb: int = 10
    # The festivals the office marks with a community activity, by code
    # (engine/activities/festivals.py); empty: the usual five.
    festivals: tuple[str, ...] = ()
    # How many days before a festival its activity is started, to plan and announce it.
    festival_lead_days: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings, defaulting to a SQLite file in ``instance/``."""
        env = os.environ if env is None else env
        instance = Path(env.get("LIAISON_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
        url = env.get("LIAISON_DATABASE_URL") or f"sqlite:///{instance / 'liaison.sqlite3'}"
        return cls(
            instance_path=instance,
            database_url=url,
            port=int(env.get("LIAISON_PORT", "5000")),
            processes_path=Path(env.get("LIAISON_PROCESSES_PATH") or PROJECT_ROOT / "processes"),
            forms_path=Path(env.get("LIAISON_FORMS_PATH") or PROJECT_ROOT / "forms"),
            embedded_worker=env.get("LIAISON_EMBEDDED_WORKER", "1") not in {"0", "false", "no"},
            secure_cookies=env.get("LIAISON_SECURE_COOKIES", "0").strip().lower()
            in {"1", "true", "yes", "on"},
            timezone=env.get("LIAISON_TIMEZONE") or DEFAULT_OFFICE_ZONE,
            token_days=_whole_days(env.get("LIAISON_TOKEN_DAYS", "90"), "LIAISON_TOKEN_DAYS"),
            script_seconds=_positive(env, "LIAISON_SCRIPT_SECONDS", 2.0, float),
            script_memory_mb=_positive(env, "LIAISON_SCRIPT_MEMORY_MB", 256, int),
            instance_data_limit_kb=_positive(env, "LIAISON_INSTANCE_DATA_LIMIT_KB", 1024, int),
            attachment_limit_mb=_positive(env, "LIAISON_ATTACHMENT_LIMIT_MB", 10, int),
            festivals=_codes(env.get("LIAISON_FESTIVALS", ""), "LIAISON_FESTIVALS"),
            festival_lead_days=_lead_days(env.get("LIAISON_FESTIVAL_LEAD_DAYS", "30"),
                                          "LIAISON_FESTIVAL_LEAD_DAYS"),
        )

    def __post_init__(self) -> None:
        if self.script_memory_mb < 32:  # the evaluator's own imports need some headroom
            raise ValueError("LIAISON_SCRIPT_MEMORY_MB must be at least 32")

    @property
    def token_lifetime(self) -> timedelta | None:
        """How long a new API token works, or None when tokens never expire."""
        return timedelta(days=self.token_days) if self.token_days else None

    @property
    def attachment_limit_bytes(self) -> int:
        return self.attachment_limit_mb * 1024 * 1024

    @property
    def uploads_path(self) -> Path:
        """Where attached files are kept (``engine/attachments/storage.py``)."""
        return self.instance_path / "uploads"

    def ensure_instance_path(self) -> Path:
        self.instance_path.mkdir(parents=True, exist_ok=True)
        (self.instance_path / "uploads").mkdir(exist_ok=True)
        return self.instance_path


def _whole_days(value: str, name: str) -> int:
    try:
        days = int(value.strip() or "0")
    except ValueError:
        days = -1
    if days < 0:
        raise ValueError(f"{name} must be a whole number of days, 0 or more; it is {value!r}")
    return days


def _codes(value: str, name: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in value.split(","))
    if codes == ("",):
        return ()
    if "" in codes:
        raise ValueError(f"{name} must be codes separated by commas, with none empty; "
                         f"it is {value!r}")
    return codes


# A festival's activity is planned within the year before it, never after.
MAX_LEAD_DAYS = 365


def _lead_days(value: str, name: str) -> int:
    try:
        days = int(value.strip() or "30")
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_LEAD_DAYS:
        raise ValueError(f"{name} must be a whole number of days from 0 to {MAX_LEAD_DAYS}; "
                         f"it is {value!r}")
    return days


_Number = TypeVar("_Number", int, float)


def _positive(env: Mapping[str, str], name: str, default: _Number,
              kind: type[_Number]) -> _Number:
    text = env.get(name)
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {text!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be more than 0, not {text!r}")
    return value
