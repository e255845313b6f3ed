"""The ``liaison`` command: serve, worker, db upgrade, demo, processes, users (tokens, sessions)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

import click

from engine.common.errors import DefinitionError, Problem
from engine.common.settings import Settings
from engine.system import System, build_system, deploy_shipped
from engine.workflow.deployments import Bundle, deploy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.workflow.models import Incident, Schedule

Row = TypeVar("Row")


def _system() -> System:
    return build_system(Settings.from_env())


@click.group()
def main() -> None:
    """Liaison: the owner-communication procedures of a property-management office."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema (safe to run again)."""
    from engine.common.migrate import upgrade

    system = _system()
    upgrade(system.db)
    click.echo(f"database is up to date: {system.db.url.render_as_string(hide_password=True)}")


@main.command()
def demo() -> None:
    """Load the demo estate, owners and staff (does nothing if they are there)."""
    from engine.directory.demo import load_demo

    system = _system()
    deploy_shipped(system)
    with system.sessions() as session:
        summary = load_demo(session, clock=system.rt.clock)
        session.commit()
    click.echo("demo data loaded" if summary.created else "demo data already present")
    click.echo(f"{summary.units} units, {summary.owners} owners. Staff sign-ins:")
    for username, password, roles in summary.users:
        click.echo(f"  {username:<12} {password:<18} {', '.join(roles)}")


@main.command()
@click.option("--port", type=int, default=None, help="Port (default: LIAISON_PORT or 5000).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--workers", type=int, default=1, show_default=True, help="Web processes.")
@click.option("--embedded-worker/--no-embedded-worker", default=None,
              help="Run the timer worker inside the web process (default: on).")
def serve(port: int | None, host: str, workers: int, embedded_worker: bool | None) -> None:
    """Serve the web app and API with gunicorn."""
    from api.server import run_server

    settings = Settings.from_env()
    deploy_shipped(build_system(settings))
    run_server(settings, host=host, port=port or settings.port, workers=workers,
               embedded_worker=settings.embedded_worker if embedded_worker is None
               else embedded_worker)


@main.command()
@click.option("--interval", type=float, default=1.0, show_default=True,
              help="Seconds between passes.")
@click.option("--until-idle", is_flag=True, help="Stop once nothing is due (for batch runs).")
def worker(interval: float, until_idle: bool) -> None:
    """Run the timer worker (several may share one PostgreSQL database)."""
    system = _system()
    if until_idle:
        click.echo(f"{system.worker(interval).run_until_idle()} timer(s) fired")
        return
    click.echo("worker started; Ctrl-C stops it")
    try:
        system.worker(interval).run_forever()
    except KeyboardInterrupt:
        click.echo("worker stopped")


@main.group()
def processes() -> None:
    """Validate and deploy BPMN processes and their forms."""


@processes.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def processes_validate(paths: tuple[Path, ...]) -> None:
    """Check BPMN/DMN files (or folders) and their forms; exit 1 on any problem."""
    from engine.workflow.deployments import validate

    system = _system()
    bundle = Bundle.from_paths(paths)
    with system.sessions() as session:
        problems = _guard(lambda: validate(session, system.rt, bundle))
    _report(problems, ok=f"{len(bundle.bpmn)} process file(s) valid")


@processes.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--note", default="", help="What changed, for the version history.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who deploys.")
def processes_deploy(paths: tuple[Path, ...], note: str, actor: str) -> None:
    """Validate, then deploy a new version of every process whose content changed."""
    system = _system()
    bundle = Bundle.from_paths(paths)
    with system.sessions() as session:
        try:
            deployed = deploy(session, system.rt, bundle, actor=actor, note=note)
        except DefinitionError as error:
            _report(error.problems, ok="")
            return
        session.commit()
    for item in deployed:
        state = "deployed" if item.created else "unchanged"
        click.echo(f"{item.process_id}: version {item.version} ({state})")


@main.group()
def incidents() -> None:
    """Failures that stopped an instance: list and retry them."""


@incidents.command("list")
def incidents_list() -> None:
    """List the open incidents, oldest first."""
    from engine.workflow.incidents import open_incidents

    system = _system()
    with system.sessions() as session:
        rows = open_incidents(session)
    _print_rows(rows, empty="no open incidents", line=_incident_line)


def _incident_line(row: Incident) -> str:
    where = f" at {row.element_id}" if row.element_id else ""
    line = f" line {row.line}" if row.line else ""
    return (f"#{row.id}  instance {row.instance_id}{where}{line}  {row.kind}  "
            f"{row.created_at:%Y-%m-%d %H:%M} UTC\n      {row.message}")


@incidents.command("retry")
@click.argument("incident_id", type=int)
@click.option("--data", "data_json", default=None,
              help='JSON object given to the failed task first, e.g. \'{"budget": 1200}\'.')
