"""Who is signed in: sign-in and sign-out, ``current_user``, ``login_required``, ``roles_required``.

The signed session cookie holds only the user's id and their session
generation. The user, with their roles, is read from the database once per
request, so a role granted or taken away counts from the next request on; a
cookie whose generation is no longer the user's (they signed out, changed
password, were deactivated or signed out everywhere) opens nothing, even if a
copy of it was kept.
A network address with too many failed sign-ins is answered 429 for a while
(``engine/directory/staff.py``), here and at ``POST /api/v1/auth/tokens`` alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
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

from api.web import throttle
from api.web.database import db, system
from api.web.urls import here, safe_next
from engine.common.errors import LoginRefused
from engine.directory import accounts
from engine.directory.models import User
from engine.directory.staff import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    address_blocked_until,
    authenticate,
    load_user,
    record_blocked_sign_in,
    record_sign_out,
)
from engine.workflow.viewer import Viewer

__all__ = ["FRONT_DESK", "SESSION_LIFETIME", "blueprint", "client_address", "current_user",
           "login_required", "retry_after", "roles_required", "sign_in_blocked_until",
           "signed_in_viewer"]

P = ParamSpec("P")
R = TypeVar("R")

# A working day: a session left signed in overnight has to sign in again.
SESSION_LIFETIME = timedelta(hours=12)
# Where sign-in lands when no page asked for it.
LANDING_ENDPOINT = "inbox.index"
# The office's front desk: who registers cases and runs the surveys and owners' meetings.
FRONT_DESK = ("customer_service", "supervisor")

blueprint = Blueprint("auth", __name__)


def current_user() -> User | None:
    """The signed-in user of this request, or None; loaded once per request."""
    if "user" not in g:
        user_id = cookie_session.get("user_id")
        g.user = (load_user(db(), user_id, cookie_session.get("generation"))
                  if user_id is not None else None)
        if user_id is not None and g.user is None:
            cookie_session.clear()  # an ended session: the browser may as well forget it
    user: User | None = g.user
    return user


def signed_in_viewer() -> Viewer:
    """The signed-in user as the engine's operations see them; only behind the guards below."""
    user = current_user()
    assert user is not None  # every caller sits behind login_required or roles_required
    return Viewer.of(user)


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
@throttle.sign_in
def login() -> ResponseReturnValue:
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_path or url_for(LANDING_ENDPOINT))
        return render_template("auth/login.html", next=next_path, username="", error=None)
    username = request.form.get("username", "")
    blocked_until = sign_in_blocked_until(username)
    if blocked_until is not None:
        error = gettext("Too many failed sign-ins from this network address. "
                        "Try again after %(time)s.",
                        time=format_datetime(blocked_until, "yyyy-MM-dd HH:mm"))
        return (render_template("auth/login.html", next=next_path, username=username,
                                error=error), 429, retry_after(blocked_until))
    try:
        user = authenticate(db(), system().rt, username=username,
                            password=request.form.get("password", ""),
                            address=client_address())
    except LoginRefused:  # a locked account too: its own words would say the user exists
        error = gettext("Unknown user name or wrong password. After %(count)d failed "
                        "sign-ins in a row an account is locked for %(minutes)d minutes.",
                        count=MAX_FAILED_LOGINS, minutes=LOCKOUT // timedelta(minutes=1))
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


@blueprint.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", user=current_user())


@blueprint.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    user = current_user()
    assert user is not None  # login_required
    accounts.sign_out_everywhere(db(), system().rt, user=user, actor=user.username)
    cookie_session.clear()
    g.pop("user", None)
    flash(gettext("You have signed out on every browser and device."), "info")
    return redirect(url_for("auth.login"))


def client_address() -> str | None:
    """The caller's network address: the peer's, or the proxy's report where one is trusted."""
    return request.remote_addr  # api/web/security.py sets ProxyFix up for configured proxies


def sign_in_blocked_until(username: str) -> datetime | None:
    """Until when this address may not sign in, or None; a refusal is recorded and committed."""
    address = client_address()
    if not address:
        return None
    until = address_blocked_until(db(), system().rt, address=address)
    if until is not None:
        record_blocked_sign_in(db(), system().rt, address=address, username=username,
                               until=until)
        db().commit()  # the 429 that follows would roll the audit event back
    return until


def retry_after(until: datetime) -> dict[str, str]:
    """The ``Retry-After`` header: whole seconds from now until ``until``."""
    seconds = max(1, math.ceil((until - system().rt.clock.now()).total_seconds()))
    return {"Retry-After": str(seconds)}


def _start_session(user: User) -> None:
    # A fresh session: nothing set before sign-in (a planted id, an old CSRF token) survives.
    cookie_session.clear()
    cookie_session["user_id"] = user.id
    cookie_session["generation"] = user.session_generation
    cookie_session.permanent = True
    g.user = user
