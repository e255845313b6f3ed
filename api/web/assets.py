"""Front-end packages from ``node_modules``, served by Liaison itself (offices may be offline).

Only the files listed here are served; anything else, and any path that tries
to leave its package, is 404. Templates link with ``asset_url(package, path)``,
which adds the package's version, so browsers may cache for a year.
"""

from __future__ import annotations

import json
import posixpath
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_from_directory, url_for

from engine.common.settings import PROJECT_ROOT

__all__ = ["ALLOWED", "asset_url", "blueprint", "init_app"]

# package -> files, or folders ending in "/" whose files may all be served.
ALLOWED: dict[str, tuple[str, ...]] = {
    "htmx.org": ("dist/htmx.min.js",),
    "bpmn-js": (
        "dist/bpmn-viewer.production.min.js",
        "dist/bpmn-navigated-viewer.production.min.js",
        "dist/bpmn-modeler.production.min.js",
        "dist/assets/",
    ),
}
ONE_YEAR = 365 * 24 * 3600

blueprint = Blueprint("assets", __name__)


def _allowed(package: str, path: str) -> bool:
    if path != posixpath.normpath(path) or path.startswith(("/", "..")):
        return False
    return any(path == entry or (entry.endswith("/") and path.startswith(entry))
               for entry in ALLOWED.get(package, ()))


@blueprint.get("/assets/<package>/<path:path>")
def asset(package: str, path: str) -> Response:
    if not _allowed(package, path):
        abort(404)
    root: Path = current_app.config["LIAISON_ASSETS_PATH"]
    # send_from_directory refuses, again, anything outside the package folder.
    response = send_from_directory(root / package, path, max_age=ONE_YEAR)
    response.cache_control.immutable = True
    return response


def asset_url(package: str, path: str) -> str:
    """The URL of a whitelisted package file, versioned so a year's caching is safe."""
    return url_for("assets.asset", package=package, path=path,
                   v=_version(current_app.config["LIAISON_ASSETS_PATH"], package))


@cache
def _version(root: Path, package: str) -> str:
    try:
        version: str = json.loads((root / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "0"
    return version


def init_app(app: Flask) -> None:
    app.config.setdefault("LIAISON_ASSETS_PATH", PROJECT_ROOT / "node_modules")
    app.add_template_global(asset_url)