@click.option("--as", "actor", default="cli", show_default=True, help="Who retries.")
def incidents_retry(incident_id: int, data_json: str | None, actor: str) -> None:
    """Resolve an incident and run its instance on."""
    import json

    from engine.common.errors import LiaisonError
    from engine.workflow.incidents import open_incidents, retry_incident

    try:
        data = json.loads(data_json) if data_json else None
    except json.JSONDecodeError as error:
        raise click.UsageError(f"--data is not valid JSON: {error}") from error
    if data is not None and not isinstance(data, dict):
        raise click.UsageError("--data must be a JSON object")
    system = _system()
    with system.sessions() as session:
        try:
            instance = retry_incident(session, system.rt, incident_id=incident_id,
                                      actor=actor, data=data)
        except LiaisonError as error:
            click.echo(f"error: {error.message}", err=True)
            sys.exit(1)
        session.commit()
        again = open_incidents(session, instance_id=instance.id)
    click.echo(f"instance {instance.id}: {instance.status}")
    for row in again:
        click.echo(f"it failed again: incident #{row.id}: {row.message}", err=True)
    if again:
        sys.exit(1)


@main.group()
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
    click.echo(f"expires {_when(expires_at)}", err=True)


@users.command("tokens")
@click.argument("username")
def users_tokens(username: str) -> None:
    """List USERNAME's tokens, newest first, with their expiry (never their secrets)."""
    from engine.directory.accounts import user_named
    from engine.directory.tokens import list_tokens

    system = _system()
    with _account_session(system) as session:
        rows = list_tokens(session, user=_or_exit(lambda: user_named(session, username)))
        lines = [f"#{row.id}  {row.name}  created {_when(row.created_at)}  "
                 f"last used {_when(row.last_used_at, none='never')}  "
                 f"expires {_when(row.expires_at)}"
                 + (f"  REVOKED {_when(row.revoked_at)}" if row.revoked_at else "")
                 for row in rows]
    _print_rows(lines, empty=f"{username} has no tokens", line=str)


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


def _or_exit(action: Callable[[], Row]) -> Row:
    """Run ``action``; a refusal the engine words is printed, and the command exits 1."""
    from engine.common.errors import FormInvalid, LiaisonError

    try:
        return action()
    except FormInvalid as error:
        click.echo("error: " + "; ".join(e.message for e in error.errors), err=True)
    except LiaisonError as error:
        click.echo(f"error: {error.message}", err=True)
    sys.exit(1)


def _when(moment: datetime | None, *, none: str = "never") -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else none


@main.command()
def schedules() -> None:
    """List the schedules of timer start events and when each next starts an instance."""
    from engine.workflow.timers.schedules import list_schedules

    system = _system()
    with system.sessions() as session:
        rows = list_schedules(session)
    _print_rows(rows, empty="no schedules", line=_schedule_line)


def _schedule_line(row: Schedule) -> str:
    due = f"{row.next_due_at:%Y-%m-%d %H:%M} UTC" if row.next_due_at else "none (ended)"
    error = f"  last error: {row.last_error}" if row.last_error else ""
    return f"{row.process_id}/{row.element_id}  {row.expression or '-'}  next: {due}{error}"


@main.group()
def votes() -> None:
    """Owners' votes: tally ballots by exclusive area and headcount."""


@votes.command("tally")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def votes_tally(file: TextIO) -> None:
    """Tally the ballots in FILE (JSON; - reads stdin) and print the result as JSON.

    Bad input is refused with every problem on stderr and exit code 2.
    """
    import json
    from decimal import Decimal

    from engine.common.errors import VoteInputError
    from engine.meetings.votes.input import tally_data

    try:
        # Decimal, not float: an area written as a JSON number stays the area on record.
        data = json.load(file, parse_float=Decimal)
    except json.JSONDecodeError as error:
        _refuse_votes([f"{file.name} is not valid JSON: {error}"])
    try:
        result = tally_data(data)
    except VoteInputError as error:
        _refuse_votes(error.problems)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _refuse_votes(problems: list[str]) -> NoReturn:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(2)

def _print_rows(rows: Sequence[Row], *, empty: str, line: Callable[[Row], str]) -> None:
    """One line per row, or a sentence saying there are none."""
    if not rows:
        click.echo(empty)
    for row in rows:
        click.echo(line(row))


def _guard(check: Callable[[], list[Problem]]) -> list[Problem]:
    try:
        return check()
    except DefinitionError as error:
        return error.problems


def _report(problems: list[Problem], *, ok: str) -> None:
    if not problems:
        click.echo(ok)
        return
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(problems)} problem(s) found", err=True)
    sys.exit(1)
