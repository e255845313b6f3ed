"""Who may call what: every REST endpoint needs a bearer token and a staff role unless marked.

The guard runs before the request body is read, so an unauthenticated
caller learns nothing from validation errors. Roles come from the database
on every request: someone who joins a role has it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, request

from api.database import db, system
from engine.api_tokens import verify_token
from engine.errors import PermissionDenied
from engine.models import User
from engine.viewer import Viewer

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset[str] = frozenset()  # any one of them; empty: any staff role
    any_user: bool = False               # a token suffices, no role needed (its own tokens)

    def describe(self) -> str:
        if self.public:
            return "public"
        if self.any_user:
            return "any valid token"
        return "role " + " or ".join(sorted(self.roles)) if self.roles else "any staff role"


STAFF = Access()


def public(view: F) -> F:
    """Open to anyone, without a token."""
    view.access = Access(public=True)  # type: ignore[attr-defined]
    return view


def any_user(view: F) -> F:
    """Needs a valid token, but no role."""
    view.access = Access(any_user=True)  # type: ignore[attr-defined]
    return view


def requires(*roles: str) -> Callable[[F], F]:
    """Needs a token whose user holds one of ``roles``."""
    def mark(view: F) -> F:
        view.access = Access(roles=frozenset(roles))  # type: ignore[attr-defined]
        return view
    return mark


def access_of(endpoint: str, method: str) -> Access:
    """The access rule of an endpoint's method; ``STAFF`` unless the view says otherwise."""
    view: Any = current_app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None) or getattr(view_class, "get", None)
    access: Access = getattr(view, "access", STAFF)
    return access


def guard() -> None:
    """Before every REST request: check the token and the roles its endpoint needs."""
    if request.endpoint is None or request.method == "OPTIONS":
        return  # no such route (404/405 follow), or a CORS preflight
    access = access_of(request.endpoint, request.method)
    if access.public:
        return
    user = verify_token(db(), system().rt, token=_bearer_token())
    viewer = Viewer.of(user)
    if not access.any_user and not (viewer.roles & access.roles if access.roles
                                    else viewer.roles):
        raise PermissionDenied(f"this needs {access.describe()}; "
                               f"{user.username} holds {', '.join(sorted(viewer.roles)) or 'none'}")
    g.api_user, g.viewer = user, viewer


def current_viewer() -> Viewer:
    viewer: Viewer = g.viewer
    return viewer


def current_user() -> User:
    user: User = g.api_user
    return user


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
