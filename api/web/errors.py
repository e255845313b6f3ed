"""The one place errors become HTTP answers: JSON for the API, a page for people.

Paths under ``/api/`` and ``/healthz`` answer ``{code, message, errors}``;
every other path gets an HTML page in the layout and the person's language,
and never a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from api.web.i18n import N_
from api.web.throttle import retry_after_seconds
from engine.common.errors import (
    Conflict,
    DefinitionError,
    FormInvalid,
    LiaisonError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    VoteInputError,
    plain_params,
)

STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, FormInvalid: 422,
          DefinitionError: 422, VoteInputError: 422, NotAuthenticated: 401,
          PreconditionFailed: 412}
# A 401 names the scheme to answer it with (RFC 9110).
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="liaison"'}

# status -> (title, explanation) of the page a person sees.
PAGES: dict[int, tuple[str, str]] = {
    400: (N_("Bad request"), N_("The request could not be understood. Go back and try again.")),
    403: (N_("Not allowed"), N_("Your roles do not give you access to this page. "
                                "Ask your supervisor if you need it.")),
    404: (N_("Page not found"), N_("There is no page at this address. "
                                   "Check the link, or start again from the home page.")),
    405: (N_("Not allowed"), N_("This page cannot be used that way.")),
    409: (N_("Changed in the meantime"), N_("Someone else changed this first. "
                                            "Reload the page to see the latest state.")),
    413: (N_("Too large to send"), N_("What was sent is larger than this page accepts. "
                                      "Go back and choose a smaller file.")),
    422: (N_("Cannot be done"), N_("What was sent cannot be accepted. "
                                   "Go back, check the form and try again.")),
    429: (N_("Too many requests"), N_("Too many requests came from your network address. "
                                      "Wait a few minutes, then try again.")),
    500: (N_("Something went wrong"), N_("The error has been logged. Try again in a moment; "
                                         "if it keeps happening, tell the administrator.")),
}
CSRF_PAGE = (N_("This form has expired"),
             N_("For your security, a form only works in the session it was opened in. "
                "Go back, reload the page and send it again."))


def status_of(error: LiaisonError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(error: LiaisonError) -> dict[str, Any]:
    """Return the one JSON error shape: ``{code, message, errors}``, with ``message_code``
    and ``params`` where the message has a code."""
    details: list[dict[str, object]] = []
    if isinstance(error, DefinitionError):
        details = [p.as_dict() for p in error.problems]
    elif isinstance(error, FormInvalid):
        details = [e.as_dict() for e in error.errors]
    coded = ({"message_code": error.message_code, "params": plain_params(error.params)}
             if error.message_code else {})
    return {"code": error.code, "message": error.message, **coded, "errors": details,
            **({"context": error.context()} if error.context() else {})}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_page(status: int, page: tuple[str, str] | None = None,
               headers: Mapping[str, str] | None = None) -> ResponseReturnValue:
    """Render the error page for ``status``; if even that fails, a bare page, still no trace."""
    title, text = page or PAGES.get(status) or PAGES[500 if status >= 500 else 400]
    try:
        return render_template("errors/error.html", status=status, title=gettext(title),
                               text=gettext(text)), status, dict(headers or {})
    except Exception:  # the layout needs the database, which may be what failed
        current_app.logger.exception("the error page itself failed")
        return (f"<!doctype html><title>{status}</title><h1>{status}</h1>", status,
                {**(headers or {}), "Content-Type": "text/html; charset=utf-8"})


def field_errors(messages: Any, path: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """Flatten marshmallow's nested messages into ``[{field, message}]``, as forms report them.

    The request location (``json``, ``query``, ``files``) is left out of the
    field name, so ``complainant.name`` reads the same whichever check caught it.
    """
    if isinstance(messages, Mapping):
        return [error for key, value in messages.items()
                for error in field_errors(value, (*path, str(key)))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": ".".join(path[1:]), "message": m} for m in messages]
    return [{"field": ".".join(path[1:]), "message": str(messages)}]


def init_app(app: Flask) -> None:
    @app.errorhandler(LiaisonError)
    def liaison_error(error: LiaisonError) -> ResponseReturnValue:
        status = status_of(error)
        if wants_json():
            return error_body(error), status, CHALLENGE if status == 401 else {}
        return error_page(status)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        # A request refused by api/web/throttle.py says when the address may try again.
        wait = retry_after_seconds() if status == 429 else None
        headers = {"Retry-After": str(wait)} if wait is not None else {}
        if wants_json():
            # webargs (behind flask-smorest) puts request validation errors in ``data``.
            messages = (getattr(error, "data", None) or {}).get("messages")
            return ({"code": (error.name or "error").lower().replace(" ", "_"),
                     "message": error.description or "",
                     "errors": field_errors(messages) if messages else []}, status, headers)
        return error_page(status, CSRF_PAGE if isinstance(error, CSRFError) else None, headers)
