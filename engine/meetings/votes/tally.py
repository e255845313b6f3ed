"""Tally an owners' vote by area and headcount (Civil Code art. 278, SPC interpretation art. 8–9).

Area is the exclusive floor area on record. Headcount is one per unit, except
that the units of the same buyer (the same set of owners) count as one person
and all unsold or undelivered units of the developer count as one person. As
every unit names exactly one voter (``engine.meetings.electorate`` keys a set
of owners) and the developer's units all name the developer, the headcount is
the number of distinct voters. A vote
needs participation of at least 2/3 of the total area and of the total
headcount. The matter is one of the nine items of art. 278, each with its
threshold: raising the maintenance fund, rebuilding or altering buildings and
facilities, and changing the use of common parts (or running a business on
them) need at least 3/4 of the participating area and headcount to agree;
every other item, using the maintenance fund included, more than 1/2.
Every comparison is exact: areas are ``Decimal``, thresholds ``Fraction``.

Decided here: a delivered unit belongs to the voter it names; a delivered unit
the developer still holds under its id joins the developer, who stays one
person; with nobody taking part nothing is agreed.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from engine.common.errors import VoteInputError
from engine.meetings.votes.figures import figure

__all__ = [
    "AGREEMENT",
    "ITEMS",
    "MORE_THAN_HALF",
    "PARTICIPATION",
    "THREE_QUARTERS",
    "Ballot",
    "Check",
    "Matter",
    "Tally",
    "Threshold",
    "UnitStatus",
    "Vote",
    "VotingUnit",
    "input_problems",
    "tally",
]

# Wide enough that adding areas never rounds; an inexact sum would be a bug, so it raises.
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                         traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


class Matter(StrEnum):
    """The item of Civil Code art. 278 a matter falls under, which sets its agreement threshold."""

    RULES_OF_PROCEDURE = "rules_of_procedure"  # (1) the owners' assembly's rules of procedure
    MANAGEMENT_STATUTE = "management_statute"  # (2)
    ELECT_COMMITTEE = "elect_committee"  # (3) elect or replace the owners' committee
    HIRE_MANAGER = "hire_manager"  # (4) hire or dismiss the property manager
    USE_MAINTENANCE_FUND = "use_maintenance_fund"  # (5)
    RAISE_MAINTENANCE_FUND = "raise_maintenance_fund"  # (6)
    REBUILD_OR_ALTER = "rebuild_or_alter"  # (7) buildings and their facilities
    CHANGE_USE_OF_COMMON_PARTS = "change_use_of_common_parts"  # (8) or run a business on them
    OTHER_MAJOR = "other_major"  # (9)
    # The two classes used before the items: stored agendas and old inputs still tally.
    ORDINARY = "ordinary"
    SPECIAL = "special"

    @property
    def item(self) -> int | None:
        """The item's number in art. 278; None for the two old classes."""
        return ITEMS.index(self) + 1 if self in ITEMS else None


ITEMS = tuple(Matter)[:9]  # in the order of art. 278


class UnitStatus(StrEnum):
    DELIVERED = "delivered"
    UNSOLD = "unsold"
    UNDELIVERED = "undelivered"  # sold, not yet handed over: still votes with the developer


