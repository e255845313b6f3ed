"""``liaison users``: staff accounts on the command line: API tokens, sessions, passwords."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import click

from api.web.times import office_time
from engine.common.settings import Settings
from engine.system import System, build_system

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["users"]

T = TypeVar("T")


def _system() -> System:
    return build_system(Settings.from_env())


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("token")
@click.argument("username")
@click.option("--name", "label", default="cli", show_default=True,
              help="What the token is for, shown when tokens are listed.")
@click.option("--days", type=click.IntRange(0, 3650), default=None,
              help="How long it works; 0: until revoked (default: LIAISON_TOKEN_DAYS, 90).")
def users_token(username: str, label: str, days: int | None) -> None:
    """Issue a REST API bearer token for USERNAME and print it (it is shown only once)."""
    from datetime import timedelta

    from engine.directory.tokens import active_user, issue_token

    system = _system()
    lifetime = system.settings.token_lifetime if days is None else (
        timedelta(days=days) if days else None)
    with _account_session(system) as session:
        user = _or_exit(lambda: active_user(session, username))
        issued = issue_token(session, system.rt, user=user, name=label, lifetime=lifetime,
                             actor="cli")
        expires_at = issued.record.expires_at
        session.commit()
    click.echo(issued.token)
    # On stderr: `TOKEN=$(liaison users token …)` keeps the token alone.
    click.echo(f"expires {_when(expires_at, system)}", err=True)


@users.command("tokens")
@click.argument("username")
def users_tokens(username: str) -> None:
    """List USERNAME's tokens, newest first, with their expiry (never their secrets)."""
    from engine.directory.accounts import user_named
    from engine.directory.tokens import list_tokens

    system = _system()
    with _account_session(system) as session:
        rows = list_tokens(session, user=_or_exit(lambda: user_named(session, username)))
        lines = [f"#{row.id}  {row.name}  created {_when(row.created_at, system)}  "
                 f"last used {_when(row.last_used_at, system)}  "
                 f"expires {_when(row.expires_at, system)}"
                 + (f"  REVOKED {_when(row.revoked_at, system)}" if row.revoked_at else "")
                 for row in rows]
    click.echo("\n".join(lines) if lines else f"{username} has no tokens")


@users.command("revoke-token")
@click.argument("token_id", type=int)
@click.option("--as", "actor", default="cli", show_default=True, help="Who revokes.")
def users_revoke_token(token_id: int, actor: str) -> None:
    """Revoke the API token TOKEN_ID, whoever it belongs to."""
    from engine.directory.tokens import revoke_any_token

    system = _system()
    with _account_session(system) as session:
        record = _or_exit(lambda: revoke_any_token(session, system.rt, token_id=token_id,
                                                   owner=None, actor=actor))
        owner = record.user.username
        session.commit()
    click.echo(f"token #{token_id} of {owner} is revoked")


@users.command("sign-out")
@click.argument("username")
@click.option("--as", "actor", default="cli", show_default=True, help="Who signs them out.")
def users_sign_out(username: str, actor: str) -> None:
    """End USERNAME's sessions on every browser (their API tokens keep working)."""
    from engine.directory.accounts import sign_out_everywhere, user_named

    system = _system()
    with _account_session(system) as session:
        sign_out_everywhere(session, system.rt, actor=actor,
                            user=_or_exit(lambda: user_named(session, username)))
        session.commit()
    click.echo(f"{username} is signed out everywhere")


@users.command("password")
@click.argument("username")
@click.option("--as", "actor", default="cli", show_default=True, help="Who sets it.")
def users_password(username: str, actor: str) -> None:
    """Set USERNAME's password (asked twice, never echoed) and end their sessions."""
    from engine.directory.accounts import change_password, user_named

    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    system = _system()
    with _account_session(system) as session:
        user = _or_exit(lambda: user_named(session, username))
        _or_exit(lambda: change_password(session, system.rt, user=user, password=password,
                                         actor=actor))
        session.commit()
    click.echo(f"{username} has a new password and is signed out everywhere")


@users.command("deactivate")
@click.argument("username")
@click.option("--as", "actor", default="cli", show_default=True, help="Who deactivates.")
def users_deactivate(username: str, actor: str) -> None:
    """Take USERNAME out of service: no sign-in, no session and no token works any more."""
    from engine.directory.accounts import deactivate_user, user_named

    system = _system()
    with _account_session(system) as session:
        deactivate_user(session, system.rt, actor=actor,
                        user=_or_exit(lambda: user_named(session, username)))
        session.commit()
    click.echo(f"{username} is deactivated")


@contextmanager
def _account_session(system: System) -> Iterator[Session]:
    try:
        with system.sessions() as session:
            yield session
    finally:
        system.db.dispose()  # close the pool now, not whenever the collector gets to it


def _or_exit(action: Callable[[], T]) -> T:
    """Run ``action``; a refusal the engine words is printed, and the command exits 1."""
    from engine.common.errors import FormInvalid, LiaisonError

    try:
        return action()
    except FormInvalid as error:
        click.echo("error: " + "; ".join(e.message for e in error.errors), err=True)
    except LiaisonError as error:
        click.echo(f"error: {error.message}", err=True)
    sys.exit(1)


def _when(moment: datetime | None, system: System) -> str:
    """On the office's clock (``LIAISON_TIMEZONE``), with its offset and zone."""
    return office_time(moment, system.rt.office_zone) if moment is not None else "never"
