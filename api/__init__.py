"""The Flask application: staff pages and the REST API over the engine."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask

from api import errors, health, rest
from api.database import init_database
from api.rest import auth, cases, instances, processes, public, reference, tasks
from engine.bootstrap import System, build_system
from engine.settings import Settings

# Every blueprint, in one place; REST resources register through flask-smorest,
# which documents them in /api/v1/openapi.json.
BLUEPRINTS: list[Blueprint] = [
    health.blueprint,
    reference.blueprint,
    auth.blueprint,
    processes.blueprint,
    instances.blueprint,
    tasks.blueprint,
    cases.blueprint,
    public.blueprint,
]


def create_app(config: Mapping[str, Any] | None = None, *, system: System | None = None) -> Flask:
    """Create the app; ``system`` lets tests and ``liaison serve`` hand in a built engine."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env()
    system = system or build_system(settings)
    app = Flask(__name__, instance_path=str(system.settings.instance_path))
    app.config.update(SECRET_KEY=_secret_key(system.settings), **config)
    app.extensions["liaison"] = system
    init_database(app)
    rest_api = rest.init_app(app)
    for blueprint in BLUEPRINTS:
        if isinstance(blueprint, rest.Resource):
            rest_api.register_blueprint(blueprint)
        else:
            app.register_blueprint(blueprint)
    errors.init_app(app)
    return app


def _secret_key(settings: Settings) -> str:
    """Generate the session-signing key on first run and keep it in the instance folder."""
    path = settings.ensure_instance_path() / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
