"""CSRF protection on every form and the security headers on every response.

Every POST, PUT, PATCH and DELETE must carry the session's CSRF token: forms
include ``{{ csrf_token() }}`` in a hidden ``csrf_token`` field, htmx sends it
in the ``X-CSRFToken`` header (set once on ``<body>`` in ``base.html``). A
request without a valid token is refused with a 400 page (see ``api/web/errors.py``).

A JSON API blueprint authenticated by a bearer token, not by the session
cookie, is not exposed to CSRF; register it with ``exempt_from_csrf(blueprint)``.

The client's address (which the sign-in limit counts by) is the connection's
peer, unless ``LIAISON_TRUSTED_PROXIES`` says how many reverse proxies stand in
front: then it is read from that many entries of ``X-Forwarded-For``, never more,
so a client cannot pick its own address by sending the header itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Blueprint, Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["HEADERS", "SessionCookie", "csrf", "exempt_from_csrf", "init_app",
           "trusted_proxies"]

csrf = CSRFProtect()

# Everything from this server, nothing inline: scripts live in static files. A page that
# truly needs another policy (a printable letter with its own styles) sets its own header.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Files and the probe: cached for a year, or polled; a session cookie has no business there.
WITHOUT_SESSION_COOKIE = frozenset({"static", "assets.asset", "api_reference.asset",
                                    "api_reference.start_script", "health.healthz"})


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, not renewed on the responses that serve files."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint in WITHOUT_SESSION_COOKIE and not session.modified:
            return False
        return super().should_set_cookie(app, session)


def exempt_from_csrf(blueprint: Blueprint) -> Blueprint:
    """Exempt a token-authenticated API blueprint (never one that reads the session)."""
    csrf.exempt(blueprint)
    return blueprint


def trusted_proxies(env: Mapping[str, str]) -> int:
    """How many reverse proxies ``LIAISON_TRUSTED_PROXIES`` declares (0 when unset)."""
    value = env.get("LIAISON_TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ValueError("LIAISON_TRUSTED_PROXIES must be a whole number of proxies, "
                         f"not {value!r}")
    return int(value)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.session_interface = SessionCookie()
    proxies = app.config.setdefault("LIAISON_TRUSTED_PROXIES", trusted_proxies(os.environ))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
