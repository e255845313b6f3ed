"""Who may use each endpoint: one table, read by the checks and by the authorisation test.

Every Flask endpoint is declared here, pages and assets in ``PAGES``, the
token-authenticated REST resources in ``API``, with one of:

==============  ===================================  ================================
permission      who is let in                        everyone else
==============  ===================================  ================================
``PUBLIC``      anyone, signed in or not
``SIGNED_IN``   a signed-in user (pages) or a valid  pages: to the sign-in page and
                token (API), whatever their roles    back; API: 401
``STAFF``       a user holding any staff role        as above; no role: 403
``role(...)``   a user holding one of these roles    as above; other roles: 403
==============  ===================================  ================================

Declaring a new endpoint is one line in ``PAGES`` (or ``API``), keyed by its
Flask endpoint name (``blueprint.view``; a REST resource: ``api_<name>.<Class>``)::

    "survey.answer": PUBLIC,
    "committee.minutes": role(SUPERVISOR),
    "api_auth.Tokens": {"GET": SIGNED_IN, "POST": PUBLIC},  # rules differing by method

``create_app`` refuses to build an app with an endpoint that is not declared,
and ``tests/api/test_authorisation_matrix.py`` calls every endpoint as every
role and checks the answer against this table. Pages are checked before their
view runs (``check_page``), REST resources by the token guard
(``api/rest/access.py``); both read ``permission_of``. A view's own
``login_required``/``roles_required`` (pages) or ``@requires`` marker (API)
stays as a second line, and the marker must say what the table says.
What an object allows (a task offered to another lane, a case of another
estate) is still decided by the engine, after this check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue

from api.web.auth import current_user
from api.web.urls import here
from engine.workflow.viewer import SUPERVISOR

__all__ = ["API", "PAGES", "PUBLIC", "SIGNED_IN", "STAFF", "Permission", "UndeclaredEndpoint",
           "check_page", "declare", "init_app", "permission_of", "role", "undeclared"]

CUSTOMER_SERVICE = "customer_service"
PROCESS_OWNER = "process_owner"
ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Permission:
    """Who may use an endpoint: everyone, anyone signed in, any staff role, or one of ``roles``."""

    public: bool = False
    any_user: bool = False               # signed in (pages) or a valid token (API); no role needed
    roles: frozenset[str] = field(default_factory=frozenset)  # one of them; empty: any role

    def admits(self, held: frozenset[str] | set[str]) -> bool:
        """Tell whether a signed-in user holding ``held`` roles may pass."""
        if self.public or self.any_user:
            return True
        return bool(held & self.roles) if self.roles else bool(held)

    def describe(self) -> str:
        if self.public:
            return "public"
        if self.any_user:
            return "any signed-in user"
        return "role " + " or ".join(sorted(self.roles)) if self.roles else "any staff role"


PUBLIC = Permission(public=True)
SIGNED_IN = Permission(any_user=True)
STAFF = Permission()


def role(*codes: str) -> Permission:
    """Let in only users holding one of the role ``codes``."""
    return Permission(roles=frozenset(codes))


Rule = Permission | Mapping[str, Permission]  # one rule, or one per HTTP method

# Pages, assets and probes: the session cookie says who is signed in.
PAGES: dict[str, Rule] = {
    "static": PUBLIC,
    "assets.asset": PUBLIC,
    "health.healthz": PUBLIC,
    "i18n.switch": PUBLIC,
    "public.home": PUBLIC,
    "public.track": PUBLIC,
    "public.raise_case": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,  # an expired session may still press "Sign out"
    "auth.account": SIGNED_IN,
    "auth.sign_out_everywhere": SIGNED_IN,
    "inbox.index": SIGNED_IN,
    "tasks.show": SIGNED_IN,
    "tasks.submit": SIGNED_IN,
    "assignment.claim": SIGNED_IN,
    "assignment.release": SIGNED_IN,
    "assignment.reassign": role(SUPERVISOR),
    "cases.show": SIGNED_IN,
    "cases.letter": SIGNED_IN,
    "cases.receipt_letter": SIGNED_IN,
    "cases.new": role(CUSTOMER_SERVICE, SUPERVISOR),
    "cases.units": role(CUSTOMER_SERVICE, SUPERVISOR),
    "cases.earlier": role(CUSTOMER_SERVICE, SUPERVISOR),
    # A case's files: whoever reads the case (the engine answers 404 to anyone else).
    "attachments.upload": SIGNED_IN,
    "attachments.show": SIGNED_IN,
    "attachments.thumbnail": SIGNED_IN,
    # The monthly return visits: staff follow the rounds; supervisors open one, write scripts.
    "return_visits.index": SIGNED_IN,
    "return_visits.month": SIGNED_IN,
    "return_visits.open_month": role(SUPERVISOR),
    "return_visits.script": role(SUPERVISOR),
    "return_visits.save_script": role(SUPERVISOR),
    "activities.index": SIGNED_IN,
    "activities.show": SIGNED_IN,
    "approvals.index": role(SUPERVISOR),
    "approvals.decide": role(SUPERVISOR),
    # The yearly survey: owners answer by code; staff follow the campaign and its results.
    "surveys.enter_code": PUBLIC,
    "surveys.answer_form": PUBLIC,
    "surveys.submit": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.index": SIGNED_IN,
    "surveys.show": SIGNED_IN,
    "surveys.results": SIGNED_IN,
    "surveys.results_csv": SIGNED_IN,
    "surveys.results_xlsx": SIGNED_IN,
    # Each paper form carries a code that answers it and the owner's address: the desk only.
    "surveys.printable_forms": role(CUSTOMER_SERVICE, SUPERVISOR),
    "surveys.enter": role(CUSTOMER_SERVICE, SUPERVISOR),
    "surveys.confirm": role(CUSTOMER_SERVICE, SUPERVISOR),
    "committees.index": role(CUSTOMER_SERVICE, SUPERVISOR),
    "committees.show": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.index": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.show": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.live": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.paper_ballot": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.links": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.links_print": role(SUPERVISOR),
    "meetings.reissue_link": role(SUPERVISOR),
    "meetings.petition": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.petition_show": role(CUSTOMER_SERVICE, SUPERVISOR),
    "meetings.start_meeting": role(SUPERVISOR),
    "ballot.paper": PUBLIC,  # the one-time link is the owner's credential
    # The API's OpenAPI document and its reference page: read without a token.
    "api-docs.openapi_json": PUBLIC,
    "api_reference.page": PUBLIC,
    "api_reference.start_script": PUBLIC,
    "api_reference.asset": PUBLIC,
}

# REST resources under /api/v1: a bearer token says who calls (api/rest/access.py).
API: dict[str, Rule] = {
    "api_auth.Tokens": {"GET": SIGNED_IN, "POST": PUBLIC},
    "api_auth.Token": SIGNED_IN,
    # An administrator acting on another user's account.
    "api_users.SignOut": role(ADMINISTRATOR),
    "api_users.Tokens": role(ADMINISTRATOR),
    "api_users.Token": role(ADMINISTRATOR),
    "api_processes.Processes": {"GET": STAFF, "POST": role(PROCESS_OWNER)},
    "api_processes.Validation": role(PROCESS_OWNER),
    "api_instances.Instances": STAFF,
    "api_instances.Instance": STAFF,
    "api_tasks.Tasks": STAFF,
    "api_tasks.Task": STAFF,
    "api_tasks.Claim": STAFF,
    "api_tasks.Release": STAFF,
    "api_tasks.Assign": role(SUPERVISOR),
    "api_tasks.Complete": STAFF,
    "api_cases.Cases": role(CUSTOMER_SERVICE),
    "api_cases.OneCase": STAFF,
    "api_public.TrackedCase": PUBLIC,
    "api_return_visits.ReturnVisits": {"GET": STAFF, "POST": role(SUPERVISOR)},
    "api_attachments.Attachments": STAFF,
    "api_attachments.AttachmentContent": STAFF,
    "api_festivals.Festivals": PUBLIC,  # festival dates are no secret; throttled as lookups
}

EXTRA = "liaison.permissions"  # app.extensions key: endpoints a test app adds after creation


class UndeclaredEndpoint(RuntimeError):
    """An endpoint has no entry in the permission table: a programming error, never a 403."""


@dataclass(frozen=True)
class Declared:
    rule: Rule
    api: bool

    def for_method(self, endpoint: str, method: str) -> Permission:
        if isinstance(self.rule, Permission):
            return self.rule
        # HEAD is answered by GET's view, so it has GET's rule.
        permission = self.rule.get("GET" if method == "HEAD" else method)
        if permission is None:
            raise UndeclaredEndpoint(f"{endpoint} {method} is not in api/web/permissions.py")
        return permission


def declared(app: Flask, endpoint: str) -> Declared | None:
    """The table's entry for ``endpoint``, or None."""
    extra: dict[str, Declared] = app.extensions.get(EXTRA, {})
    if endpoint in extra:
        return extra[endpoint]
    if endpoint in API:
        return Declared(API[endpoint], api=True)
    if endpoint in PAGES:
        return Declared(PAGES[endpoint], api=False)
    return None


