"""Limits per client address on the surfaces where an outsider can guess: lookups and sign-in.

Flask-Limiter counts the requests. Its storage is in memory by default, which
counts per web process: with N gunicorn workers an address gets up to N times
the limit. ``LIAISON_RATELIMIT_STORAGE`` names a shared storage instead, e.g.
``redis://127.0.0.1:6379``, so every process counts against one figure.

Three shared buckets per address: ``intake`` (cases owners raise on the public
page: each one starts a case, so few are let through) and ``lookup`` (tracking codes, survey codes,
ballot links, on pages and in the API alike: they guess the same kind of
secret) and ``sign_in`` (the sign-in form and ``POST /api/v1/auth/tokens``).
A refusal is a 429 with ``Retry-After``, written by ``api/web/errors.py``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit

__all__ = ["DEFAULT_INTAKE_LIMIT", "DEFAULT_LOOKUP_LIMIT", "DEFAULT_SIGN_IN_LIMIT", "init_app",
           "intake", "limiter", "lookup", "retry_after_seconds", "sign_in"]

# Far above what an office, or an estate's owners behind one carrier-grade NAT address, do
# by hand; far below a guesser (the sign-in form also blocks an address after 20 failures).
DEFAULT_LOOKUP_LIMIT = "120 per minute; 1200 per hour"
DEFAULT_SIGN_IN_LIMIT = "60 per minute; 600 per hour"
# A household raises a few matters at a time, and corrects a form a few times.
DEFAULT_INTAKE_LIMIT = "6 per minute; 30 per hour"


def _client_address() -> str:
    # The same address auth.client_address reads: ProxyFix has applied LIAISON_TRUSTED_PROXIES.
    return request.remote_addr or "unknown"


def _remember_wait(limit: RequestLimit) -> None:
    g.rate_limit_reset_at = max(limit.reset_at, getattr(g, "rate_limit_reset_at", 0))


limiter = Limiter(key_func=_client_address, on_breach=_remember_wait, headers_enabled=False)

lookup = limiter.shared_limit(lambda: current_app.config["LIAISON_RATELIMIT_LOOKUP"],
                              scope="lookup")
# Only sending the form counts, not reading the page it is on.
intake = limiter.shared_limit(lambda: current_app.config["LIAISON_RATELIMIT_INTAKE"],
                              scope="intake", methods=["POST"])
# Only attempts count, not opening the sign-in page.
sign_in = limiter.shared_limit(lambda: current_app.config["LIAISON_RATELIMIT_SIGN_IN"],
                               scope="sign_in", methods=["POST"])


def retry_after_seconds() -> int | None:
    """Whole seconds until this request's breached limit lets the address in again, or None."""
    reset_at = getattr(g, "rate_limit_reset_at", None)
    if reset_at is None:
        return None
    return max(1, math.ceil(reset_at - time.time()))


def configure(app: Flask, env: Mapping[str, str]) -> None:
    """Read storage and limits from ``LIAISON_RATELIMIT_*``; what the app's config sets wins."""
    app.config.setdefault("RATELIMIT_STORAGE_URI",
                          env.get("LIAISON_RATELIMIT_STORAGE", "").strip() or "memory://")
    app.config.setdefault("LIAISON_RATELIMIT_LOOKUP",
                          env.get("LIAISON_RATELIMIT_LOOKUP", "").strip() or DEFAULT_LOOKUP_LIMIT)
    app.config.setdefault("LIAISON_RATELIMIT_SIGN_IN",
                          env.get("LIAISON_RATELIMIT_SIGN_IN", "").strip()
                          or DEFAULT_SIGN_IN_LIMIT)
    app.config.setdefault("LIAISON_RATELIMIT_INTAKE",
                          env.get("LIAISON_RATELIMIT_INTAKE", "").strip() or DEFAULT_INTAKE_LIMIT)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "liaison")
    # A moving window: no double burst across the edge of two fixed windows.
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Redis down: count in this process meanwhile rather than answer every lookup with a 500.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)


def init_app(app: Flask, env: Mapping[str, str] | None = None) -> None:
    configure(app, os.environ if env is None else env)
    limiter.init_app(app)
