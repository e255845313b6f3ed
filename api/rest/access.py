"""Who may call what: the REST side of the permission table in ``api/web/permissions.py``.

The guard runs before the request body is read, so an unauthenticated
caller learns nothing from validation errors. Roles come from the database
on every request: someone who joins a role has it at once. A view may carry
its rule as a marker (``@public``, ``@any_user``, ``@requires``) for the
reader; ``create_app`` refuses a marker that disagrees with the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from api.web.database import db, system
from api.web.permissions import PUBLIC, SIGNED_IN, Permission, permission_of, role
from engine.common.errors import PermissionDenied
from engine.directory.models import User
from engine.directory.tokens import verify_token
from engine.workflow.viewer import Viewer

F = TypeVar("F", bound=Callable[..., Any])

Access = Permission  # the name the REST resources have always used

__all__ = ["Access", "access_of", "any_user", "current_user", "current_viewer",
           "guard", "public", "requires"]


def public(view: F) -> F:
    """Open to anyone, without a token."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def any_user(view: F) -> F:
    """Needs a valid token, but no role."""
    view.access = SIGNED_IN  # type: ignore[attr-defined]
    return view


def requires(*roles: str) -> Callable[[F], F]:
    """Needs a token whose user holds one of ``roles``."""
    def mark(view: F) -> F:
        view.access = role(*roles)  # type: ignore[attr-defined]
        return view
    return mark


def access_of(endpoint: str, method: str) -> Permission:
    """The rule of an endpoint's method, as the permission table declares it."""
    return permission_of(endpoint, method)


def guard() -> None:
    """Before every REST request: check the token and the roles its endpoint needs."""
    if request.endpoint is None or request.method == "OPTIONS":
        return  # no such route (404/405 follow), or a CORS preflight
    access = access_of(request.endpoint, request.method)
    if access.public:
        return
    user = verify_token(db(), system().rt, token=_bearer_token())
    viewer = Viewer.of(user)
    if not access.admits(viewer.roles):
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