def permission_of(endpoint: str, method: str) -> Permission:
    """The rule for one method of an endpoint of the current app; undeclared is an error."""
    entry = declared(current_app, endpoint)
    if entry is None:
        raise UndeclaredEndpoint(f"{endpoint} is not in api/web/permissions.py")
    return entry.for_method(endpoint, method)


def declare(app: Flask, endpoint: str, rule: Rule, *, api: bool = False) -> None:
    """Declare an endpoint added to one app after ``create_app`` (a test's own route)."""
    app.extensions.setdefault(EXTRA, {})[endpoint] = Declared(rule, api)


def undeclared(app: Flask) -> list[str]:
    """Each ``endpoint METHOD`` of the app that the table does not cover."""
    missing = []
    for url_rule in app.url_map.iter_rules():
        entry = declared(app, url_rule.endpoint)
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):  # HEAD is GET
            try:
                if entry is None:
                    raise UndeclaredEndpoint(url_rule.endpoint)
                permission = entry.for_method(url_rule.endpoint, method)
            except UndeclaredEndpoint:
                missing.append(f"{url_rule.endpoint} {method}")
                continue
            marker = _marker(app.view_functions[url_rule.endpoint], method)
            if marker is not None and marker != permission:
                missing.append(f"{url_rule.endpoint} {method}: the view says "
                               f"{marker.describe()}, the table {permission.describe()}")
    return missing


def _marker(view: Any, method: str) -> Permission | None:
    """The permission a REST view marks itself with (``@requires`` and the like), if any."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    marker: Permission | None = getattr(view, "access", None)
    return marker


def check_page() -> ResponseReturnValue | None:
    """Before every page: send visitors to sign in, refuse users lacking the role (403)."""
    if request.endpoint is None or request.method == "OPTIONS":
        return None  # no such route (404/405 follow), or a CORS preflight
    entry = declared(current_app, request.endpoint)
    if entry is None:
        raise UndeclaredEndpoint(f"{request.endpoint} is not in api/web/permissions.py")
    if entry.api:
        return None  # the REST guard checks the token (api/rest/access.py)
    permission = entry.for_method(request.endpoint, request.method)
    if permission.public:
        return None
    user = current_user()
    if user is None:
        return redirect(url_for("auth.login", next=here()))
    if not permission.admits(user.role_codes):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    """Refuse an app with an undeclared endpoint; check every page request against the table."""
    missing = undeclared(app)
    if missing:
        raise UndeclaredEndpoint("declare these in api/web/permissions.py: " + "; ".join(missing))
    app.before_request(check_page)
