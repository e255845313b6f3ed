"""Bearer tokens for the REST API: issued for a password, checked on every request, revocable.

A token is 32 random bytes shown once; the database keeps only its sha256,
so a copy of the database opens no door. Roles are never stored with the
token: each request reads the user's roles afresh.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.common import audit
from engine.common.audit import HasClock
from engine.common.errors import LoginRefused, NotAuthenticated, NotFound
from engine.directory.models import ApiToken, User
from engine.directory.staff import authenticate

__all__ = ["IssuedToken", "check_password", "issue_token", "list_tokens", "revoke_any_token",
           "revoke_token", "token_for_password", "verify_token"]

# A recognisable prefix lets secret scanners spot a token pasted where it should not be.
PREFIX = "lia_"
# Writing last_used_at on every request would make every GET a write; a minute is precise
# enough to tell which integrations still use their token.
LAST_USED_PRECISION = timedelta(minutes=1)
# Never say which it was: a locked account answers the same, or a locked answer would
# tell a guesser that the user name exists.
REFUSED = ("unknown user name or wrong password (five failures in a row lock an account "
           "for fifteen minutes)")


@dataclass(frozen=True)
class IssuedToken:
    token: str  # the secret itself: shown to the caller once, stored nowhere
    record: ApiToken


def check_password(session: Session, rt: HasClock, *, username: str, password: str,
                   address: str | None = None) -> User:
    """Return the active user whose password this is, or raise ``NotAuthenticated``.

    The same check as signing in to the pages (``engine.directory.staff.authenticate``):
    the same lockout, the same audit events, one answer for every refusal. The
    failure count is flushed before the refusal, so the caller must commit even
    when this raises.
    """
    try:
        return authenticate(session, rt, username=username, password=password, address=address)
    except LoginRefused as refused:  # AccountLocked too
        raise NotAuthenticated(REFUSED) from refused


def issue_token(session: Session, rt: HasClock, *, user: User, name: str,
                lifetime: timedelta | None = None, actor: str | None) -> IssuedToken:
    """Create a token for ``user`` that works for ``lifetime`` (None: until revoked).

    The returned secret is the only copy there will be.
    """
    token = PREFIX + secrets.token_urlsafe(32)
    now = rt.clock.now()
    expires_at = now + lifetime if lifetime is not None else None
    record = ApiToken(user_id=user.id, token_hash=_digest(token), name=name.strip()[:100],
                      created_at=now, expires_at=expires_at)
    session.add(record)
    session.flush()
    audit.record(session, rt, kind="token_issued", actor=actor,
                 data={"token_id": record.id, "user": user.username, "name": record.name,
                       "expires_at": expires_at.isoformat() if expires_at else None})
    session.flush()
    return IssuedToken(token, record)


def active_user(session: Session, username: str) -> User:
    """The active staff member of this user name; ``NotFound`` for anyone else."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise NotFound(f"there is no active user {username}")
    return user


def token_for_password(session: Session, rt: HasClock, *, username: str, password: str,
                       name: str, expires_in: timedelta | None = None,
                       address: str | None = None) -> IssuedToken:
    """Trade a user name and password for a new token; ``address`` is the caller's."""
    user = check_password(session, rt, username=username, password=password, address=address)
    return issue_token(session, rt, user=user, name=name, lifetime=expires_in,
                       actor=user.username)


def verify_token(session: Session, rt: HasClock, *, token: str | None) -> User:
    """Return the active user a token speaks for, or raise ``NotAuthenticated``."""
    if not token:
        raise NotAuthenticated("send a token: Authorization: Bearer <token>")
    now = rt.clock.now()
    # One round trip for the token, its user and the user's roles: this runs on every request.
    record = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
        .options(joinedload(ApiToken.user).joinedload(User.roles))).unique().first()
    if record is None or record.revoked_at is not None:
        raise NotAuthenticated("the token is unknown or revoked")
    if record.expires_at is not None and record.expires_at <= now:
        raise NotAuthenticated("the token has expired")
    if not record.user.active:
        raise NotAuthenticated("the token's user is no longer active")
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
        record.last_used_at = now
        session.flush()
    return record.user


def list_tokens(session: Session, *, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (never their secrets)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, rt: HasClock, *, token_id: int, user: User) -> ApiToken:
    """Revoke one of the user's own tokens; revoking it again changes nothing."""
    record = session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise NotFound(f"you have no token {token_id}")  # another user's token does not exist
    if record.revoked_at is None:
        record.revoked_at = rt.clock.now()
        audit.record(session, rt, kind="token_revoked", actor=user.username,
                     data={"token_id": record.id, "name": record.name})
        session.flush()
    return record


def revoke_any_token(session: Session, rt: HasClock, *, token_id: int, owner: User | None,
                     actor: str) -> ApiToken:
    """Revoke a token on an administrator's word; with ``owner``, only one of theirs."""
    record = session.get(ApiToken, token_id)
    if record is None or (owner is not None and record.user_id != owner.id):
        whose = f" of {owner.username}" if owner is not None else ""
        raise NotFound(f"there is no token {token_id}{whose}")
    if record.revoked_at is None:
        record.revoked_at = rt.clock.now()
        audit.record(session, rt, kind="token_revoked", actor=actor,
                     data={"token_id": record.id, "name": record.name,
                           "user": record.user.username})
        session.flush()
    return record


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()
