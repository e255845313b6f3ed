"""``liaison return-visits``: open a month's round from the command line."""

from __future__ import annotations

import json

import click

from engine.common.errors import FormInvalid, LiaisonError
from engine.common.settings import Settings
from engine.return_visits.orders import Month
from engine.return_visits.rounds import RoundOpen, start_round
from engine.return_visits.sample import DEFAULT_PERCENT
from engine.system import build_system

__all__ = ["return_visits"]

# The exit status of a refused request (a month opened already, not over, mistyped).
REFUSED = 2


@click.group("return-visits")
def return_visits() -> None:
    """Monthly return visits of completed work orders (procedure rule 3)."""


@return_visits.command("open")
@click.option("--month", required=True, help="The month to revisit, YYYY-MM (one that is over).")
@click.option("--percent", default=str(DEFAULT_PERCENT), show_default=True,
              help="Share of the orders to sample; at least 90.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who opens it.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def open_round(month: str, percent: str, actor: str, as_json: bool) -> None:
    """Open a month's round: draw the sample and start one visit per sampled order."""
    system = build_system(Settings.from_env())
    with system.sessions() as session:
        try:
            row = start_round(session, system.rt, month=Month.parse(month), actor=actor,
                              percent=percent)
        except RoundOpen:
            click.echo(f"error: the return visits of {month} were opened already; a month is "
                       "revisited once", err=True)
            raise SystemExit(REFUSED) from None
        except FormInvalid as error:
            for problem in error.errors:
                click.echo(f"error: {problem.field}: {problem.message}", err=True)
            raise SystemExit(REFUSED) from None
        except LiaisonError as error:
            click.echo(f"error: {error.message}", err=True)
            raise SystemExit(1) from None
        session.commit()
        result = {"month": row.month, "completed_orders": row.completed_orders,
                  "sampled": row.sampled}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"return visits of {result['month']} opened: {result['completed_orders']} "
                   f"completed work orders, {result['sampled']} sampled to visit")
