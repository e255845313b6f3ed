"""The vote tally at and around every threshold, with figures worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pytest

from engine.common.errors import LiaisonError, VoteInputError
from engine.meetings.votes.report import check_record, tally_record
from engine.meetings.votes.tally import (
    AGREEMENT,
    ITEMS,
    MORE_THAN_HALF,
    PARTICIPATION,
    THREE_QUARTERS,
    Ballot,
    Matter,
    Tally,
    UnitStatus,
    Vote,
    VotingUnit,
    tally,
)
from engine.meetings.votes.text import explain

VOTES = {"A": Vote.AGREE, "D": Vote.DISAGREE, "X": Vote.ABSTAIN, "S": Vote.SPOILED}
UNSOLD, UNDELIVERED = UnitStatus.UNSOLD, UnitStatus.UNDELIVERED


def units(*holdings: tuple[str, str] | tuple[str, str, UnitStatus]) -> list[VotingUnit]:
    """One unit per ``(owner, area[, status])``, numbered in order."""
    return [VotingUnit(id=f"u{number}", owner=held[0], area=Decimal(held[1]),
                       status=held[2] if len(held) == 3 else UnitStatus.DELIVERED)
            for number, held in enumerate(holdings, start=1)]


def ballots(votes: str) -> list[Ballot]:
    """Ballots from ``"a:A b:X"``: owner, then A(gree), D(isagree), X (abstain), S(poiled)."""
    return [Ballot(owner=owner, vote=VOTES[letter])
            for owner, letter in (item.split(":") for item in votes.split())]


@dataclass(frozen=True)
class Case:
    name: str
    matter: Matter
    estate: list[VotingUnit]
    votes: str
    # Hand-computed: total area, total headcount, participating area and headcount,
    # agreeing area and headcount, then the four checks in order and the outcome.
    figures: tuple[str, int, str, int, str, int]
    checks: tuple[bool, bool, bool, bool]
    passed: bool = field(default=False)


ORD, SPE = Matter.ORDINARY, Matter.SPECIAL
EVEN = units(("a", "20.00"), ("b", "20.00"), ("c", "20.00"))
CASES = [
    # Participation: at least 2/3 of the area and of the headcount.
    Case("participation exactly 2/3 of area and headcount", ORD, EVEN, "a:A b:A",
         ("60.00", 3, "40.00", 2, "40.00", 2), (True, True, True, True), passed=True),
    Case("participation area a cent under 2/3", ORD,
         units(("a", "19.99"), ("b", "20.00"), ("c", "20.01")), "a:A b:A",
         ("60.00", 3, "39.99", 2, "39.99", 2), (False, True, True, True)),
    Case("participation area a cent over 2/3", ORD,
         units(("a", "19.99"), ("b", "20.00"), ("c", "20.01")), "b:A c:A",
         ("60.00", 3, "40.01", 2, "40.01", 2), (True, True, True, True), passed=True),
    Case("participation headcount under 2/3 though the area is ample", ORD,
         units(("a", "100"), ("b", "1"), ("c", "1"), ("d", "1")), "a:A b:A",
         ("103", 4, "101", 2, "101", 2), (True, False, True, True)),
    Case("participation headcount exactly 2/3 of six", ORD,
         units(*((owner, "10") for owner in "abcdef")), "a:A b:A c:A d:D",
         ("60", 6, "40", 4, "30", 3), (True, True, True, True), passed=True),
    Case("participation headcount one under 2/3 of six", ORD,
         units(("a", "30"), ("b", "30"), ("c", "30"), ("d", "1"), ("e", "1"), ("f", "1")),
         "a:A b:A c:A", ("93", 6, "90", 3, "90", 3), (True, False, True, True)),
    # Ordinary agreement: more than 1/2 of what took part; exactly half is not enough.
    Case("ordinary agreement exactly 1/2 of area and headcount fails", ORD,
         units(("a", "50.00"), ("b", "50.00")), "a:A b:D",
         ("100.00", 2, "100.00", 2, "50.00", 1), (True, True, False, False)),
    Case("ordinary agreement a cent over half the area, half the headcount", ORD,
         units(("a", "50.01"), ("b", "49.99")), "a:A b:D",
         ("100.00", 2, "100.00", 2, "50.01", 1), (True, True, True, False)),
    Case("ordinary agreement over half of both", ORD,
         units(("a", "50.01"), ("b", "25.00"), ("c", "24.99")), "a:A b:A c:D",
         ("100.00", 3, "100.00", 3, "75.01", 2), (True, True, True, True), passed=True),
    Case("ordinary agreement counts against participation, not the total", ORD,
         units(*((owner, "10") for owner in "abcdefghi")), "a:A b:A c:A d:A e:D f:D",
         ("90", 9, "60", 6, "40", 4), (True, True, True, True), passed=True),
    # Special matters: at least 3/4 of what took part; exactly 3/4 is enough.
    Case("special agreement exactly 3/4 of area and headcount passes", SPE,
         units(*((owner, "25.00") for owner in "abcd")), "a:A b:A c:A d:D",
         ("100.00", 4, "100.00", 4, "75.00", 3), (True, True, True, True), passed=True),
    Case("special agreement a cent under 3/4 of the area", SPE,
         units(("a", "25.01"), ("b", "25.00"), ("c", "25.00"), ("d", "24.99")),
         "a:D b:A c:A d:A", ("100.00", 4, "100.00", 4, "74.99", 3), (True, True, False, True)),
    Case("special agreement under 3/4 of the headcount", SPE,
         units(("a", "96"), ("b", "1"), ("c", "1"), ("d", "1"), ("e", "1")),
         "a:A b:A c:A d:D e:D", ("100", 5, "100", 5, "98", 3), (True, True, True, False)),
    Case("what passes as ordinary fails as special", SPE,
         units(("a", "50.01"), ("b", "25.00"), ("c", "24.99")), "a:A b:A c:D",
         ("100.00", 3, "100.00", 3, "75.01", 2), (True, True, True, False)),
    # Owners with several units: one person, the sum of their areas.
    Case("an owner of three units is one person with their summed area", ORD,
         units(("a", "10"), ("a", "10"), ("a", "10"), ("b", "10"), ("c", "10")), "a:A",
         ("50", 3, "30", 1, "30", 1), (False, False, True, True)),
    Case("an owner of two units and one more owner reach 2/3 together", ORD,
         units(("a", "40.50"), ("a", "30.25"), ("b", "20.00"), ("c", "9.25")), "a:A b:D",
         ("100.00", 3, "90.75", 2, "70.75", 1), (True, True, True, False)),
    # The developer: all unsold and undelivered units are one person.
    Case("the developer's unsold and undelivered units are one person", ORD,
         units(("dev", "25", UNSOLD), ("dev", "25", UNSOLD), ("dev", "50", UNDELIVERED),
               ("o1", "50"), ("o2", "50")), "dev:A o1:A",
         ("200", 3, "150", 2, "150", 2), (True, True, True, True), passed=True),
    Case("the developer stays one person with a delivered unit of its own", ORD,
         units(("dev", "30", UNSOLD), ("dev", "20"), ("o1", "50")), "o1:A",
         ("100", 2, "50", 1, "50", 1), (False, False, True, True)),
    Case("the developer's area can block a special matter", SPE,
         units(("dev", "300", UNSOLD), ("o1", "100"), ("o2", "100"), ("o3", "100")),
         "dev:D o1:A o2:A o3:A", ("600", 4, "600", 4, "300", 3), (True, True, False, True)),
    # Abstentions and spoiled ballots take part but never agree.
    Case("abstention and spoiled ballot take part, do not agree", ORD,
         units(("a", "10"), ("b", "10"), ("c", "10")), "a:A b:X c:S",
         ("30", 3, "30", 3, "10", 1), (True, True, False, False)),
    Case("abstentions make the participation that an agreement needs", ORD,
         units(("a", "34"), ("b", "33"), ("c", "33")), "a:A b:X",
         ("100", 3, "67", 2, "34", 1), (True, True, True, False)),
    Case("spoiled ballots count for participation", SPE,
         units(*((owner, "10") for owner in "abcdefgh")), "a:A b:A c:A d:A e:A f:A g:S h:S",
         ("80", 8, "80", 8, "60", 6), (True, True, True, True), passed=True),
    # Nobody votes: no participation, and nothing agreed, for either class.
    Case("no ballots, ordinary", ORD, EVEN, "",
         ("60.00", 3, "0.00", 0, "0.00", 0), (False, False, False, False)),
    Case("no ballots, special: 0 of 0 is no agreement", SPE, EVEN, "",
         ("60.00", 3, "0.00", 0, "0.00", 0), (False, False, False, False)),
    # Where a float would err: 0.01 + 0.19 is exactly 2/3 of 0.30.
    Case("exact arithmetic where floats misjudge 2/3", ORD,
         units(("a", "0.01"), ("b", "0.19"), ("c", "0.10")), "a:A b:A",
         ("0.30", 3, "0.20", 2, "0.20", 2), (True, True, True, True), passed=True),
]


def figures(result: Tally) -> tuple[object, ...]:
    data = tally_record(result)
    return tuple(data[name] for name in ("total_area", "total_headcount", "participating_area",
                                         "participating_headcount", "agree_area",
                                         "agree_headcount"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_tally_figures_checks_and_outcome(case: Case) -> None:
    result = tally(case.matter, case.estate, ballots(case.votes))
    assert figures(result) == case.figures
    assert tuple(check.ok for check in result.checks) == case.checks
    assert result.participation_ok == (case.checks[0] and case.checks[1])
    assert result.agreement_ok == (case.checks[2] and case.checks[3])
    assert result.passed is case.passed
    assert tally_record(result)["passed"] is case.passed


def test_thresholds_are_exact_fractions_with_their_operators() -> None:
    assert (PARTICIPATION.fraction, PARTICIPATION.operator) == (Fraction(2, 3), ">=")
    assert (AGREEMENT[Matter.ORDINARY].fraction, AGREEMENT[Matter.ORDINARY].operator) == (
        Fraction(1, 2), ">")
    assert (AGREEMENT[Matter.SPECIAL].fraction, AGREEMENT[Matter.SPECIAL].operator) == (
        Fraction(3, 4), ">=")


THREE_QUARTER_ITEMS = {Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD_OR_ALTER,
                       Matter.CHANGE_USE_OF_COMMON_PARTS}
# Four or five owners of equal area, everyone taking part: (estate, votes).
EXACTLY_HALF = (units(("a", "25.00"), ("b", "25.00"), ("c", "25.00"), ("d", "25.00")),
                "a:A b:A c:D d:D")
THREE_FIFTHS = (units(("a", "20.00"), ("b", "20.00"), ("c", "20.00"), ("d", "20.00"),
                      ("e", "20.00")), "a:A b:A c:A d:D e:D")
EXACTLY_THREE_QUARTERS = (units(("a", "25.00"), ("b", "25.00"), ("c", "25.00"), ("d", "25.00")),
                          "a:A b:A c:A d:D")
# Three of four owners, but 74.97 of 100.00 m²: a hundredth short of 3/4 by area.
AREA_JUST_SHORT = (units(("a", "24.99"), ("b", "24.99"), ("c", "24.99"), ("d", "25.03")),
                   "a:A b:A c:A d:D")


def test_the_nine_items_of_art_278_are_the_matters_in_their_order() -> None:
    assert [matter.value for matter in ITEMS] == [
        "rules_of_procedure", "management_statute", "elect_committee", "hire_manager",
        "use_maintenance_fund", "raise_maintenance_fund", "rebuild_or_alter",
        "change_use_of_common_parts", "other_major"]
    assert [matter.item for matter in ITEMS] == list(range(1, 10))
    assert (Matter.ORDINARY.item, Matter.SPECIAL.item) == (None, None)


@pytest.mark.parametrize("matter", ITEMS, ids=[matter.value for matter in ITEMS])
def test_each_item_passes_and_fails_at_its_own_threshold(matter: Matter) -> None:
    three_quarters = matter in THREE_QUARTER_ITEMS
    assert AGREEMENT[matter] is (THREE_QUARTERS if three_quarters else MORE_THAN_HALF)
    assert tally(matter, EXACTLY_HALF[0], ballots(EXACTLY_HALF[1])).passed is False
    assert tally(matter, THREE_FIFTHS[0], ballots(THREE_FIFTHS[1])).passed is not three_quarters
    assert tally(matter, EXACTLY_THREE_QUARTERS[0],
                 ballots(EXACTLY_THREE_QUARTERS[1])).passed is True
    short = tally(matter, AREA_JUST_SHORT[0], ballots(AREA_JUST_SHORT[1]))
    assert [check.ok for check in short.checks] == [True, True, not three_quarters, True]


def test_using_the_maintenance_fund_is_an_ordinary_item_and_raising_it_is_not() -> None:
    assert AGREEMENT[Matter.USE_MAINTENANCE_FUND] is AGREEMENT[Matter.ORDINARY]
    assert AGREEMENT[Matter.RAISE_MAINTENANCE_FUND] is AGREEMENT[Matter.SPECIAL]


@pytest.mark.parametrize("matter", ITEMS, ids=[matter.value for matter in ITEMS])
def test_the_explanation_names_the_item_and_its_threshold(matter: Matter) -> None:
    rule = explain(tally(matter, THREE_FIFTHS[0], ballots(THREE_FIFTHS[1])))[0]
    assert rule.startswith(f"Civil Code art. 278 item {matter.item}, ")
    share = "at least 3/4" if matter in THREE_QUARTER_ITEMS else "more than 1/2"
    assert f"{share} of the participating area and of the participating headcount" in rule


def test_checks_carry_value_base_operator_fraction_and_exact_need() -> None:
    result = tally(ORD, units(("a", "50.00"), ("b", "25.00"), ("c", "25.00")), ballots("a:A b:D"))
    assert [check_record(check) for check in result.checks] == [
        {"name": "participation_area", "value": "75.00", "base": "100.00", "operator": ">=",
         "fraction": "2/3", "needed": "200/3", "ok": True},
        {"name": "participation_headcount", "value": 2, "base": 3, "operator": ">=",
         "fraction": "2/3", "needed": "2", "ok": True},
        {"name": "agreement_area", "value": "50.00", "base": "75.00", "operator": ">",
         "fraction": "1/2", "needed": "37.5", "ok": True},
        {"name": "agreement_headcount", "value": 1, "base": 2, "operator": ">",
         "fraction": "1/2", "needed": "1", "ok": False},
    ]


def test_result_counts_each_kind_of_ballot_and_names_the_developer() -> None:
    estate = units(("dev", "60.00", UNSOLD), ("dev", "40.00", UNDELIVERED), ("a", "12.50"),
                   ("a", "7.50"), ("b", "30.00"), ("c", "25.25"), ("d", "4.75"))
    data = tally_record(tally(ORD, estate, ballots("dev:X a:A b:D c:S")))
    assert data["by_vote"] == {"agree": {"area": "20.00", "headcount": 1},
                               "disagree": {"area": "30.00", "headcount": 1},
                               "abstain": {"area": "100.00", "headcount": 1},
                               "spoiled": {"area": "25.25", "headcount": 1}}
    assert (data["units"], data["developer"], data["developer_units"]) == (7, "dev", 2)
    assert (data["total_area"], data["total_headcount"]) == ("180.00", 5)


def test_without_unsold_or_undelivered_units_there_is_no_developer() -> None:
    data = tally_record(tally(ORD, EVEN, ballots("a:A")))
    assert (data["developer"], data["developer_units"]) == (None, 0)


def test_area_figures_keep_the_precision_on_record() -> None:
    data = tally_record(tally(ORD, units(("a", "89.5"), ("b", "60"), ("c", "10.125")),
                              ballots("b:D")))
    assert (data["total_area"], data["participating_area"], data["agree_area"]) == (
        "159.625", "60.000", "0.000")


def test_explanation_states_every_figure_threshold_and_result() -> None:
    estate = units(("a", "50.00"), ("a", "10.00"), ("b", "25.00"), ("c", "15.00"),
                   ("dev", "30.00", UNSOLD))
    lines = explain(tally(ORD, estate, ballots("a:A b:D dev:X")))
    assert lines == [
        "Ordinary matter: owners holding at least 2/3 of the total area and at least 2/3 of "
        "the total headcount must take part, and more than 1/2 of the participating area and "
        "of the participating headcount must agree.",
        "The estate has 5 units with 130.00 m² of exclusive area and a headcount of 4: all "
        'units of one owner count as one person. The developer "dev" counts as one person '
        "for its one unit.",
        "Ballots: 1 agree (60.00 m²), 1 disagree (25.00 m²), 1 abstain (30.00 m²), 0 spoiled "
        "(0.00 m²). Every ballot, abstentions and spoiled ones included, counts as taking "
        "part; only agree counts towards agreement.",
        "Participation by area: 115.00 m² of 130.00 m² took part; at least 2/3 of 130.00 m² "
        "is needed, that is at least 86.6666… m²: met.",
        "Participation by headcount: 3 of 4 owners took part; at least 2/3 of 4 is needed, "
        "that is at least 3 owners: met.",
        "Agreement by area: 60.00 m² of the 115.00 m² taking part agreed; more than 1/2 of "
        "115.00 m² is needed, that is more than 57.5 m²: met.",
        "Agreement by headcount: 1 of the 3 owners taking part agreed; more than 1/2 of 3 is "
        "needed, that is at least 2 owners: not met.",
        "Not passed: agreement by headcount is not met.",
    ]


def test_explanation_names_every_failed_check_and_an_empty_vote() -> None:
    lines = explain(tally(SPE, EVEN, []))
    assert lines[0].startswith("Special matter: ")
    assert "at least 3/4 of the participating area" in lines[0]
    assert lines[5] == "Agreement by area: nobody took part, so nothing was agreed: not met."
    assert lines[-1] == ("Not passed: participation by area, participation by headcount, "
                         "agreement by area and agreement by headcount are not met.")


def test_explanation_of_a_pass() -> None:
    lines = explain(tally(ORD, EVEN, ballots("a:A b:A c:A")))
    assert lines[-1] == "Passed: participation and agreement are both met."
    assert lines[4] == ("Participation by headcount: 3 of 3 owners took part; at least 2/3 of "
                        "3 is needed, that is at least 2 owners: met.")


@pytest.mark.parametrize(("estate", "votes", "problem"), [
    (EVEN, "a:A z:A", 'ballot of "z": no unit has this owner'),
    (EVEN, "a:A a:D", 'owner "a" has more than one ballot (one ballot covers all of an '
                      "owner's units)"),
    (units(("a", "-5.00"), ("b", "10")), "", 'unit "u1": area must be greater than zero, '
                                             "not -5.00"),
    (units(("a", "0"), ("b", "10")), "", 'unit "u1": area must be greater than zero, not 0'),
    ([], "", "units: a tally needs at least one unit"),
    ([*EVEN, EVEN[0]], "", 'unit "u1" is listed more than once'),
    (units(("dev", "10", UNSOLD), ("dev2", "10", UNDELIVERED)), "",
     "unsold and undelivered units all belong to the developer, so they must name one owner "
     'id, but they name "dev", "dev2"'),
])
def test_uncountable_input_is_refused_with_the_reason(
        estate: list[VotingUnit], votes: str, problem: str) -> None:
    with pytest.raises(VoteInputError) as raised:
        tally(ORD, estate, ballots(votes))
    assert raised.value.problems == [problem]
    assert isinstance(raised.value, LiaisonError)
    assert raised.value.code == "vote_input_invalid"


def test_every_problem_is_reported_at_once() -> None:
    estate = units(("a", "-1"), ("b", "10"))
    with pytest.raises(VoteInputError) as raised:
        tally(ORD, estate, ballots("z:A b:A b:D"))
    assert len(raised.value.problems) == 3
    assert raised.value.message == "; ".join(raised.value.problems)


def test_the_public_surface_is_pinned() -> None:
    import engine.meetings.votes.input
    import engine.meetings.votes.tally

    assert set(engine.meetings.votes.tally.__all__) == {
        "AGREEMENT", "ITEMS", "MORE_THAN_HALF", "PARTICIPATION", "THREE_QUARTERS", "Ballot",
        "Check", "Matter", "Tally", "Threshold",
        "UnitStatus", "Vote", "VotingUnit", "input_problems", "tally"}
    assert set(engine.meetings.votes.input.__all__) == {
        "TallyInput", "read_tally_input", "tally_data"}
