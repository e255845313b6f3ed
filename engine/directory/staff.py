"""Staff sign-in: check a password, count failures, lock an account that is being guessed.

Two limits: five failures in a row lock one account; twenty failures from
one network address within fifteen minutes, whatever the user names, block
that address. The second is counted from the audit log's ``login_failed``
events, which record the address, so every web process sees the same count.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.audit import AuditEvent, HasClock
from engine.common.errors import AccountLocked, LoginRefused
from engine.directory.models import User
from engine.directory.passwords import hash_password, verify_password

__all__ = ["ADDRESS_WINDOW", "LOCKOUT", "MAX_FAILED_LOGINS", "MAX_FAILED_LOGINS_PER_ADDRESS",
           "address_blocked_until", "authenticate", "load_user", "record_blocked_sign_in",
           "record_sign_out"]

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# An office's staff share one public address, so the limit leaves room for their typos
# while stopping one machine from trying a password on every account.
MAX_FAILED_LOGINS_PER_ADDRESS = 20
ADDRESS_WINDOW = timedelta(minutes=15)

# One message whether the user is unknown or the password wrong: a caller learns nothing
# about which user names exist.
REFUSED = "unknown user name or wrong password"


def authenticate(session: Session, rt: HasClock, *, username: str, password: str,
                 address: str | None = None) -> User:
    """Return the user whose password this is, or raise ``LoginRefused``; flush, never commit.

    Five failures in a row lock the account for fifteen minutes; a success
    resets the count. Every attempt leaves an audit event, refused ones too,
    with the client's ``address`` when known, so the caller must commit even
    when this raises.
    """
    name = username.strip()
    now = rt.clock.now()
    seen = {"address": address} if address else {}
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if user is None:
        verify_password(_decoy_hash(), password)  # take as long as a real check
        _refuse(session, rt, actor=None, reason="unknown_user",
                data={"username": name[:150], **seen})
    if user.locked_until is not None and user.locked_until > now:
        verify_password(user.password_hash, password)  # as long as any other refusal
        audit.record(session, rt, kind="login_refused", actor=user.username,
                     data={"reason": "locked", "locked_until": user.locked_until.isoformat(),
                           **seen})
        session.flush()
        raise AccountLocked(user.locked_until)
    if not verify_password(user.password_hash, password):
        _count_failure(session, rt, user, seen)
    if not user.active:
        _refuse(session, rt, actor=user.username, reason="inactive", data=seen)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, rt, kind="login_succeeded", actor=user.username, data=seen)
    session.flush()
    return user


def address_blocked_until(session: Session, rt: HasClock, *, address: str) -> datetime | None:
    """Until when sign-ins from ``address`` are refused, or None if it may try now."""
    # Blocked while the window holds the limit's worth of failures: until the oldest of the
    # latest MAX_FAILED_LOGINS_PER_ADDRESS leaves it.
    oldest_counted = session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.kind == "login_failed",
               AuditEvent.at > rt.clock.now() - ADDRESS_WINDOW,
               AuditEvent.data["address"].as_string() == address)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(MAX_FAILED_LOGINS_PER_ADDRESS - 1).limit(1))
    return oldest_counted + ADDRESS_WINDOW if oldest_counted is not None else None


def record_blocked_sign_in(session: Session, rt: HasClock, *, address: str, username: str,
                           until: datetime) -> None:
    """Note in the audit log a sign-in refused unheard because its address is blocked."""
    # login_refused, not login_failed: the block does not grow while it lasts.
    audit.record(session, rt, kind="login_refused", actor=None,
                 data={"reason": "address_blocked", "address": address,
                       "username": username.strip()[:150], "blocked_until": until.isoformat()})
    session.flush()


def load_user(session: Session, user_id: object, generation: object) -> User | None:
    """Return the active user a signed-in session names, or None; roles are read afresh.

    The session must carry the user's current ``session_generation``: one begun
    before a sign-out, a new password or a deactivation opens nothing.
    """
    if not isinstance(user_id, int) or not isinstance(generation, int):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def _count_failure(session: Session, rt: HasClock, user: User, seen: dict[str, str]
                   ) -> NoReturn:
    user.failed_logins += 1
    if user.failed_logins < MAX_FAILED_LOGINS:
        _refuse(session, rt, actor=user.username, reason="wrong_password",
                data={"failed_logins": user.failed_logins, **seen})
    # Locked: the count starts again, so after the lock the user has five tries anew.
    user.failed_logins, user.locked_until = 0, rt.clock.now() + LOCKOUT
    audit.record(session, rt, kind="login_failed", actor=user.username,
                 data={"reason": "wrong_password", "failed_logins": MAX_FAILED_LOGINS, **seen})
    audit.record(session, rt, kind="account_locked", actor=user.username,
                 data={"locked_until": user.locked_until.isoformat()})
    session.flush()
    raise AccountLocked(user.locked_until)


def _refuse(session: Session, rt: HasClock, *, actor: str | None, reason: str,
            data: Mapping[str, object] | None = None) -> NoReturn:
    audit.record(session, rt, kind="login_failed", actor=actor,
                 data={"reason": reason, **(data or {})})
    session.flush()
    raise LoginRefused(REFUSED, reason=reason)


@cache
def _decoy_hash() -> str:
    return hash_password("no user has this password")


def record_sign_out(session: Session, rt: HasClock, *, user: User) -> None:
    """End the user's sessions and note in the audit log that they signed out.

    The cookie a browser kept stays signed, so only a new generation makes it
    worthless; being per user, it ends the user's other browsers' sessions too.
    """
    user.session_generation += 1
    audit.record(session, rt, kind="logout", actor=user.username)
    session.flush()
