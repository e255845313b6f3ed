"""``/api/v1/reference``: the interactive API reference, from swagger-ui-dist in node_modules.

Everything is served by Liaison itself (offices may be offline): the page,
its start-up script and the two Swagger UI files it needs, nothing else.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory
from werkzeug.exceptions import NotFound

from api.rest import PREFIX
from engine.common.settings import PROJECT_ROOT

HERE = Path(__file__).parent / "static"
SWAGGER_UI = "swagger-ui-dist"
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")
# Swagger UI sets style attributes and inlines its icons as data: images; scripts stay 'self'.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
          "form-action 'self'; frame-ancestors 'none'")

blueprint = Blueprint("api_reference", __name__, url_prefix=f"{PREFIX}/reference")


@blueprint.get("")
def page() -> Response:
    return _with_policy(send_from_directory(HERE, "reference.html"))


@blueprint.get("/reference.js")
def start_script() -> Response:
    return send_from_directory(HERE, "reference.js")


@blueprint.get("/assets/<name>")
def asset(name: str) -> Response:
    if name not in SWAGGER_FILES:
        raise NotFound("no such asset")
    root = Path(current_app.config.get("LIAISON_ASSETS_PATH", PROJECT_ROOT / "node_modules"))
    return send_from_directory(root / SWAGGER_UI, name, max_age=24 * 3600)


def _with_policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    return response
