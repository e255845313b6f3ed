"""The one place engine errors become HTTP answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DefinitionError,
    FormInvalid,
    LiaisonError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)

STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, FormInvalid: 422,
          DefinitionError: 422, NotAuthenticated: 401, PreconditionFailed: 412}
# A 401 names the scheme to answer it with (RFC 9110).
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="liaison"'}


def status_of(error: LiaisonError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(error: LiaisonError) -> dict[str, Any]:
    """Return the single JSON error shape: ``{code, message, errors}``."""
    details: list[dict[str, object]] = []
    if isinstance(error, DefinitionError):
        details = [p.as_dict() for p in error.problems]
    elif isinstance(error, FormInvalid):
        details = [e.as_dict() for e in error.errors]
    return {"code": error.code, "message": error.message, "errors": details,
            **({"context": error.context()} if error.context() else {})}


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
    def liaison_error(error: LiaisonError) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = status_of(error)
        return error_body(error), status, CHALLENGE if status == 401 else {}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[dict[str, Any], int]:
        # webargs (behind flask-smorest) puts request validation errors in ``data``.
        messages = (getattr(error, "data", None) or {}).get("messages")
        return ({"code": (error.name or "error").lower().replace(" ", "_"),
                 "message": error.description or "",
                 "errors": field_errors(messages) if messages else []}, error.code or 500)
