"""The navigation bar: built from one list, by role, only to pages that exist."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from api import create_app
from api.web import navigation
from api.web.navigation import NAV, NavLink
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import add_user, sign_in, text


def _app_with_every_page(system: System) -> Flask:
    """The app with stand-ins for the pages the navigation names but others are building."""
    app = create_app({"TESTING": True}, system=system)
    for link in NAV:
        name, _, view = link.endpoint.partition(".")
        if link.endpoint not in app.view_functions:
            stand_in = Blueprint(name, __name__, url_prefix=f"/test/{name}")
            stand_in.add_url_rule("/", view, lambda: "stand-in")
            app.register_blueprint(stand_in)
    return app


def _nav(page: str) -> str:
    return page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]


def test_staff_see_the_inbox_and_case_registration_but_not_approvals(
        system: System, clock: FrozenClock) -> None:
    client = _app_with_every_page(system).test_client()
    add_user(system, clock, roles=("customer_service",))
    sign_in(client)

    nav = _nav(text(client.get("/inbox")))

    assert 'href="/inbox" aria-current="page">Inbox<' in nav
    assert ">Register a case<" in nav
    assert "Approvals" not in nav


def test_supervisors_see_approvals_in_their_language(system: System,
                                                     clock: FrozenClock) -> None:
    client = _app_with_every_page(system).test_client()
    add_user(system, clock, "supervisor", roles=("supervisor", "customer_service"))
    sign_in(client, "supervisor")

    nav = _nav(text(client.get("/inbox", headers={"Accept-Language": "zh-CN"})))

    assert ">待辦事項<" in nav and ">登記個案<" in nav and ">審批<" in nav


def test_links_to_pages_not_yet_built_are_left_out(system: System, clock: FrozenClock,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "NAV", [*NAV, NavLink("dashboards.index", "Dashboards")])
    client = create_app({"TESTING": True}, system=system).test_client()
    add_user(system, clock, "supervisor", roles=("supervisor",))
    sign_in(client, "supervisor")

    nav = _nav(text(client.get("/inbox")))

    assert ">Inbox<" in nav and ">Register a case<" in nav and ">Approvals<" in nav
    assert "Dashboards" not in nav


def test_visitors_get_no_staff_navigation(system: System) -> None:
    page = text(create_app({"TESTING": True}, system=system).test_client().get("/"))

    assert 'class="mainnav"' not in page
    assert "Staff sign-in" in page


@pytest.mark.parametrize("roles", [("equipment_operations",), ("security",), ("cleaning",),
                                   ("customer_service",), ("supervisor",), ("superior",),
                                   ("process_owner",), ("administrator",)])
def test_every_link_a_role_is_shown_opens_for_it_and_no_link_answers_403(
        system: System, clock: FrozenClock, roles: tuple[str, ...]) -> None:
    client = create_app({"TESTING": True}, system=system).test_client()
    add_user(system, clock, "staff", roles=roles)
    sign_in(client, "staff")

    nav = _nav(text(client.get("/inbox")))
    shown = [href.split('"', 1)[0] for href in nav.split('href="')[1:]]

    assert shown and all(client.get(href).status_code == 200 for href in shown), shown
    assert ("/cases/new" in shown) == bool({"customer_service", "supervisor"} & set(roles))


def test_an_engineer_is_not_offered_case_registration(system: System, clock: FrozenClock) -> None:
    client = create_app({"TESTING": True}, system=system).test_client()
    add_user(system, clock, "engineer", roles=("equipment_operations",))
    sign_in(client, "engineer")

    nav = _nav(text(client.get("/inbox", headers={"Accept-Language": "zh-TW"})))

    assert "登記個案" not in nav and "審批" not in nav and ">待辦事項<" in nav
    assert client.get("/cases/new").status_code == 403
