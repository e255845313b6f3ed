"""Read a tally's JSON-like input into typed units and ballots, refusing what cannot be counted.

The shape, as the ``liaison votes tally`` command and the processes give it::

    {"matter": "use_maintenance_fund" (a key of the nine items of art. 278, see
                ``tally.Matter``; "ordinary" and "special", the old classes, still count),
     "units": [{"id": "1-101", "area": "89.50", "owner": "o-17",
                "status": "delivered" | "unsold" | "undelivered"},
               {"id": "1-102", "area": "76.25", "owners": ["o-18", "o-19"],
                "status": "delivered"}],
     "ballots": [{"owner": "o-17", "vote": "agree" | "disagree" | "abstain" | "spoiled"},
                 {"owners": ["o-19", "o-18"], "vote": "agree"}]}

A unit names its one owner (``"owner"``) or its joint owners (``"owners"``).
One voter is one set of owners (SPC interpretation art. 9, as in
``engine.meetings.electorate``): units with the same set, in any order, are one
buyer; ["A", "B"] and ["B", "C"] are two voters, and so are "A" and ["A", "B"].
The set is named "A+B" (sorted, joined by "+"), which a ballot may give too;
an owner id in a list cannot itself contain "+". The developer's units name
one owner as before.

Areas are decimal strings (integers and ``Decimal`` are taken too, floats
never: a binary fraction is not the area on record). Every problem found is
reported at once, in one ``VoteInputError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from engine.common.errors import VoteInputError
from engine.meetings.votes.report import tally_record
from engine.meetings.votes.tally import (
    Ballot,
    Matter,
    Tally,
    UnitStatus,
    Vote,
    VotingUnit,
    input_problems,
    tally,
)

__all__ = ["TallyInput", "read_tally_input", "tally_data"]

Choice = TypeVar("Choice", bound=StrEnum)

# Plain fixed-point text only: "1e3" or "Infinity" are no floor areas.
DECIMAL_TEXT = re.compile(r"[+-]?\d+(\.\d+)?")


@dataclass(frozen=True)
class TallyInput:
    """What a tally counts: the matter (its item of art. 278), the units and the ballots."""

    matter: Matter
    units: tuple[VotingUnit, ...]
    ballots: tuple[Ballot, ...]

    def tally(self) -> Tally:
        return tally(self.matter, self.units, self.ballots)


def tally_data(data: object) -> dict[str, object]:
    """Tally JSON-like input and return the JSON-ready result (the processes' and CLI's entry)."""
    return tally_record(read_tally_input(data).tally())


def read_tally_input(data: object) -> TallyInput:
    """Check and convert ``data``; raise ``VoteInputError`` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise VoteInputError(["the input must be a JSON object with matter, units and ballots"])
    matter = _choice(data.get("matter"), Matter, "matter", problems)
    units, known_owners = _units(data.get("units"), problems)
    ballots = _ballots(data.get("ballots"), problems)
    raw_units = data.get("units")
    if isinstance(raw_units, list):  # else every ballot would name an unknown owner
        problems += input_problems(units, ballots, known_owners=known_owners,
                                   refused_units=len(raw_units) - len(units))
    if problems or matter is None:
        raise VoteInputError(problems)
    return TallyInput(matter=matter, units=tuple(units), ballots=tuple(ballots))


def _units(raw: object, problems: list[str]) -> tuple[list[VotingUnit], set[str]]:
    units: list[VotingUnit] = []
    # Owners of units refused for another reason: their ballots are not "unknown owner" too.
    known_owners: set[str] = set()
    for where, item in _items(raw, "units", problems):
        owner = _voter(item, where, problems)
        if owner is not None:
            known_owners.add(owner)
        unit_id = _text(item.get("id"), f"{where}.id", problems)
        area = _area(item.get("area"), f"{where}.area", problems)
        status = _choice(item.get("status"), UnitStatus, f"{where}.status", problems)
        if unit_id is not None and owner is not None and area is not None and status is not None:
            units.append(VotingUnit(id=unit_id, area=area, owner=owner, status=status))
    return units, known_owners


def _ballots(raw: object, problems: list[str]) -> list[Ballot]:
    ballots: list[Ballot] = []
    for where, item in _items(raw, "ballots", problems):
        owner = _voter(item, where, problems)
        vote = _choice(item.get("vote"), Vote, f"{where}.vote", problems)
        if owner is not None and vote is not None:
            ballots.append(Ballot(owner=owner, vote=vote))
    return ballots


def _voter(item: Mapping[str, object], where: str, problems: list[str]) -> str | None:
    """The voter a unit or ballot names: ``"owner"``, or ``"owners"`` as one sorted set."""
    if "owners" not in item:
        return _text(item.get("owner"), f"{where}.owner", problems)
    raw = item["owners"]
    if "owner" in item:
        problems.append(f'{where}: give "owner" or "owners", not both')
        return None
    if not isinstance(raw, list) or not raw:
        problems.append(f'{where}.owners: a non-empty list of owner ids is required, {_not(raw)}')
        return None
    owners = [_text(owner, f"{where}.owners[{i}]", problems) for i, owner in enumerate(raw)]
    joined = [owner for owner in owners if owner is not None and "+" in owner]
    problems += [f'{where}.owners: an owner id in a list cannot contain "+", not "{owner}"'
                 for owner in joined]
    if joined or None in owners:
        return None
    return "+".join(sorted({owner for owner in owners if owner is not None}))


def _items(raw: object, name: str, problems: list[str]
           ) -> Iterator[tuple[str, Mapping[str, object]]]:
    """Yield each object of the list ``raw`` with its path; lazily, so problems stay in order."""
    if not isinstance(raw, list):
        problems.append(f"{name}: a list is required, {_not(raw)}")
        return
    for index, item in enumerate(raw):
        if isinstance(item, Mapping):
            yield f"{name}[{index}]", item
        else:
            problems.append(f"{name}[{index}]: an object is required, {_not(item)}")


def _text(value: object, where: str, problems: list[str]) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    problems.append(f"{where}: a non-empty string is required, {_not(value)}")
    return None


def _area(value: object, where: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value.strip()):
        return Decimal(value.strip())
    problems.append(f'{where}: a decimal string such as "89.50" is required, {_not(value)}')
    return None


def _choice(value: object, kind: type[Choice], where: str, problems: list[str]
            ) -> Choice | None:
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value)
    allowed = " | ".join(f'"{member.value}"' for member in kind)
    problems.append(f"{where}: one of {allowed} is required, {_not(value)}")
    return None


def _not(value: object) -> str:
    if value is None:
        return "but it is missing"
    return f'not "{value}"' if isinstance(value, str) else f"not {value!r}"
