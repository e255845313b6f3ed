"""Reading a tally's JSON-like input: typed records out, every problem named with its place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.common.errors import VoteInputError
from engine.meetings.votes.input import read_tally_input, tally_data
from engine.meetings.votes.tally import Ballot, Matter, UnitStatus, Vote, VotingUnit

# Every key the tally accepts, as its refusal lists them: art. 278's nine items, the old classes.
MATTER_KEYS = " | ".join(f'"{matter.value}"' for matter in Matter)


def unit(unit_id: str = "1-101", area: object = "89.50", owner: object = "o-1",
         status: object = "delivered") -> dict[str, object]:
    return {"id": unit_id, "area": area, "owner": owner, "status": status}


def joint(unit_id: str, area: str, owners: list[object]) -> dict[str, object]:
    return {"id": unit_id, "area": area, "owners": owners, "status": "delivered"}


def problems_of(data: object) -> list[str]:
    with pytest.raises(VoteInputError) as raised:
        read_tally_input(data)
    return raised.value.problems


def test_reads_units_and_ballots_into_typed_records() -> None:
    record = read_tally_input({
        "matter": "special",
        "units": [unit(), unit("9-901", 120, "dev", "unsold"), unit("9-902", Decimal("7.5"),
                                                                      "dev", "undelivered")],
        "ballots": [{"owner": "o-1", "vote": "abstain"}, {"owner": "dev", "vote": "spoiled"}],
    })
    assert record.matter is Matter.SPECIAL
    assert record.units == (
        VotingUnit("1-101", Decimal("89.50"), "o-1", UnitStatus.DELIVERED),
        VotingUnit("9-901", Decimal("120"), "dev", UnitStatus.UNSOLD),
        VotingUnit("9-902", Decimal("7.5"), "dev", UnitStatus.UNDELIVERED))
    assert record.ballots == (Ballot("o-1", Vote.ABSTAIN), Ballot("dev", Vote.SPOILED))


def test_tally_data_returns_the_json_ready_result() -> None:
    result = tally_data({"matter": "ordinary", "units": [unit(), unit("1-102", "10.50", "o-2")],
                         "ballots": [{"owner": "o-1", "vote": "agree"},
                                     {"owner": "o-2", "vote": "agree"}]})
    assert (result["total_area"], result["agree_area"], result["passed"]) == (
        "100.00", "100.00", True)


@pytest.mark.parametrize(("data", "problem"), [
    ([], "the input must be a JSON object with matter, units and ballots"),
    ({"units": [unit()], "ballots": []},
     'matter: one of ' + MATTER_KEYS + ' is required, but it is missing'),
    ({"matter": "urgent", "units": [unit()], "ballots": []},
     'matter: one of ' + MATTER_KEYS + ' is required, not "urgent"'),
    ({"matter": "ordinary", "ballots": []}, "units: a list is required, but it is missing"),
    ({"matter": "ordinary", "units": [unit()]}, "ballots: a list is required, but it is missing"),
    ({"matter": "ordinary", "units": ["1-102"], "ballots": []},
     'units[0]: an object is required, not "1-102"'),
    ({"matter": "ordinary", "units": [], "ballots": []}, "units: a tally needs at least one unit"),
    ({"matter": "ordinary", "units": [unit(area="-3.00")], "ballots": []},
     'unit "1-101": area must be greater than zero, not -3.00'),
    ({"matter": "ordinary", "units": [unit(area=89.5)], "ballots": []},
     'units[0].area: a decimal string such as "89.50" is required, not 89.5'),
    ({"matter": "ordinary", "units": [unit(area="1e3")], "ballots": []},
     'units[0].area: a decimal string such as "89.50" is required, not "1e3"'),
    ({"matter": "ordinary", "units": [unit(area="NaN")], "ballots": []},
     'units[0].area: a decimal string such as "89.50" is required, not "NaN"'),
    ({"matter": "ordinary", "units": [unit(area=True)], "ballots": []},
     'units[0].area: a decimal string such as "89.50" is required, not True'),
    ({"matter": "ordinary", "units": [unit(owner="")], "ballots": []},
     'units[0].owner: a non-empty string is required, not ""'),
    ({"matter": "ordinary", "units": [unit(owner=17)], "ballots": []},
     "units[0].owner: a non-empty string is required, not 17"),
    ({"matter": "ordinary", "units": [unit(status="sold")], "ballots": []},
     'units[0].status: one of "delivered" | "unsold" | "undelivered" is required, not "sold"'),
    ({"matter": "ordinary", "units": [unit()], "ballots": [{"owner": "o-1", "vote": "yes"}]},
     'ballots[0].vote: one of "agree" | "disagree" | "abstain" | "spoiled" is required, '
     'not "yes"'),
    ({"matter": "ordinary", "units": [unit()], "ballots": [{"owner": "o-9", "vote": "agree"}]},
     'ballot of "o-9": no unit has this owner'),
    ({"matter": "ordinary", "units": [unit()],
      "ballots": [{"owner": "o-1", "vote": "agree"}, {"owner": "o-1", "vote": "agree"}]},
     "owner \"o-1\" has more than one ballot (one ballot covers all of an owner's units)"),
])
def test_bad_input_is_refused_with_a_clear_message(data: object, problem: str) -> None:
    assert problems_of(data) == [problem]


def test_all_problems_come_together_in_input_order() -> None:
    assert problems_of({
        "matter": "ordinary",
        "units": [unit(area="x"), unit("1-102", "-1", "o-2")],
        "ballots": [{"owner": "o-3", "vote": "agree"}, 5, {"owner": "o-2", "vote": "no"}],
    }) == [
        'units[0].area: a decimal string such as "89.50" is required, not "x"',
        "ballots[1]: an object is required, not 5",
        'ballots[2].vote: one of "agree" | "disagree" | "abstain" | "spoiled" is required, '
        'not "no"',
        'unit "1-102": area must be greater than zero, not -1',
        'ballot of "o-3": no unit has this owner',
    ]


def test_a_ballot_is_not_called_unknown_when_its_owners_unit_was_refused() -> None:
    # o-1's unit has a bad area; its ballot must not add a second, misleading problem.
    assert problems_of({"matter": "ordinary", "units": [unit(area="")],
                        "ballots": [{"owner": "o-1", "vote": "agree"}]}) == [
        'units[0].area: a decimal string such as "89.50" is required, not ""']


def test_a_units_field_that_is_no_list_does_not_make_every_ballot_unknown() -> None:
    assert problems_of({"matter": "ordinary", "units": {"1-101": "89.50"},
                        "ballots": [{"owner": "o-1", "vote": "agree"}]}) == [
        "units: a list is required, not {'1-101': '89.50'}"]


def test_joint_owners_are_one_voter_per_identical_set_never_chained() -> None:
    record = read_tally_input({
        "matter": "ordinary",
        "units": [joint("1", "10", ["A", "B"]),
                  joint("2", "10", ["B", "A"]),
                  joint("3", "10", ["B", "C"]),
                  joint("4", "10", ["C", "D"]),
                  unit("5", "10", "A")],
        "ballots": [{"owners": ["A", "B"], "vote": "agree"},
                    {"owner": "C+D", "vote": "disagree"}]})
    assert [u.owner for u in record.units] == ["A+B", "A+B", "B+C", "C+D", "A"]
    assert record.ballots == (Ballot("A+B", Vote.AGREE), Ballot("C+D", Vote.DISAGREE))
    counted = record.tally()
    assert (counted.total_headcount, counted.participating_headcount) == (4, 2)


def test_joint_owners_given_badly_are_refused_with_their_place() -> None:
    assert problems_of({
        "matter": "ordinary",
        "units": [{"id": "1", "area": "1", "owner": "A", "owners": ["A"], "status": "delivered"},
                  joint("2", "1", []),
                  joint("3", "1", ["A+B"]),
                  joint("4", "1", ["C", 7])],
        "ballots": [{"owner": "B", "vote": "agree"}]}) == [
        'units[0]: give "owner" or "owners", not both',
        "units[1].owners: a non-empty list of owner ids is required, not []",
        'units[2].owners: an owner id in a list cannot contain "+", not "A+B"',
        "units[3].owners[1]: a non-empty string is required, not 7",
        'ballot of "B": no unit has this owner']
