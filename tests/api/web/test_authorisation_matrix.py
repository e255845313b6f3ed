"""Every endpoint as every caller, against the one permission table in ``api/web/permissions.py``.

The endpoints come from the app's own URL map, so a route added later is
called here without touching this file; one missing from the table stops the
app. Callers: a visitor, a signed-in user without a role, and one user per
role the lanes use, each with a session for the pages and a token for the API.
Path arguments name real objects: a case with a letter, and for each caller a
task open to every role, so what is checked is the table, not the lane.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Blueprint, Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

import api
from api import create_app
from api.rest import Resource
from api.web import permissions
from api.web.navigation import NAV
from api.web.permissions import API, PAGES, STAFF, Permission, UndeclaredEndpoint, declared
from api.web.security import HEADERS
from engine.cases.models import ReplyLetter
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory import demo
from engine.directory.models import ApiToken, User
from engine.meetings.ballots import issue_ballot_tokens
from engine.meetings.petitions import record_petition
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from tests.api.conftest import add_user, csrf_token, sign_in
from tests.support.api import token_of
from tests.support.case_pages import open_office
from tests.support.cases import HANDLED
from tests.support.diagrams import bundle, chain, user_task
from tests.support.meetings import elected_committee, noticed_meeting, owners_estate, unit_ids

OPEN_TO_ALL = "open_to_all"  # a process without lanes: its task is offered to everyone
REFUSALS = {"sign-in", "401", "403"}


@dataclass
class Caller:
    """One person calling: pages with their session, the API with their token."""

    name: str
    roles: frozenset[str] | None  # None: not signed in
    client: FlaskClient
    token: str | None = None
    objects: dict[str, object] = field(default_factory=dict)
    signed_out: bool = False  # by one of the SIGN_OUTS, which come last

    def call(self, method: str, path: str, *, api: bool) -> TestResponse:
        if api:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            return self.client.open(path, method=method, headers=headers,
                                    json={} if method != "GET" else None)
        # A page with a form, to each.
        form = "/login" if self.roles is None or self.signed_out else "/inbox"
        data = {"csrf_token": csrf_token(self.client, form)} if method != "GET" else None
        return self.client.open(path, method=method, data=data)


def lane_roles(system: System) -> list[str]:
    return sorted(set(system.rt.lane_roles.values()))


DEMO_ROLES = [code for code, _, _ in demo.ROLES]
# Each demo role alone, and each demo user's roles where they hold more than one.
ROLE_SETS = [(code, (code,)) for code in DEMO_ROLES] + [
    (f"demo {seed.username}", seed.roles) for seed in demo.STAFF if len(seed.roles) > 1]


def open_task_for_everyone(system: System, actor: str) -> tuple[int, str]:
    """Start the lane-less process; return its instance and its one open task."""
    with system.sessions() as session:
        instance = start_instance(session, system.rt, process_id=OPEN_TO_ALL, actor=actor)
        task_id = session.scalars(select(HumanTask.id)
                                  .where(HumanTask.instance_id == instance.id)).one()
        session.commit()
        return instance.id, task_id


def spare_token(system: System, username: str) -> int:
    """A second token of the user's, for the revocation endpoint to revoke."""
    token_of(system, username)
    with system.sessions() as session:
        return session.scalars(select(func.max(ApiToken.id)).join(User)
                               .where(User.username == username)).one()


