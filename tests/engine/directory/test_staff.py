"""Staff sign-in: passwords, lockout after five failures, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import AccountLocked, LoginRefused
from engine.directory.models import User
from engine.directory.staff import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    authenticate,
    load_user,
    record_sign_out,
)
from engine.system import System
from tests.support.staff import create_user


def _kinds(session: Session) -> list[tuple[str, str | None, str | None]]:
    return [(e.kind, e.actor, e.data.get("reason"))
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _fail(session: Session, system: System, times: int, username: str = "clerk") -> None:
    for _ in range(times):
        with pytest.raises(LoginRefused):
            authenticate(session, system.rt, username=username, password="wrong")


def test_the_right_password_signs_in_and_is_audited(system: System, session: Session,
                                                    clock: FrozenClock) -> None:
    create_user(session, clock)

    user = authenticate(session, system.rt, username=" clerk ", password="clerk-pw")

    assert user.username == "clerk"
    assert _kinds(session) == [("login_succeeded", "clerk", None)]


def test_unknown_user_and_wrong_password_get_the_same_message(
        system: System, session: Session, clock: FrozenClock) -> None:
    create_user(session, clock)

    with pytest.raises(LoginRefused) as unknown:
        authenticate(session, system.rt, username="nobody", password="clerk-pw")
    with pytest.raises(LoginRefused) as wrong:
        authenticate(session, system.rt, username="clerk", password="nope")

    assert unknown.value.message == wrong.value.message
    assert type(unknown.value) is type(wrong.value) is LoginRefused
    assert _kinds(session) == [("login_failed", None, "unknown_user"),
                               ("login_failed", "clerk", "wrong_password")]


def test_five_failures_lock_the_account_for_fifteen_minutes(
        system: System, session: Session, clock: FrozenClock) -> None:
    user = create_user(session, clock)
    _fail(session, system, MAX_FAILED_LOGINS - 1)
    assert user.failed_logins == MAX_FAILED_LOGINS - 1

    with pytest.raises(AccountLocked) as locked:
        authenticate(session, system.rt, username="clerk", password="wrong")

    assert locked.value.until == clock.now() + LOCKOUT
    assert user.locked_until == clock.now() + LOCKOUT
    assert ("account_locked", "clerk", None) in _kinds(session)
    # Even the right password is refused while the lock lasts.
    clock.advance(LOCKOUT - timedelta(seconds=1))
    with pytest.raises(AccountLocked):
        authenticate(session, system.rt, username="clerk", password="clerk-pw")
    assert _kinds(session)[-1] == ("login_refused", "clerk", "locked")


def test_the_lock_ends_after_fifteen_minutes_and_a_success_resets_the_count(
        system: System, session: Session, clock: FrozenClock) -> None:
    user = create_user(session, clock)
    _fail(session, system, MAX_FAILED_LOGINS)

    clock.advance(LOCKOUT)
    authenticate(session, system.rt, username="clerk", password="clerk-pw")

    assert (user.failed_logins, user.locked_until) == (0, None)
    _fail(session, system, MAX_FAILED_LOGINS - 1)  # five tries anew, not one
    authenticate(session, system.rt, username="clerk", password="clerk-pw")
    assert user.failed_logins == 0


def test_failures_are_counted_in_a_row_only(system: System, session: Session,
                                            clock: FrozenClock) -> None:
    user = create_user(session, clock)
    _fail(session, system, MAX_FAILED_LOGINS - 1)
    authenticate(session, system.rt, username="clerk", password="clerk-pw")
    _fail(session, system, MAX_FAILED_LOGINS - 1)

    assert user.locked_until is None


def test_an_inactive_user_is_refused_even_with_the_right_password(
        system: System, session: Session, clock: FrozenClock) -> None:
    create_user(session, clock, active=False)

    with pytest.raises(LoginRefused) as refused:
        authenticate(session, system.rt, username="clerk", password="clerk-pw")

    assert refused.value.reason == "inactive"
    assert _kinds(session) == [("login_failed", "clerk", "inactive")]


def test_a_user_without_a_password_cannot_sign_in(system: System, session: Session,
                                                  clock: FrozenClock) -> None:
    create_user(session, clock).password_hash = None

    with pytest.raises(LoginRefused):
        authenticate(session, system.rt, username="clerk", password="")


def test_the_failure_count_survives_the_refusal(system: System, clock: FrozenClock) -> None:
    # The caller commits after a refusal; the count must be in the flushed state.
    with system.sessions() as session:
        create_user(session, clock)
        session.commit()
    with system.sessions() as session:
        _fail(session, system, 2)
        session.commit()
    with system.sessions() as session:
        user = session.scalars(select(User)).one()
        assert user.failed_logins == 2


def test_load_user_returns_active_users_of_the_current_session_generation(
        system: System, session: Session, clock: FrozenClock) -> None:
    active = create_user(session, clock)
    inactive = create_user(session, clock, "gone", active=False)

    assert load_user(session, active.id, 0) is active
    assert load_user(session, inactive.id, 0) is None
    assert load_user(session, 999_999, 0) is None
    assert load_user(session, "1", 0) is None
    assert load_user(session, active.id, None) is None  # a session from before generations
    record_sign_out(session, system.rt, user=active)
    assert load_user(session, active.id, 0) is None
    assert load_user(session, active.id, 1) is active
