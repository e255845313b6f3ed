"""The staff navigation bar, in one list: a new page adds its link here.

A link shows once its endpoint is registered and the user holds one of its
roles (no roles: every signed-in user). Endpoints not yet built are left out,
so the bar never offers a page that answers 404. ``init_app`` also hands
``base.html`` what every page needs: the user, the locale, the switcher's links.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, gettext

from api.web.auth import FRONT_DESK, current_user
from api.web.i18n import LOCALES, N_, html_lang
from api.web.urls import here
from engine.directory.models import User

__all__ = ["NAV", "NavLink", "init_app", "links_for"]


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str  # an N_()-marked message id, translated when shown
    roles: frozenset[str] = frozenset()

    @property
    def section(self) -> str:
        """The blueprint the link leads to: its pages mark the link as current."""
        return self.endpoint.rpartition(".")[0]


NAV: list[NavLink] = [
    NavLink("inbox.index", N_("Inbox")),
    NavLink("cases.new", N_("Register a case")),
    NavLink("approvals.index", N_("Approvals"), roles=frozenset({"supervisor"})),
    NavLink("surveys.index", N_("Surveys")),
    NavLink("meetings.index", N_("General meetings"),
            roles=frozenset(FRONT_DESK)),
    NavLink("committees.index", N_("Owners' committees"),
            roles=frozenset(FRONT_DESK)),
]


@dataclass(frozen=True)
class ShownLink:
    url: str
    label: str
    current: bool


def links_for(user: User | None) -> list[ShownLink]:
    """The links this user sees, translated, with the current section marked."""
    if user is None:
        return []
    return [ShownLink(url_for(link.endpoint), gettext(link.label),
                      request.blueprint == link.section)
            for link in NAV
            if link.endpoint in current_app.view_functions
            and (not link.roles or link.roles & user.role_codes)]


def init_app(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict[str, object]:
        """What ``base.html`` needs on every page."""
        return {"nav_links": links_for(current_user()), "current_user": current_user,
                "here": here, "locale": str(get_locale()), "locales": LOCALES,
                "html_lang": html_lang}
