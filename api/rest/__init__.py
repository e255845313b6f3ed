"""The REST API under ``/api/v1``: flask-smorest resources, documented from their schemas.

Each resource is a ``Resource`` blueprint (listed in ``api/__init__.py``);
every one of its endpoints checks the bearer token and the caller's roles
(``api/rest/access.py``) unless its view is marked ``@public``. The OpenAPI
document is served at ``/api/v1/openapi.json``, the reference page at
``/api/v1/reference``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, current_app, request
from flask_smorest import Api, Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from api.rest.access import guard
from api.rest.schemas.common import ErrorRead
from api.web.security import exempt_from_csrf

__all__ = ["PREFIX", "Resource", "RestApi", "init_app"]

PREFIX = "/api/v1"
MAX_JSON_BYTES = 1024 * 1024          # a task form or a case: a few kilobytes in practice
MAX_UPLOAD_BYTES = 10 * 1024 * 1024   # BPMN, DMN and form files of one deployment


class IdConverter(IntegerConverter):
    """``<id:…>``, ``<id(bits=32):…>``: a database key; one past its column's range is a 404."""

    def __init__(self, url_map: Map, bits: int = 64) -> None:
        super().__init__(url_map, min=1, max=2 ** (bits - 1) - 1)


class CodeConverter(BaseConverter):
    """``<code:…>``: a case number or tracking code, letters, digits and dashes."""

    regex = "[A-Za-z0-9-]{1,40}"


CONVERTERS: dict[str, tuple[type[BaseConverter], Callable[[Any], dict[str, Any]]]] = {
    "id": (IdConverter, lambda c: {"type": "integer", "minimum": 1, "maximum": c.max}),
    "code": (CodeConverter, lambda c: {"type": "string", "pattern": f"^{c.regex}$"}),
}


class Parser(FlaskParser):
    """webargs' parser, plus ``multipart``: the files and the fields of one upload together.

    A body Python's JSON decoder cannot hold (nested past the interpreter's
    recursion limit, an integer of more than 4,300 digits) is a 400 like any
    other invalid JSON, never a 500.
    """

    def __init__(self) -> None:
        super().__init__()
        self.location_loader("multipart")(self._load_multipart)

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise  # webargs words these itself
        except (RecursionError, ValueError) as error:
            abort(400, exc=error, messages={"json": [
                "Invalid JSON body: nested too deeply or a number too long."]})

    @staticmethod
    def _load_multipart(req: Request, schema: Schema) -> MultiDictProxy:
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


class Resource(Blueprint):
    """One REST resource under ``/api/v1``; its Flask name is prefixed to stay clear of pages."""

    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {  # noqa: RUF012 (read-only, as in flask-smorest)
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}

    def __init__(self, name: str, import_name: str, *, path: str, description: str) -> None:
        super().__init__(f"api_{name}", import_name, url_prefix=PREFIX + path,
                         description=description)
        self.tag = name
        self.before_request(_limit_body)
        self.before_request(guard)

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None,
              **options: Any) -> Any:
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)


class RestApi(Api):
    ERROR_SCHEMA = ErrorRead

    def _register_error_handlers(self) -> None:
        """Leave error handling to ``api/web/errors.py``, the one place errors become HTTP."""

    def register_blueprint(self, blp: Blueprint, **options: Any) -> None:
        super().register_blueprint(blp, **options)
        if isinstance(blp, Resource):
            # flask-smorest tags a resource by its Flask name; the plain name reads better.
            self.spec._tags[-1] = {"name": blp.tag, "description": blp.description}
            # The API authenticates by bearer token, never by the session cookie, so a
            # cross-site form cannot act with anyone's rights here: CSRF does not apply.
            exempt_from_csrf(blp)


def init_app(app: Flask) -> RestApi:
    """Configure the OpenAPI document and return the API to register resources with."""
    app.config.setdefault("LIAISON_API_MAX_JSON_BYTES", MAX_JSON_BYTES)
    app.config.setdefault("LIAISON_API_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    app.config.update(
        API_TITLE="Liaison", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX, OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Cases, tasks, processes and instances of Liaison, in JSON. "
                                    "Every non-2xx answer is `{code, message, errors}`."},
            "security": [{"bearer": []}],
        })
    api = RestApi(app)
    for name, (converter, schema_of) in CONVERTERS.items():
        app.url_map.converters[name] = converter
        api.register_converter(converter, schema_of)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer",
                   "description": "a token from POST /api/v1/auth/tokens"})
    return api


def _limit_body() -> None:
    """Refuse an oversized body before anything reads it (413)."""
    key = ("LIAISON_API_MAX_UPLOAD_BYTES" if request.mimetype == "multipart/form-data"
           else "LIAISON_API_MAX_JSON_BYTES")
    limit: int = current_app.config[key]
    request.max_content_length = limit  # also stops a chunked body that runs past it
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the request body may be at most {limit} bytes")
