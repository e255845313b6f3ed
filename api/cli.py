"""The ``liaison`` command: serve, worker, db upgrade, demo, processes, forms, users, votes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

import click

from api.activities.cli import festivals
from api.directory.cli import users
from api.return_visits.cli import return_visits
from api.web.times import office_time
from api.workflow.cli import forms
from engine.common.errors import DefinitionError, Problem
from engine.common.settings import Settings
from engine.system import System, build_system, deploy_shipped
from engine.workflow.deployments import Bundle, deploy

if TYPE_CHECKING:
    from engine.common.errors import LiaisonError
    from engine.workflow.models import Incident, Schedule

Row = TypeVar("Row")


def _system() -> System:
    return build_system(Settings.from_env())


@click.group()
def main() -> None:
    """Liaison: the owner-communication procedures of a property-management office."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The engine's own step-by-step log would drown what a command has to say.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


main.add_command(users)
main.add_command(forms)
main.add_command(return_visits)
main.add_command(festivals)


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
    from engine.return_visits.demo import add_last_month

    system = _system()
    deploy_shipped(system)
    with system.sessions() as session:
        summary = load_demo(session, clock=system.rt.clock)
        orders = add_last_month(session, system.rt) if summary.created else 0
        session.commit()
    click.echo("demo data loaded" if summary.created else "demo data already present")
    if orders:
        click.echo(f"{orders} work orders completed last month, ready for its return visits")
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


LANGUAGE_OPTION = click.option(
    "--language", type=click.Choice(["en", "zh"]), default="en", show_default=True,
    help="The language of the engine's messages (a script's own error stays as raised).")


@incidents.command("list")
@LANGUAGE_OPTION
def incidents_list(language: str) -> None:
    """List the open incidents, oldest first."""
    from engine.workflow.incidents import open_incidents

    system = _system()
    with system.sessions() as session:
        rows = open_incidents(session)
    zone, words = system.rt.office_zone, _Words(system, language)
    _print_rows(rows, empty="no open incidents",
                line=lambda row: _incident_line(row, zone, words.incident(row)))


class _Words:
    """The engine's messages worded in ``language`` by the pages' own catalog, times on the
    office's clock, as a page would show them."""

    def __init__(self, system: System, language: str) -> None:
        from api import create_app

        self.app, self.language, self.zone = create_app(system=system), language, \
            system.rt.office_zone

    def incident(self, row: Incident) -> str:
        from api.workflow.incidents import incident_message

        return self._worded(lambda: incident_message(row))

    def error(self, error: LiaisonError) -> str:
        from api.web.engine_messages import render_problem

        # A time in the message carries its offset and zone: a terminal may be anywhere.
        params = {key: office_time(value, self.zone) if isinstance(value, datetime) else value
                  for key, value in error.params.items()}
        return self._worded(lambda: render_problem(error.message_code, params)
                            or error.message)

    def _worded(self, words: Callable[[], str]) -> str:
        from flask_babel import force_locale

        with self.app.test_request_context(), force_locale(self.language):
            return words()


def _incident_line(row: Incident, zone: tzinfo, message: str) -> str:
    where = f" at {row.element_id}" if row.element_id else ""
    line = f" line {row.line}" if row.line else ""
    return (f"#{row.id}  instance {row.instance_id}{where}{line}  {row.kind}  "
            f"{office_time(row.created_at, zone)}\n      {message}")


@incidents.command("retry")
@click.argument("incident_id", type=int)
@click.option("--data", "data_json", default=None,
              help='JSON object given to the failed task first, e.g. \'{"budget": 1200}\'.')
@click.option("--as", "actor", default="cli", show_default=True, help="Who retries.")
@LANGUAGE_OPTION
def incidents_retry(incident_id: int, data_json: str | None, actor: str, language: str) -> None:
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
            click.echo(f"error: {_Words(system, language).error(error)}", err=True)
            sys.exit(1)
        session.commit()
        again = open_incidents(session, instance_id=instance.id)
    click.echo(f"instance {instance.id}: {instance.status}")
    if again:
        words = _Words(system, language)
        for row in again:
            click.echo(f"it failed again: incident #{row.id}: {words.incident(row)}", err=True)
        sys.exit(1)


@main.command()
def schedules() -> None:
    """List the schedules of timer start events and when each next starts an instance."""
    from engine.workflow.timers.schedules import list_schedules

    system = _system()
    with system.sessions() as session:
        rows = list_schedules(session)
    zone = system.rt.office_zone
    _print_rows(rows, empty="no schedules", line=lambda row: _schedule_line(row, zone))


def _schedule_line(row: Schedule, zone: tzinfo) -> str:
    due = office_time(row.next_due_at, zone) if row.next_due_at else "none (ended)"
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
