"""Share a whole number out over groups in proportion to their sizes (largest remainder).

Used wherever a sample is spread fairly: a survey over buildings, return visits over
departments. Exact fractions, so no group gains or loses one by float rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TypeVar

__all__ = ["largest_remainder"]

K = TypeVar("K", int, str)


def largest_remainder(counts: Mapping[K, int], size: int) -> dict[K, int]:
    """``size`` shared over ``counts`` (0 <= size <= their total) by largest remainder.

    Ties between equal remainders go to the group that sorts first, so the shares
    never depend on the order the groups were given in.
    """
    total = sum(counts.values())
    if total == 0:
        return {group: 0 for group in counts}
    shares = {group: Fraction(size * count, total) for group, count in counts.items()}
    quotas = {group: math.floor(share) for group, share in shares.items()}
    left = size - sum(quotas.values())
    for group in sorted(shares, key=lambda g: (-(shares[g] - quotas[g]), g))[:left]:
        quotas[group] += 1
    return quotas