@pytest.fixture
def world(shipped: System, clock: FrozenClock) -> dict[str, object]:
    """The objects every caller shares: a letter case of the office's estate."""
    with shipped.sessions() as session:
        deploy(session, shipped.rt, bundle(OPEN_TO_ALL, chain(OPEN_TO_ALL, user_task("look"))),
               actor="tests")
        session.commit()
    case = open_office(shipped, clock).case(channel="letter", address="和諧花園 A座 1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "Dear Mr Chan"})
    with shipped.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    registered = case.case()
    instance_id, task_id = open_task_for_everyone(shipped, "tests")
    return {"number": registered.number, "letter_id": letter_id,
            "instance_id": instance_id, "task_id": task_id, "token_id": 1,
            # Someone the administrator's endpoints act on, never one of the callers.
            "username": "clerk",
            "tracking_code": registered.tracking_code, **owners_meeting(shipped),
            # No such feedback item or attachment: a 404 still shows the table let the caller
            # through.
            "item_id": 1, "attachment_id": 1, "month": "2026-02", "activity_id": 1,
            # Files the app serves, and a language to switch to.
            "package": "htmx.org", "path": "dist/htmx.min.js", "filename": "liaison.css",
            "name": "swagger-ui.css", "code": "zh"}


def owners_meeting(system: System) -> dict[str, object]:
    """An elected committee, an open meeting with a ballot link, and a petition short of 20 %."""
    estate = owners_estate(system, units=[str(101 + i) for i in range(10)])
    committee_id = elected_committee(system, estate).data()["committee_id"]
    meeting = noticed_meeting(system, estate)
    units = unit_ids(system, estate)
    with system.sessions() as session:
        token = issue_ballot_tokens(session, system.rt, meeting_id=meeting.meeting_id(),
                                    unit_ids=units[:1])[units[0]]
        petition = record_petition(session, system.rt, estate_id=estate.id, purpose="Lifts",
                                   signed_unit_ids=units[:1], actor="tests")
        session.commit()
        return {"committee_id": committee_id, "meeting_id": meeting.meeting_id(),
                "estate_id": estate.id, "token": token, "petition_id": petition.id,
                "unit_id": units[1]}


def callers(system: System, app: Flask, clock: FrozenClock) -> Iterator[Caller]:
    """The visitor, a user without a role, and one user per demo role set, each with a task."""
    yield Caller("anonymous", None, app.test_client())
    for name, roles in [("no role", ()), *ROLE_SETS]:
        username = "as-" + (name.replace(" ", "-"))
        add_user(system, clock, username, roles=roles)
        client = app.test_client()
        assert sign_in(client, username).status_code == 302
        instance_id, task_id = open_task_for_everyone(system, username)
        yield Caller(name, frozenset(roles), client, token_of(system, username),
                     {"instance_id": instance_id, "task_id": task_id,
                      "token_id": spare_token(system, username)})


# Each ends the caller's session, so they come last (signing out everywhere, then out).
SIGN_OUTS = {"auth.logout", "auth.sign_out_everywhere"}


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) of the app; signing out last, as it ends the session."""
    found = [(rule, method) for rule in app.url_map.iter_rules()
             for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda rm: (rm[0].endpoint in SIGN_OUTS, rm[0].rule, rm[1]))


def path_of(rule: Rule, objects: dict[str, object]) -> str:
    missing = set(rule.arguments) - set(objects)
    assert not missing, f"{rule.endpoint}: give the test an object for {sorted(missing)}"
    built = rule.build({name: objects[name] for name in rule.arguments}, append_unknown=False)
    assert built is not None
    return built[1]


def expected(permission: Permission, caller: Caller, *, api: bool) -> str:
    if permission.public:
        return "served"
    if caller.roles is None:
        return "401" if api else "sign-in"
    return "served" if permission.admits(caller.roles) else "403"


def outcome(response: TestResponse, *, api: bool) -> str:
    status = response.status_code
    if api and status in (401, 403):
        code = response.get_json()["code"]
        assert code == {401: "not_authenticated", 403: "permission_denied"}[status], code
    if status == 401:
        return "401"
    if status == 403:
        return "403"
    if status in (302, 303) and response.headers["Location"].startswith("/login?next=/"):
        return "sign-in"
    return "served"


def test_the_callers_hold_every_demo_role_and_every_role_a_lane_offers_work_to(
        shipped: System) -> None:
    assert set(lane_roles(shipped)) <= set(DEMO_ROLES)
    assert {"supervisor", "customer_service"} in [set(roles) for _, roles in ROLE_SETS]


def test_every_endpoint_and_method_is_in_the_table(app: Flask) -> None:
    assert permissions.undeclared(app) == []
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PAGES) | set(API) == endpoints, "the table names endpoints the app lacks"
    assert not set(PAGES) & set(API)
    rest = {rule.endpoint for rule in app.url_map.iter_rules()
            if isinstance(app.blueprints.get(rule.endpoint.split(".")[0]), Resource)}
    assert rest == set(API), "REST resources belong in API, everything else in PAGES"


def test_an_undeclared_endpoint_stops_the_app(system: System,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    survey = Blueprint("survey", __name__)
    survey.add_url_rule("/survey/<code>", "answer", lambda code: code, methods=["GET", "POST"])
    monkeypatch.setattr(api, "BLUEPRINTS", [*api.BLUEPRINTS, survey])

    missing = re.escape("survey.answer GET; survey.answer POST")
    with pytest.raises(UndeclaredEndpoint, match=missing):
        create_app({"TESTING": True}, system=system)


def test_a_view_marker_that_disagrees_with_the_table_stops_the_app(
        system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(API, "api_tasks.Assign", STAFF)

    with pytest.raises(UndeclaredEndpoint, match="the view says role supervisor, the table any"):
        create_app({"TESTING": True}, system=system)


def test_a_route_added_later_without_a_declaration_is_refused(app: Flask) -> None:
    app.add_url_rule("/later", "later", lambda: "open?")

    with pytest.raises(UndeclaredEndpoint,
                       match=re.escape("later is not in api/web/permissions.py")):
        app.test_client().get("/later")


def test_every_route_answers_every_caller_as_the_table_says(
        app: Flask, shipped: System, clock: FrozenClock, world: dict[str, object]) -> None:
    mismatches, calls = [], 0
    for caller in callers(shipped, app, clock):
        objects = {**world, **caller.objects}
        for rule, method in routes(app):
            entry = declared(app, rule.endpoint)
            assert entry is not None
            path = path_of(rule, objects)
            with caller.call(method, path, api=entry.api) as response:
                got = outcome(response, api=entry.api)
                _check_headers(response, f"{method} {path}")
            caller.signed_out |= rule.endpoint in SIGN_OUTS
            want = expected(entry.for_method(rule.endpoint, method), caller, api=entry.api)
            calls += 1
            if got != want:
                mismatches.append(f"{caller.name:22} {method:6} {path}: {got} "
                                  f"({response.status_code}), the table says {want}")
    assert not mismatches, "\n".join(mismatches)
    assert calls >= 13 * 38


@pytest.mark.parametrize(("name", "roles"), ROLE_SETS)
def test_the_navigation_offers_a_role_exactly_the_pages_the_table_lets_it_open(
        app: Flask, system: System, clock: FrozenClock, name: str,
        roles: tuple[str, ...]) -> None:
    add_user(system, clock, "staff", roles=roles)
    client = app.test_client()
    sign_in(client, "staff")

    page = client.get("/inbox").get_data(as_text=True)
    nav = page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    shown = {href.split('"', 1)[0] for href in nav.split('href="')[1:]}

    with app.test_request_context():
        allowed = {url_for(link.endpoint) for link in NAV
                   if declared(app, link.endpoint) is not None
                   and permissions.permission_of(link.endpoint, "GET").admits(set(roles))}
    assert shown == allowed
    assert all(client.get(href).status_code == 200 for href in shown)


def _check_headers(response: TestResponse, what: str) -> None:
    # Some pages widen their policy (the case diagram, the letter, the API reference).
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], what
    for name, value in HEADERS.items():
        if name != "Content-Security-Policy":
            assert response.headers[name] == value, (what, name)


# The owner's form rides on no session, so it carries no CSRF token: its signed time stamp
# refuses a post that did not come from the page instead (api/cases/intake.py).
OWN_GUARD = {"public.raise_case": "Your form could not be accepted as it was sent."}


def test_a_post_without_the_csrf_token_is_refused_on_every_page_and_changes_nothing(
        app: Flask, shipped: System, clock: FrozenClock, world: dict[str, object]) -> None:
    add_user(shipped, clock, "boss", roles=tuple(lane_roles(shipped)))
    client = app.test_client()
    sign_in(client, "boss")
    before = _state(shipped)
    posted = []
    for rule, method in routes(app):
        entry = declared(app, rule.endpoint)
        if method == "GET" or entry is None or entry.api:
            continue
        path = path_of(rule, world)
        response = client.open(path, method=method, data={"to": "boss", "action": "submit"})
        assert response.status_code == 400, (method, path, response.status_code)
        assert OWN_GUARD.get(rule.endpoint, "This form has expired") in response.get_data(
            as_text=True)
        posted.append(rule.endpoint)
    assert _state(shipped) == before
    assert client.get("/inbox").status_code == 200  # still signed in: logout was refused too
    assert {"auth.login", "auth.logout", "tasks.submit", "assignment.claim",
            "approvals.decide", "cases.new", "meetings.paper_ballot", "meetings.links",
            "meetings.petition", "meetings.start_meeting", "ballot.paper",
            "public.raise_case"} <= set(posted)


def _state(system: System) -> tuple[Any, ...]:
    """What a post could change: the audit log and the open tasks with their holders."""
    with system.sessions() as session:
        return (session.scalar(select(func.count()).select_from(AuditEvent)),
                sorted(tuple(row) for row in session.execute(
                    select(HumanTask.id, HumanTask.assignee))))
