"""Who votes for each unit of an estate: the units the tally counts, read from the records.

``engine.meetings.votes.tally`` counts one person per owner string. The SPC
interpretation (art. 9) counts one person per unit, except that the same
buyer holding several units counts once, and so do the developer's unsold or
undelivered units. "The same buyer" is the same set of owners: A and B who
hold two units together are one voter; A+B and B+C are two voters, though B is
in both; A alone and A with a spouse are two. Units are never grouped through a
shared owner, or one co-owner would end up casting the vote for a unit they
do not hold.

A voter is named by its key, the sorted owner ids joined by "+" ("12+31"); the
developer's units all name the developer's id. Ballots and petition
signatures record that key, so "one voter votes once" means one owner set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.common.errors import VoteInputError
from engine.directory.models import Building, Unit
from engine.meetings.votes.tally import UnitStatus, VotingUnit

__all__ = ["Electorate", "Holding", "Voter", "electorate", "voter_key", "voter_keys"]


def voter_key(owner_ids: Iterable[int]) -> str:
    """The key of the voter these owners are together: their sorted ids joined by "+"."""
    return "+".join(str(owner) for owner in sorted(set(owner_ids)))


@dataclass(frozen=True)
class Holding:
    """A unit as grouping sees it: who holds it, and whether the developer still does."""

    unit_id: int
    owner_ids: frozenset[int]  # the owners on record, the developer left out
    with_developer: bool  # unsold or undelivered


def voter_keys(holdings: Iterable[Holding], developer: int | None) -> dict[int, str]:
    """Unit id -> the key of the voter it counts for: one per owner set, the developer as one."""
    keys = {}
    for holding in holdings:
        if holding.with_developer:
            if developer is None:
                raise ValueError(f"unit {holding.unit_id} is the developer's, but none is named")
            keys[holding.unit_id] = voter_key([developer])
        else:
            keys[holding.unit_id] = voter_key(holding.owner_ids)
    return keys


@dataclass(frozen=True)
class Voter:
    """One person of the headcount: an owner set (or the developer) and the units it votes for."""

    key: str
    owner_ids: tuple[int, ...]
    names: tuple[str, ...]
    is_developer: bool
    unit_ids: tuple[int, ...]
    labels: tuple[str, ...]
    area: Decimal


@dataclass(frozen=True)
class Electorate:
    """An estate's units as the tally sees them, and the voter each unit counts for."""

    units: tuple[VotingUnit, ...]
    voter_of: dict[int, str]  # unit id -> key of the voter the unit counts for
    labels: dict[int, str]  # unit id -> "A-1203", for messages people read
    voters: tuple[Voter, ...]  # in the order of their first unit

    @property
    def headcount(self) -> int:
        return len(self.voters)

    def voter(self, unit_id: int) -> str:
        """The key of the voter a unit counts for; a unit of another estate is refused."""
        try:
            return self.voter_of[unit_id]
        except KeyError:
            raise VoteInputError([f"unit {unit_id} is not a unit of this estate"],
                                 message_code="ballots.unit_foreign",
                                 params={"unit": unit_id}) from None

    def voter_of_unit(self, unit_id: int) -> Voter:
        key = self.voter(unit_id)
        return next(v for v in self.voters if v.key == key)


def electorate(session: Session, estate_id: int) -> Electorate:
    """Read the estate's units and owners; raise ``VoteInputError`` where one cannot vote."""
    units = list(session.scalars(
        select(Unit).join(Building).where(Building.estate_id == estate_id)
        .options(selectinload(Unit.owners), selectinload(Unit.building)).order_by(Unit.id)))
    developers = sorted({o.id for u in units for o in u.owners if o.is_developer})
    problems = []
    if not units:
        problems.append(f"estate {estate_id} has no units on record")
    if len(developers) > 1:
        problems.append("the estate's units name more than one developer")
    developer = developers[0] if developers else None
    holdings = []
    for unit in units:
        owners = frozenset(o.id for o in unit.owners if not o.is_developer)
        with_developer = not unit.delivered or any(o.is_developer for o in unit.owners)
        if not with_developer and not owners:
            problems.append(f"unit {unit.label} has no owner on record")
        elif with_developer and developer is None:
            problems.append(f"unit {unit.label} is not delivered, but no developer is on record")
        holdings.append(Holding(unit.id, owners, with_developer))
    if problems:
        raise VoteInputError(problems)
    return _electorate(units, holdings, developer)


def _electorate(units: Sequence[Unit], holdings: Sequence[Holding],
                developer: int | None) -> Electorate:
    voter_of = voter_keys(holdings, developer)
    names = {o.id: o.name for u in units for o in u.owners}
    voting: list[VotingUnit] = []
    members: dict[str, list[Unit]] = {}
    for unit, holding in zip(units, holdings, strict=True):
        status = (UnitStatus.DELIVERED if not holding.with_developer
                  else UnitStatus.UNDELIVERED if not unit.delivered else UnitStatus.UNSOLD)
        voting.append(VotingUnit(id=str(unit.id), area=unit.area, owner=voter_of[unit.id],
                                 status=status))
        members.setdefault(voter_of[unit.id], []).append(unit)
    voters = []
    for key, held in members.items():
        owner_ids = tuple(int(part) for part in key.split("+"))
        voters.append(Voter(key=key, owner_ids=owner_ids,
                            names=tuple(names[owner] for owner in owner_ids),
                            is_developer=owner_ids == (developer,),
                            unit_ids=tuple(u.id for u in held),
                            labels=tuple(u.label for u in held),
                            area=sum((u.area for u in held), Decimal(0))))
    return Electorate(tuple(voting), voter_of, {u.id: u.label for u in units}, tuple(voters))
