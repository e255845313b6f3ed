"""Properties of voter grouping over generated estates (deterministic: derandomized)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.meetings.electorate import Holding, voter_keys
from engine.meetings.votes.tally import Matter, UnitStatus, VotingUnit, tally

PROFILE = settings(derandomize=True, max_examples=200, deadline=None)
DEVELOPER = 0  # owner ids of buyers start at 1

owner_sets = st.frozensets(st.integers(1, 6), min_size=1, max_size=3)


@st.composite
def estates(draw: st.DrawFn) -> list[Holding]:
    """Units held by small overlapping owner sets, some still the developer's."""
    held = draw(st.lists(st.tuples(owner_sets, st.booleans()), min_size=1, max_size=15))
    return [Holding(unit_id=i, owner_ids=owners, with_developer=with_developer)
            for i, (owners, with_developer) in enumerate(held, 1)]


def headcount(holdings: list[Holding]) -> int:
    keys = voter_keys(holdings, DEVELOPER)
    units = [VotingUnit(id=str(h.unit_id), area=Decimal(1), owner=keys[h.unit_id],
                        status=UnitStatus.UNSOLD if h.with_developer else UnitStatus.DELIVERED)
             for h in holdings]
    return tally(Matter.ORDINARY, units, []).total_headcount


@PROFILE
@given(estates())
def test_the_headcount_is_the_number_of_distinct_owner_sets_and_the_developer_is_one(
        holdings: list[Holding]) -> None:
    buyers = {h.owner_ids for h in holdings if not h.with_developer}
    developer = any(h.with_developer for h in holdings)
    assert headcount(holdings) == len(buyers) + developer


@PROFILE
@given(estates())
def test_units_share_a_voter_exactly_when_they_have_the_same_owners(
        holdings: list[Holding]) -> None:
    keys = voter_keys(holdings, DEVELOPER)
    for one in holdings:
        for other in holdings:
            same = (one.with_developer and other.with_developer) or (
                not one.with_developer and not other.with_developer
                and one.owner_ids == other.owner_ids)
            assert (keys[one.unit_id] == keys[other.unit_id]) == same


@PROFILE
@given(estates(), st.randoms(use_true_random=False))
def test_grouping_does_not_change_with_the_order_of_the_units(holdings: list[Holding],
                                                              shuffler: random.Random) -> None:
    shuffled = list(holdings)
    shuffler.shuffle(shuffled)
    assert voter_keys(shuffled, DEVELOPER) == voter_keys(holdings, DEVELOPER)
    assert headcount(shuffled) == headcount(holdings)
