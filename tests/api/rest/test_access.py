"""Every REST endpoint but the public ones refuses a missing or revoked token and a missing role.

The table is the app's own URL map: an endpoint added later is covered
without touching this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule, UUIDConverter

from api.rest import PREFIX
from api.rest.access import Access, access_of
from engine.system import System
from tests.support.api import Caller, caller, check_error, make_app
from tests.support.people import create_role, grant_role

ALL_ROLES = ("customer_service", "equipment_operations", "cleaning", "security", "finance",
             "service_centre", "supervisor", "superior", "process_owner", "administrator")
PAGES = ("api-docs.", "api_reference.")  # the document and its reference page are public


def operations(app: Flask) -> Iterator[tuple[str, str, str, Access]]:
    """(method, path, endpoint, access) of every REST operation, path arguments filled in."""
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith(PREFIX) or rule.endpoint.startswith(PAGES):
                continue
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                path = rule.build(_samples(rule), append_unknown=False)
                assert path is not None
                yield method, path[1].removeprefix(PREFIX), rule.endpoint, \
                    access_of(rule.endpoint, method)


def _samples(rule: Rule) -> dict[str, object]:
    samples: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            samples[name] = 1
        elif isinstance(converter, UUIDConverter):
            samples[name] = uuid.UUID(int=1)
        else:
            samples[name] = "C-2026-000001"
    return samples


@pytest.fixture
def app(system: System) -> Flask:
    return make_app(system)


def test_the_table_covers_every_resource(app: Flask) -> None:
    found = {(m, e) for m, _, e, _ in operations(app)}
    assert len(found) >= 16
    assert {e.split(".")[0] for _, e in found} == {
        "api_auth", "api_users", "api_processes", "api_instances", "api_tasks", "api_cases",
        "api_attachments", "api_public", "api_return_visits", "api_festivals"}
    public = {e for _, _, e, a in operations(app) if a.public}
    assert public == {"api_auth.Tokens", "api_public.TrackedCase", "api_festivals.Festivals"}


# CSRF protection is on in these apps: a POST answered 401 (not the CSRF 400) also shows
# that every REST resource is exempt from it, as bearer-token endpoints must be.
def test_no_token_and_a_revoked_token_are_refused_everywhere(app: Flask,
                                                             system: System) -> None:
    revoked = caller(system, app, "everyone", *ALL_ROLES)
    token_id = revoked.ok("GET", "/auth/tokens")[0]["id"]
    revoked.ok("DELETE", f"/auth/tokens/{token_id}", 204)
    anonymous = Caller(app.test_client(), None)
    wrong_scheme = Caller(app.test_client(), None)
    checked = 0
    for method, path, endpoint, access in operations(app):
        if access.public:
            continue
        for who in (anonymous, revoked):
            body = check_error(who.call(method, path, json={}), 401, "not_authenticated")
            assert body["message"], endpoint
        basic = wrong_scheme.call(method, path, headers={"Authorization": "Basic Y2xlcms6eA=="})
        check_error(basic, 401)
        checked += 1
    assert checked >= 14


def test_a_token_without_the_role_is_refused_everywhere(app: Flask, system: System) -> None:
    no_role = caller(system, app, "visitor")
    for method, path, endpoint, access in operations(app):
        if access.public or access.any_user:
            continue
        check_error(no_role.call(method, path, json={}), 403, "permission_denied")
        if access.roles:  # holding every other role is not enough either
            username = f"not-{endpoint.replace('.', '-')}-{method}".lower()
            others = caller(system, app, username, *(set(ALL_ROLES) - access.roles))
            body = check_error(others.call(method, path, json={}), 403, "permission_denied")
            assert all(role in body["message"] for role in access.roles)


def test_roles_are_read_on_every_request(app: Flask, system: System) -> None:
    clerk = caller(system, app, "newcomer")
    check_error(clerk.get("/tasks"), 403)
    grant_role(system, "newcomer", "customer_service")
    assert clerk.ok("GET", "/tasks")["total"] == 0  # the same token, the new role


def test_the_public_endpoints_need_no_token(app: Flask, system: System) -> None:
    with system.sessions() as session:
        create_role(session, "customer_service")
        session.commit()
    anonymous = Caller(app.test_client(), None)
    check_error(anonymous.get("/public/cases/ABCDEFGHJK"), 404, "not_found")
    assert anonymous.get("/openapi.json").status_code == 200
    check_error(anonymous.post("/auth/tokens", json={"username": "x", "password": "y"}), 401)
