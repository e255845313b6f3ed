"""The Flask application: staff pages and the REST API over the engine."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask

from api import rest, surveys
from api.activities import labels as activity_labels
from api.activities import pages as activity_pages
from api.activities import rest as activity_rest
from api.attachments import pages as attachment_pages
from api.attachments import rest as attachment_rest
from api.cases import approvals as case_approvals
from api.cases import pages as case_pages
from api.cases import public as case_tracking
from api.cases import rest as case_rest
from api.directory import rest as directory_rest
from api.meetings import ballot as meeting_ballot
from api.meetings import committee as committee_pages
from api.meetings import labels as meeting_labels
from api.meetings import pages as meeting_pages
from api.rest import auth as rest_auth
from api.rest import reference as rest_reference
from api.return_visits import labels as visit_labels
from api.return_visits import pages as return_visit_pages
from api.return_visits import rest as return_visit_rest
from api.web import (
    assets,
    auth,
    engine_messages,
    errors,
    health,
    i18n,
    labels,
    navigation,
    permissions,
    security,
    throttle,
    times,
)
from api.web.database import init_database
from api.workflow import labels as work_labels
from api.workflow.pages import assignment as task_assignment
from api.workflow.pages import inbox, tasks
from api.workflow.rest import instances as rest_instances
from api.workflow.rest import processes as rest_processes
from api.workflow.rest import tasks as rest_tasks
from engine.common.settings import Settings
from engine.system import System, build_system

# Every blueprint, in one place, plumbing first and then feature by feature: a new
# feature adds its own here. REST resources register through flask-smorest, which
# documents them in /api/v1/openapi.json.
BLUEPRINTS: list[Blueprint] = [
    health.blueprint,
    assets.blueprint,
    i18n.blueprint,
    auth.blueprint,
    rest_reference.blueprint,
    rest_auth.blueprint,
    # staff accounts
    directory_rest.blueprint,
    # the workflow: inbox, task pages, processes and instances
    inbox.blueprint,
    tasks.blueprint,
    task_assignment.blueprint,
    rest_processes.blueprint,
    rest_instances.blueprint,
    rest_tasks.blueprint,
    # owner cases (P1, P2)
    case_tracking.blueprint,
    case_pages.blueprint,
    case_approvals.blueprint,
    case_rest.blueprint,
    case_rest.public_blueprint,
    # photos and scanned letters on cases
    attachment_pages.blueprint,
    attachment_rest.blueprint,
    # the yearly survey (P4)
    surveys.blueprint,
    # the owners' committee and general meeting (P5, P6)
    committee_pages.blueprint,
    meeting_pages.blueprint,
    meeting_ballot.blueprint,
    # the monthly return visits (P3)
    return_visit_pages.blueprint,
    return_visit_rest.blueprint,
    # community activities on traditional festivals (P7)
    activity_pages.blueprint,
    activity_rest.blueprint,
]


def create_app(config: Mapping[str, Any] | None = None, *, system: System | None = None) -> Flask:
    """Create the app; ``system`` lets tests and ``liaison serve`` hand in a built engine."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env()
    system = system or build_system(settings)
    app = Flask(__name__, instance_path=str(system.settings.instance_path))
    app.extensions["liaison"] = system
    configure(app, system.settings, config)
    init_database(app)
    i18n.init_app(app)
    security.init_app(app)  # before the REST resources: they are exempted from CSRF
    throttle.init_app(app)
    assets.init_app(app)
    labels.init_app(app)
    meeting_labels.init_app(app)
    visit_labels.init_app(app)
    activity_labels.init_app(app)
    navigation.init_app(app)
    times.init_app(app)
    engine_messages.init_app(app)
    work_labels.init_app(app)
    rest_api = rest.init_app(app)
    for blueprint in BLUEPRINTS:
        if isinstance(blueprint, rest.Resource):
            rest_api.register_blueprint(blueprint)
        else:
            app.register_blueprint(blueprint)
    errors.init_app(app)
    permissions.init_app(app)  # last: it refuses any endpoint not in its table
    return app


def configure(app: Flask, settings: Settings, overrides: Mapping[str, Any]) -> None:
    """Session cookie, locale and CSRF settings; ``overrides`` (tests) win."""
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=auth.SESSION_LIFETIME,
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        # The token lives as long as the session: a form left open all morning still works.
        WTF_CSRF_TIME_LIMIT=None,
        # No page takes a body larger than one attached file and its form (the API sets its own).
        MAX_CONTENT_LENGTH=settings.attachment_limit_bytes + 1024 * 1024,
    )
    app.config.update(overrides)


def _secret_key(settings: Settings) -> str:
    """Generate the session-signing key on first run and keep it in the instance folder."""
    path = settings.ensure_instance_path() / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
