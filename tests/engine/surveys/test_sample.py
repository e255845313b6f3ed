"""Properties of the survey sampler (seed rule 5), over generated estates; derandomized."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.surveys.sample import (
    EXCLUSION_REASONS,
    SampleUnit,
    UnitOnRecord,
    building_quotas,
    draw_sample,
    exclusion_reason,
    sample_size,
    surveyable,
)

# Fixed examples, no deadline: the same run on every machine, and quick.
PROFILE = settings(derandomize=True, max_examples=200, deadline=None)


@st.composite
def estates(draw: st.DrawFn) -> list[SampleUnit]:
    """One to eight buildings of 1–120 units each, with unit ids unique across them."""
    sizes = draw(st.lists(st.integers(1, 120), min_size=1, max_size=8))
    units, next_id = [], 1
    for building, size in enumerate(sizes, start=1):
        units += [SampleUnit(building=building * 10, unit_id=next_id + i) for i in range(size)]
        next_id += size
    return units


percentages = st.one_of(st.integers(15, 100),
                        st.decimals(Decimal(15), Decimal(100), places=2))


@PROFILE
@given(estates(), percentages, st.integers(0, 2**48))
def test_never_below_the_seeds_15_percent_and_no_unit_twice(
        units: list[SampleUnit], percent: Decimal, seed: int) -> None:
    drawn = draw_sample(units, percent=percent, seed=seed)
    assert len(drawn) == math.ceil(Fraction(percent) * len(units) / 100)
    assert len(drawn) >= math.ceil(Fraction(15, 100) * len(units))
    assert len({u.unit_id for u in drawn}) == len(drawn)
    assert set(drawn) <= set(units)


@PROFILE
@given(estates(), percentages, st.integers(0, 2**48))
def test_every_building_gets_its_proportional_share_within_one(
        units: list[SampleUnit], percent: Decimal, seed: int) -> None:
    drawn = draw_sample(units, percent=percent, seed=seed)
    sizes, taken = Counter(u.building for u in units), Counter(u.building for u in drawn)
    for building, size in sizes.items():
        share = Fraction(len(drawn) * size, len(units))
        assert math.floor(share) <= taken[building] <= math.ceil(share)
        assert abs(taken[building] - share) < 1


@PROFILE
@given(estates(), st.integers(0, 2**48))
def test_the_same_seed_draws_the_same_sample_whatever_the_order(
        units: list[SampleUnit], seed: int) -> None:
    assert draw_sample(units, percent=15, seed=seed) == \
        draw_sample(list(reversed(units)), percent=15, seed=seed)


def test_a_different_seed_draws_other_units() -> None:
    units = [SampleUnit(building=1, unit_id=i) for i in range(300)]
    assert draw_sample(units, percent=15, seed=1) != draw_sample(units, percent=15, seed=2)


def test_largest_remainders_break_ties_by_building() -> None:
    # 45 of 300: shares 13.5, 13.5, 13.5 and 4.5; the two spare units go to the first two.
    assert building_quotas({1: 90, 2: 90, 3: 90, 4: 30}, 45) == {1: 14, 2: 14, 3: 13, 4: 4}


@pytest.mark.parametrize("percent", [Decimal("14.99"), 0, 101])
def test_a_percentage_outside_15_to_100_is_refused(percent: Decimal) -> None:
    with pytest.raises(ValueError, match="between 15 and 100"):
        sample_size(300, percent)


def test_a_unit_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        draw_sample([SampleUnit(1, 7), SampleUnit(2, 7)], percent=15, seed=0)


@pytest.mark.parametrize(("delivered", "owners", "developer_owned", "reason"), [
    (True, 1, False, None),
    (True, 2, False, None),
    (False, 1, False, "undelivered"),
    (False, 1, True, "undelivered"),  # not delivered comes first, whoever holds it
    (True, 1, True, "unsold"),
    (True, 0, False, "vacant"),
])
def test_only_an_occupied_delivered_unit_can_be_sampled(delivered: bool, owners: int,
                                                         developer_owned: bool,
                                                         reason: str | None) -> None:
    assert exclusion_reason(delivered=delivered, owners=owners,
                            developer_owned=developer_owned) == reason
    assert reason is None or reason in EXCLUSION_REASONS


@st.composite
def registers(draw: st.DrawFn) -> list[UnitOnRecord]:
    """An estate as the register holds it: some units undelivered, unsold or vacant."""
    units = draw(estates())
    return [UnitOnRecord(building=u.building, unit_id=u.unit_id,
                         delivered=draw(st.booleans()) or draw(st.booleans()),
                         owners=draw(st.integers(0, 3)),
                         developer_owned=draw(st.integers(0, 5)) == 0)
            for u in units]


@PROFILE
@given(registers(), percentages, st.integers(0, 2**48))
def test_only_occupied_delivered_units_are_drawn_and_the_rest_are_counted_by_reason(
        register: list[UnitOnRecord], percent: Decimal, seed: int) -> None:
    kept, excluded = surveyable(register)
    eligible = {u.unit_id for u in register
                if u.delivered and u.owners and not u.developer_owned}
    assert {u.unit_id for u in kept} == eligible
    assert sum(excluded.values()) + len(kept) == len(register)
    assert set(excluded) <= set(EXCLUSION_REASONS) and all(excluded.values())
    drawn = draw_sample(kept, percent=percent, seed=seed)
    assert {u.unit_id for u in drawn} <= eligible
    assert len(drawn) == math.ceil(Fraction(percent) * len(eligible) / 100)
