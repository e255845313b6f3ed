"""Who is signed in: sign-in and sign-out, ``current_user``, ``login_required``, ``roles_required``.

The signed session cookie holds only the user's id. The user, with their roles,
is read from the database once per request, so a role granted or taken away
counts from the next request on, and a deactivated user is signed out at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, gettext

from api.database import db, system
from api.urls import here, safe_next
from engine.errors import AccountLocked, LoginRefused
from engine.models import User
from engine.staff import MAX_FAILED_LOGINS, authenticate, load_user, record_sign_out

__all__ = ["SESSION_LIFETIME", "blueprint", "current_user", "login_required", "roles_required"]

P = ParamSpec("P")
R = TypeVar("R")

# A working day: a session left signed in overnight has to sign in again.
SESSION_LIFETIME = timedelta(hours=12)
# Where sign-in lands when no page asked for it.
LANDING_ENDPOINT = "inbox.index"

blueprint = Blueprint("auth", __name__)


def current_user() -> User | None:
    """The signed-in user of this request, or None; loaded once per request."""
    if "user" not in g:
        user_id = cookie_session.get("user_id")
        g.user = load_user(db(), user_id) if user_id is not None else None
    user: User | None = g.user
    return user


def login_required(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
    """Send a visitor who is not signed in to the sign-in page, and back here afterwards."""
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
        if current_user() is None:
            return redirect(url_for("auth.login", next=here()))
        return view(*args, **kwargs)
    return wrapped


def roles_required(*codes: str) -> Callable[[Callable[P, R]], Callable[P, R | ResponseReturnValue]]:
    """Let in only signed-in users holding at least one of the role ``codes``; 403 otherwise."""
    wanted = set(codes)

    def decorator(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=here()))
            if not user.role_codes & wanted:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_path or url_for(LANDING_ENDPOINT))
        return render_template("auth/login.html", next=next_path, username="", error=None)
    username = request.form.get("username", "")
    try:
        user = authenticate(db(), system().rt, username=username,
                            password=request.form.get("password", ""))
    except AccountLocked as locked:
        error = gettext("This account is locked after %(count)d failed sign-ins in a row. "
                        "Try again after %(time)s, or ask the administrator.",
                        count=MAX_FAILED_LOGINS,
                        time=format_datetime(locked.until, "yyyy-MM-dd HH:mm"))
    except LoginRefused:
        error = gettext("Unknown user name or wrong password.")
    else:
        _start_session(user)
        return redirect(next_path or url_for(LANDING_ENDPOINT))
    # 200, not 401: the failure count and its audit event are committed with the request.
    return render_template("auth/login.html", next=next_path, username=username, error=error)


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    user = current_user()
    if user is not None:
        record_sign_out(db(), system().rt, user=user)
    cookie_session.clear()
    g.pop("user", None)
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def _start_session(user: User) -> None:
    # A fresh session: nothing set before sign-in (a planted id, an old CSRF token) survives.
    cookie_session.clear()
    cookie_session["user_id"] = user.id
    cookie_session.permanent = True
    g.user = user
