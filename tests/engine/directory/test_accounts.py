"""Ending a user's sessions: sign out everywhere, a new password, deactivation; each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import FormInvalid, LoginRefused, NotFound
from engine.directory.accounts import (
    MIN_PASSWORD_LENGTH,
    change_password,
    deactivate_user,
    sign_out_everywhere,
    user_named,
)
from engine.directory.staff import LOCKOUT, authenticate, load_user
from engine.system import System
from tests.support.staff import create_user


def _events(session: Session) -> list[tuple[str, str | None, dict[str, object]]]:
    return [(e.kind, e.actor, e.data)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_signing_out_everywhere_ends_every_session_of_the_user_alone(
        system: System, session: Session, clock: FrozenClock) -> None:
    clerk = create_user(session, clock)
    guard = create_user(session, clock, "guard", roles=("security",))

    sign_out_everywhere(session, system.rt, user=clerk, actor="admin")

    assert load_user(session, clerk.id, 0) is None
    assert load_user(session, guard.id, 0) is guard
    assert _events(session) == [("sessions_ended", "admin",
                                 {"user": "clerk", "reason": "sign_out_everywhere"})]


def test_a_new_password_signs_in_the_old_one_does_not_and_old_sessions_end(
        system: System, session: Session, clock: FrozenClock) -> None:
    clerk = create_user(session, clock)

    change_password(session, system.rt, user=clerk, password="a much longer one", actor="cli")

    assert load_user(session, clerk.id, 0) is None
    with pytest.raises(LoginRefused):
        authenticate(session, system.rt, username="clerk", password="clerk-pw")
    assert authenticate(session, system.rt, username="clerk",
                        password="a much longer one") is clerk
    assert [kind for kind, _, _ in _events(session)] == [
        "password_changed", "sessions_ended", "login_failed", "login_succeeded"]


def test_a_new_password_lifts_the_lock(system: System, session: Session,
                                       clock: FrozenClock) -> None:
    clerk = create_user(session, clock)
    clerk.locked_until, clerk.failed_logins = clock.now() + LOCKOUT, 3

    change_password(session, system.rt, user=clerk, password="a much longer one", actor="cli")

    assert (clerk.locked_until, clerk.failed_logins) == (None, 0)


def test_a_short_password_is_refused_and_changes_nothing(
        system: System, session: Session, clock: FrozenClock) -> None:
    clerk = create_user(session, clock)
    old_hash = clerk.password_hash

    with pytest.raises(FormInvalid) as refused:
        change_password(session, system.rt, user=clerk, password="x" * (MIN_PASSWORD_LENGTH - 1),
                        actor="cli")

    assert refused.value.errors[0].field == "password"
    assert (clerk.password_hash, clerk.session_generation) == (old_hash, 0)
    assert _events(session) == []


def test_a_deactivated_users_sessions_stay_ended_when_they_return(
        system: System, session: Session, clock: FrozenClock) -> None:
    clerk = create_user(session, clock)

    deactivate_user(session, system.rt, user=clerk, actor="admin")
    clerk.active = True  # back from leave

    assert load_user(session, clerk.id, 0) is None
    assert [kind for kind, _, _ in _events(session)] == ["user_deactivated", "sessions_ended"]


def test_a_user_is_named_active_or_not_and_an_unknown_name_is_not_found(
        session: Session, clock: FrozenClock) -> None:
    gone = create_user(session, clock, "gone", active=False)

    assert user_named(session, " gone ") is gone
    with pytest.raises(NotFound, match="no user nobody"):
        user_named(session, "nobody")
