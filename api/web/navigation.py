"""The staff navigation bar, in one list: a new page adds its link here.

A link shows once its endpoint is registered and the permission table
(``api/web/permissions.py``) lets the user in, so the bar never offers a page
that answers 403, and endpoints not yet built (404) are left out. ``init_app`` also hands
``base.html`` what every page needs: the user, the locale, the switcher's links.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, gettext

from api.web.auth import current_user
from api.web.i18n import LOCALES, N_, html_lang
from api.web.permissions import declared
from api.web.urls import here
from engine.directory.models import User

__all__ = ["NAV", "NavLink", "init_app", "links_for"]


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str  # an N_()-marked message id, translated when shown

    @property
    def section(self) -> str:
        """The blueprint the link leads to: its pages mark the link as current."""
        return self.endpoint.rpartition(".")[0]


NAV: list[NavLink] = [
    NavLink("inbox.index", N_("Inbox")),
    NavLink("cases.new", N_("Register a case")),
    NavLink("approvals.index", N_("Approvals")),
    NavLink("return_visits.index", N_("Return visits")),
    NavLink("activities.index", N_("Community activities")),
    NavLink("surveys.index", N_("Surveys")),
    NavLink("meetings.index", N_("General meetings")),
    NavLink("committees.index", N_("Owners' committees")),
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
            for link in NAV if _admits(link.endpoint, user)]


def _admits(endpoint: str, user: User) -> bool:
    """Tell whether the page exists and its entry in the permission table lets the user in."""
    if endpoint not in current_app.view_functions:
        return False
    entry = declared(current_app, endpoint)
    return entry is not None and entry.for_method(endpoint, "GET").admits(user.role_codes)


def init_app(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict[str, object]:
        """What ``base.html`` needs on every page."""
        return {"nav_links": links_for(current_user()), "current_user": current_user,
                "here": here, "locale": str(get_locale()), "locales": LOCALES,
                "html_lang": html_lang}
