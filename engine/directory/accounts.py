"""Staff accounts as an administrator keeps them: end sessions, set a password, deactivate.

Each of these bumps the user's ``session_generation``, so a session cookie
saved before it opens nothing afterwards, on any browser. API tokens are
left alone: an integration's token is revoked on its own (``tokens.py``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.audit import HasClock
from engine.common.errors import FieldError, FormInvalid, NotFound
from engine.directory.models import User
from engine.directory.passwords import hash_password

__all__ = ["MIN_PASSWORD_LENGTH", "change_password", "deactivate_user", "sign_out_everywhere",
           "user_named"]

# Long enough that a guess per second for the lock's lifetime gets nowhere near it;
# argon2id does the rest.
MIN_PASSWORD_LENGTH = 10


def user_named(session: Session, username: str) -> User:
    """The staff member of this user name, active or not; ``NotFound`` otherwise."""
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise NotFound(f"there is no user {username}")
    return user


def sign_out_everywhere(session: Session, rt: HasClock, *, user: User, actor: str) -> None:
    """End every session of ``user`` on every browser; flush, never commit."""
    _end_sessions(session, rt, user=user, actor=actor, reason="sign_out_everywhere")


def change_password(session: Session, rt: HasClock, *, user: User, password: str,
                    actor: str) -> None:
    """Give ``user`` a new password and end their sessions; a short one is refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FormInvalid([FieldError(("password",), f"a password needs at least "
                                                     f"{MIN_PASSWORD_LENGTH} characters")])
    user.password_hash = hash_password(password)
    # A new password is also a way out of a lock the old one's guessers caused.
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, rt, kind="password_changed", actor=actor,
                 data={"user": user.username})
    _end_sessions(session, rt, user=user, actor=actor, reason="password_changed")


def deactivate_user(session: Session, rt: HasClock, *, user: User, actor: str) -> None:
    """Take ``user`` out of service: no sign-in, no session, no token works any more."""
    if user.active:
        user.active = False
        audit.record(session, rt, kind="user_deactivated", actor=actor,
                     data={"user": user.username})
    # Ended even if already inactive: a later reactivation must not revive old cookies.
    _end_sessions(session, rt, user=user, actor=actor, reason="deactivated")


def _end_sessions(session: Session, rt: HasClock, *, user: User, actor: str,
                  reason: str) -> None:
    user.session_generation += 1
    audit.record(session, rt, kind="sessions_ended", actor=actor,
                 data={"user": user.username, "reason": reason})
    session.flush()
