"""Properties of the tally over generated estates and ballots (deterministic: derandomized)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.meetings.votes.report import tally_record
from engine.meetings.votes.tally import (
    AGREEMENT,
    ITEMS,
    MORE_THAN_HALF,
    THREE_QUARTERS,
    Ballot,
    Matter,
    UnitStatus,
    Vote,
    VotingUnit,
    tally,
)

# Fixed examples, no deadline: the same run on every machine, and quick.
PROFILE = settings(derandomize=True, max_examples=200, deadline=None)
DEVELOPER = "dev"


def area(cents: int) -> Decimal:
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


@st.composite
def estates(draw: st.DrawFn) -> list[VotingUnit]:
    """Owners holding one to three units each, and maybe a developer with unsold ones."""
    holdings = draw(st.lists(st.lists(st.integers(1, 30_000), min_size=1, max_size=3),
                             min_size=1, max_size=12))
    units = [VotingUnit(id=f"{owner}-{number}", area=area(cents), owner=f"o{owner}")
             for owner, held in enumerate(holdings) for number, cents in enumerate(held)]
    statuses = st.sampled_from([UnitStatus.UNSOLD, UnitStatus.UNDELIVERED, UnitStatus.DELIVERED])
    developer = draw(st.lists(st.tuples(st.integers(1, 30_000), statuses), max_size=4))
    units += [VotingUnit(id=f"dev-{number}", area=area(cents), owner=DEVELOPER, status=status)
              for number, (cents, status) in enumerate(developer)]
    return units


@st.composite
def votes(draw: st.DrawFn) -> tuple[Matter, list[VotingUnit], list[Ballot]]:
    """A matter, an estate, and ballots from some of its owners."""
    units = draw(estates())
    # Weighted by a drawn mood, so passes, near misses and failures all come up often.
    keen, away = draw(st.integers(1, 8)), draw(st.integers(0, 3))
    choices = [Vote.AGREE] * keen + [None] * away + [Vote.DISAGREE, Vote.ABSTAIN, Vote.SPOILED]
    ballots = []
    for owner in sorted({unit.owner for unit in units}):
        vote = draw(st.sampled_from(choices))
        if vote is not None:
            ballots.append(Ballot(owner, vote))
    return draw(st.sampled_from(list(Matter))), units, ballots


def cents(value: Decimal) -> int:
    return int(value * 100)


@PROFILE
@given(votes(), st.data())
def test_an_added_agreeing_ballot_never_turns_a_pass_into_a_fail(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]], data: st.DataObject) -> None:
    matter, units, ballots = vote
    # Anyone may be the newcomer: whoever is drawn is taken out of the ballots first.
    newcomer = data.draw(st.sampled_from(sorted({unit.owner for unit in units})))
    others = [ballot for ballot in ballots if ballot.owner != newcomer]
    before = tally(matter, units, others)
    after = tally(matter, units, [*others, Ballot(newcomer, Vote.AGREE)])
    assert after.participating_headcount == before.participating_headcount + 1
    if before.passed:
        assert after.passed


@PROFILE
@given(votes(), st.data())
def test_turning_a_ballot_into_agree_never_turns_a_pass_into_a_fail(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]], data: st.DataObject) -> None:
    matter, units, ballots = vote
    if not ballots:
        return
    index = data.draw(st.integers(0, len(ballots) - 1))
    changed = [*ballots[:index], replace(ballots[index], vote=Vote.AGREE), *ballots[index + 1:]]
    if tally(matter, units, ballots).passed:
        assert tally(matter, units, changed).passed


@PROFILE
@given(votes())
def test_the_headcount_never_exceeds_the_distinct_owners(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]]) -> None:
    matter, units, ballots = vote
    result = tally(matter, units, ballots)
    owners = {unit.owner for unit in units}
    assert result.total_headcount <= len(owners)
    assert result.total_headcount <= len(units)
    assert result.agree_headcount <= result.participating_headcount <= result.total_headcount
    assert result.agree_area <= result.participating_area <= result.total_area
    assert result.total_area == sum((unit.area for unit in units), Decimal(0))


@PROFILE
@given(votes())
def test_the_outcome_matches_whole_cent_cross_multiplication(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]]) -> None:
    matter, units, ballots = vote
    result = tally(matter, units, ballots)
    held: dict[str, int] = {}
    for unit in units:
        held[unit.owner] = held.get(unit.owner, 0) + cents(unit.area)
    total, heads = sum(held.values()), len(held)
    took_part = sum(held[ballot.owner] for ballot in ballots)
    agreed = sum(held[ballot.owner] for ballot in ballots if ballot.vote is Vote.AGREE)
    yes = sum(1 for ballot in ballots if ballot.vote is Vote.AGREE)
    taking = len(ballots)
    participation = 3 * took_part >= 2 * total and 3 * taking >= 2 * heads
    if AGREEMENT[matter] is MORE_THAN_HALF:
        agreement = 2 * agreed > took_part and 2 * yes > taking
    else:
        agreement = taking > 0 and 4 * agreed >= 3 * took_part and 4 * yes >= 3 * taking
    assert (result.participation_ok, result.agreement_ok) == (participation, agreement)
    assert result.passed == (participation and agreement)


@PROFILE
@given(votes())
def test_what_passes_as_a_special_matter_passes_as_an_ordinary_one(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]]) -> None:
    _, units, ballots = vote
    if tally(Matter.SPECIAL, units, ballots).passed:
        assert tally(Matter.ORDINARY, units, ballots).passed


@PROFILE
@given(votes())
def test_each_item_of_art_278_decides_as_the_old_class_of_its_threshold(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]]) -> None:
    _, units, ballots = vote
    by_class = {threshold: tally(old, units, ballots).passed
                for old, threshold in ((Matter.ORDINARY, MORE_THAN_HALF),
                                       (Matter.SPECIAL, THREE_QUARTERS))}
    for item in ITEMS:
        assert tally(item, units, ballots).passed is by_class[AGREEMENT[item]]


@PROFILE
@given(votes(), st.data())
def test_the_order_of_units_and_ballots_does_not_matter(
        vote: tuple[Matter, list[VotingUnit], list[Ballot]], data: st.DataObject) -> None:
    matter, units, ballots = vote
    shuffled_units = data.draw(st.permutations(units))
    shuffled_ballots = data.draw(st.permutations(ballots))
    assert (tally_record(tally(matter, shuffled_units, shuffled_ballots))
            == tally_record(tally(matter, units, ballots)))
