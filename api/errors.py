"""The one place engine errors become HTTP answers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DefinitionError,
    FormInvalid,
    LiaisonError,
    NotFound,
    PermissionDenied,
)

STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, FormInvalid: 422,
          DefinitionError: 422}


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


def init_app(app: Flask) -> None:
    @app.errorhandler(LiaisonError)
    def liaison_error(error: LiaisonError) -> tuple[dict[str, Any], int]:
        return error_body(error), status_of(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[dict[str, Any], int]:
        return ({"code": (error.name or "error").lower().replace(" ", "_"),
                 "message": error.description or "", "errors": []}, error.code or 500)
