"""Write vote figures exactly: areas in fixed point, thresholds as terminating decimals or n/d."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

__all__ = ["figure", "rational_json", "rational_text"]


def figure(value: Decimal | int) -> str | int:
    # Fixed-point text, never an exponent: "1E+2" would read badly in minutes.
    return format(value, "f") if isinstance(value, Decimal) else value


def rational_json(value: Fraction) -> str:
    """Write ``value`` exactly: a decimal if it terminates, else ``n/d`` (both read by Fraction)."""
    exact = _terminating(value)
    return format(exact, "f") if exact is not None else str(value)


def rational_text(value: Fraction) -> str:
    """Write ``value`` for reading: exact if it terminates, else cut at four places and ``…``."""
    exact = _terminating(value)
    if exact is not None:
        return format(exact, "f")
    cut = Decimal(f"{math.floor(value * 10_000)}e-4")  # floor: every digit shown is true
    return f"{cut:f}…"


def _terminating(value: Fraction) -> Decimal | None:
    """Return ``value`` as an exact ``Decimal`` if its denominator has no factor but 2 and 5."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    if denominator != 1:
        return None
    places = max(twos, fives)
    # Built from text, so no context precision can round it.
    return Decimal(f"{value.numerator * 10**places // value.denominator}e-{places}")
