"""Draw the yearly survey's sample: at least ⌈15 %⌉ of the units, spread over buildings.

Seed rule 5 sends the opinion survey to no fewer than 15 % of all units. The
sample size is ⌈p·N⌉ for the campaign's percentage p (never below 15 %). It
is shared out over the buildings by the largest-remainder method, so each
building gets its exact share rounded down or up — never more than one unit
away from proportional — and the units within a building are drawn at random
from a ``random.Random`` seeded with the campaign's recorded seed, so the same
seed and the same units always give the same sample.

Only occupied, delivered units are surveyed: the owners being asked are those
who live with the service. A unit not yet delivered, one the developer still
holds (unsold), or one with no owner on record (vacant) has nobody to answer,
so it is left out before the size is computed, and counted by reason.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from engine.common.apportion import largest_remainder

__all__ = ["EXCLUSION_REASONS", "MIN_PERCENT", "SampleUnit", "UnitOnRecord", "building_quotas",
           "draw_sample", "exclusion_reason", "sample_size", "surveyable"]

# Seed rule 5: "no fewer than 15 % of the total number of units".
MIN_PERCENT = 15

# Why a unit is left out of the sample, in the order the reasons are checked.
EXCLUSION_REASONS = ("undelivered", "unsold", "vacant")


def exclusion_reason(*, delivered: bool, owners: int, developer_owned: bool) -> str | None:
    """Why this unit cannot be sampled, or None if it is occupied and delivered."""
    if not delivered:
        return "undelivered"
    if developer_owned:
        return "unsold"
    if owners == 0:
        return "vacant"
    return None


@dataclass(frozen=True)
class UnitOnRecord:
    """A unit as the register holds it: what decides whether it can be surveyed."""

    building: int
    unit_id: int
    delivered: bool
    owners: int
    developer_owned: bool


def surveyable(units: Iterable[UnitOnRecord]) -> tuple[list[SampleUnit], dict[str, int]]:
    """The occupied, delivered units to sample from, and how many were left out and why."""
    kept: list[SampleUnit] = []
    excluded: dict[str, int] = {}
    for unit in units:
        reason = exclusion_reason(delivered=unit.delivered, owners=unit.owners,
                                  developer_owned=unit.developer_owned)
        if reason is None:
            kept.append(SampleUnit(building=unit.building, unit_id=unit.unit_id))
        else:
            excluded[reason] = excluded.get(reason, 0) + 1
    return kept, excluded


@dataclass(frozen=True, order=True)
class SampleUnit:
    """A unit as the sampler sees it: its building and its id, nothing else."""

    building: int  # the building's id
    unit_id: int


def sample_size(total: int, percent: Decimal | Fraction | int) -> int:
    """⌈percent/100 · total⌉, exactly; refuse a percentage below the seed's 15 %."""
    share = Fraction(percent)
    if share < MIN_PERCENT or share > 100:
        raise ValueError(f"the survey percentage must be between {MIN_PERCENT} and 100, "
                         f"not {percent}")
    if total < 0:
        raise ValueError("a negative number of units cannot be sampled")
    return math.ceil(share * total / 100)


def building_quotas(counts: Mapping[int, int], size: int) -> dict[int, int]:
    """Share ``size`` out over buildings in proportion to their units (largest remainder).

    Ties between equal remainders go to the building that sorts first, so the
    quotas never depend on the order the buildings were given in.
    """
    total = sum(counts.values())
    if not 0 <= size <= total:
        raise ValueError(f"cannot draw {size} units out of {total}")
    return largest_remainder(counts, size)


def draw_sample(units: Sequence[SampleUnit], *, percent: Decimal | Fraction | int,
                seed: int) -> list[SampleUnit]:
    """Draw the campaign's sample from ``units``; the same seed gives the same sample."""
    ids = [unit.unit_id for unit in units]
    if len(set(ids)) != len(ids):
        raise ValueError("a unit is listed twice; each unit can be sampled only once")
    by_building: dict[int, list[SampleUnit]] = {}
    for unit in sorted(units):
        by_building.setdefault(unit.building, []).append(unit)
    quotas = building_quotas({b: len(u) for b, u in by_building.items()},
                             sample_size(len(units), percent))
    rng = random.Random(seed)
    drawn: list[SampleUnit] = []
    for building in sorted(by_building):
        drawn += rng.sample(by_building[building], quotas[building])
    return sorted(drawn)
