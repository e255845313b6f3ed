"""``liaison festivals YEAR``: the office's festivals and their dates in a year."""

from __future__ import annotations

import click

from engine.activities.festivals import (
    UnknownFestival,
    YearOutOfRange,
    chosen_festivals,
    festival_dates,
    parse_year,
)
from engine.common.settings import Settings

__all__ = ["festivals"]

# The exit status of a refused request (a year the calendar does not cover, a mistyped code).
REFUSED = 2


@click.command("festivals")
@click.argument("year")
def festivals(year: str) -> None:
    """Print the festivals the office marks in YEAR, one line each: name, tab, date."""
    try:
        chosen = chosen_festivals(Settings.from_env())
        dates = festival_dates(chosen, parse_year(year))
    except (YearOutOfRange, UnknownFestival) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(REFUSED) from None
    for each in dates:
        click.echo(f"{each.festival.name_zh}\t{each.date.isoformat()}")