class Vote(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"
    SPOILED = "spoiled"


@dataclass(frozen=True)
class VotingUnit:
    """A unit as the tally sees it: its exclusive area, its one owner id and its status."""

    id: str
    area: Decimal
    owner: str
    status: UnitStatus = UnitStatus.DELIVERED

    @property
    def with_developer(self) -> bool:
        return self.status is not UnitStatus.DELIVERED


@dataclass(frozen=True)
class Ballot:
    """One owner's ballot, covering all of that owner's units."""

    owner: str
    vote: Vote


@dataclass(frozen=True)
class Threshold:
    """A share of a base that a figure must reach (``>=``) or exceed (``>``)."""

    fraction: Fraction
    strict: bool

    @property
    def operator(self) -> str:
        return ">" if self.strict else ">="

    def needed(self, base: Decimal | int) -> Fraction:
        return self.fraction * Fraction(base)

    def met(self, value: Decimal | int, base: Decimal | int) -> bool:
        needed = self.needed(base)
        return Fraction(value) > needed if self.strict else Fraction(value) >= needed


PARTICIPATION = Threshold(Fraction(2, 3), strict=False)
MORE_THAN_HALF = Threshold(Fraction(1, 2), strict=True)
THREE_QUARTERS = Threshold(Fraction(3, 4), strict=False)
# Art. 278: items 6–8 need 3/4; every other item, using the maintenance fund (5) included, > 1/2.
AGREEMENT = {matter: THREE_QUARTERS if matter in (
                 Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD_OR_ALTER,
                 Matter.CHANGE_USE_OF_COMMON_PARTS, Matter.SPECIAL) else MORE_THAN_HALF
             for matter in Matter}


@dataclass(frozen=True)
class Check:
    """One threshold test: ``value`` against ``threshold`` of ``base``, and whether it passed."""

    name: str  # participation_area, participation_headcount, agreement_area, agreement_headcount
    value: Decimal | int
    base: Decimal | int
    threshold: Threshold
    ok: bool

    @property
    def measure(self) -> str:
        return self.name.rpartition("_")[2]

    @property
    def stage(self) -> str:
        return self.name.partition("_")[0]


@dataclass(frozen=True)
class Tally:
    """The counted vote: every figure, every check, and the outcome."""

    matter: Matter
    units: int
    total_area: Decimal
    total_headcount: int
    developer: str | None
    developer_units: int
    by_vote: dict[Vote, tuple[Decimal, int]]  # area and headcount of each kind of ballot
    checks: tuple[Check, ...]

    @property
    def participating_area(self) -> Decimal:
        return _sum(area for area, _ in self.by_vote.values())

    @property
    def participating_headcount(self) -> int:
        return sum(count for _, count in self.by_vote.values())

    @property
    def agree_area(self) -> Decimal:
        return self.by_vote[Vote.AGREE][0]

    @property
    def agree_headcount(self) -> int:
        return self.by_vote[Vote.AGREE][1]

    @property
    def participation_ok(self) -> bool:
        return all(check.ok for check in self.checks if check.stage == "participation")

    @property
    def agreement_ok(self) -> bool:
        return all(check.ok for check in self.checks if check.stage == "agreement")

    @property
    def passed(self) -> bool:
        return self.participation_ok and self.agreement_ok


def tally(matter: Matter, units: Sequence[VotingUnit], ballots: Sequence[Ballot]) -> Tally:
    """Count the ballots of a vote on ``matter``; raise ``VoteInputError`` on unusable input."""
    problems = input_problems(units, ballots)
    if problems:
        raise VoteInputError(problems)
    # Every area figure carries as many decimal places as the most precise area on record.
    zero = Decimal(0).scaleb(min(_exponent(unit.area) for unit in units))
    area_of: dict[str, Decimal] = {}
    for unit in units:
        area_of[unit.owner] = _sum([area_of.get(unit.owner, zero), unit.area])
    total_area = _sum(area_of.values())
    total_headcount = len(area_of)  # one person per owner id: see the module docstring
    developer = next((unit.owner for unit in units if unit.with_developer), None)

    by_vote: dict[Vote, tuple[Decimal, int]] = {}
    for vote in Vote:
        voters = [ballot.owner for ballot in ballots if ballot.vote is vote]
        by_vote[vote] = (_sum([zero, *(area_of[owner] for owner in voters)]), len(voters))
    taking_part = _sum(area for area, _ in by_vote.values())
    taking_part_headcount = len(ballots)
    agree_area, agree_headcount = by_vote[Vote.AGREE]

    agreement = AGREEMENT[matter]
    # With nobody taking part there is no agreement, even where 0 >= 3/4 of 0 would say so.
    anyone = taking_part_headcount > 0
    checks = (
        Check("participation_area", taking_part, total_area, PARTICIPATION,
              PARTICIPATION.met(taking_part, total_area)),
        Check("participation_headcount", taking_part_headcount, total_headcount, PARTICIPATION,
              PARTICIPATION.met(taking_part_headcount, total_headcount)),
        Check("agreement_area", agree_area, taking_part, agreement,
              anyone and agreement.met(agree_area, taking_part)),
        Check("agreement_headcount", agree_headcount, taking_part_headcount, agreement,
              anyone and agreement.met(agree_headcount, taking_part_headcount)),
    )
    return Tally(matter=matter, units=len(units), total_area=total_area,
                 total_headcount=total_headcount, developer=developer,
                 developer_units=sum(1 for unit in units if unit.owner == developer),
                 by_vote=by_vote, checks=checks)


def input_problems(units: Sequence[VotingUnit], ballots: Sequence[Ballot], *,
                   known_owners: Set[str] = frozenset(), refused_units: int = 0) -> list[str]:
    """List what makes these units and ballots uncountable.

    A reader that refused some units says how many, and whose they were, so that
    their ballots and the estate are not reported empty or unknown on top.
    """
    problems: list[str] = []
    if not units and not refused_units:
        problems.append("units: a tally needs at least one unit")
    seen_units: set[str] = set()
    for unit in units:
        if unit.id in seen_units:
            problems.append(f'unit "{unit.id}" is listed more than once')
        seen_units.add(unit.id)
        if not unit.area.is_finite() or unit.area <= 0:
            problems.append(f'unit "{unit.id}": area must be greater than zero, '
                            f"not {figure(unit.area)}")
    developers = sorted({unit.owner for unit in units if unit.with_developer})
    if len(developers) > 1:
        problems.append("unsold and undelivered units all belong to the developer, so they "
                        "must name one owner id, but they name "
                        + ", ".join(f'"{owner}"' for owner in developers))
    owners = {unit.owner for unit in units} | known_owners
    seen_ballots: set[str] = set()
    for ballot in ballots:
        if ballot.owner not in owners:
            problems.append(f'ballot of "{ballot.owner}": no unit has this owner')
        elif ballot.owner in seen_ballots:
            problems.append(f'owner "{ballot.owner}" has more than one ballot '
                            "(one ballot covers all of an owner's units)")
        seen_ballots.add(ballot.owner)
    return problems


def _sum(areas: Iterable[Decimal]) -> Decimal:
    with decimal.localcontext(_EXACT):
        return sum(areas, Decimal(0))


def _exponent(area: Decimal) -> int:
    exponent = area.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0  # only NaN and infinities are not
