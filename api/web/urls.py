"""Where a redirect may go: only to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

__all__ = ["here", "safe_next"]


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a local path such as ``/inbox?page=2``, else None.

    Refuses absolute and scheme-relative URLs (``//evil.example``), backslashes
    (browsers read ``/\\evil.example`` as another host) and control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def here() -> str:
    """This request's path and query, to come back to after a detour (sign-in, language)."""
    return request.full_path.rstrip("?") if request.query_string else request.path
