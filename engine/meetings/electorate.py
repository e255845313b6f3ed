"""Who votes for each unit of an estate: the units the tally counts, read from the records.

``engine.meetings.votes.tally`` counts one person per owner id. Here each unit gets that id
from the ownership records: the developer's for a unit not yet delivered or
still held by the developer (all of those count as one person), otherwise the
unit's owner. Co-owners of a unit vote as one, and so does everyone they
co-own another unit with; the group votes under its lowest owner id, so an
owner of several units is one person with all of their area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.common.errors import VoteInputError
from engine.directory.models import Building, Unit
from engine.meetings.votes.tally import UnitStatus, VotingUnit

__all__ = ["Electorate", "electorate"]


@dataclass(frozen=True)
class Electorate:
    """An estate's units as the tally sees them, and the voter each unit counts for."""

    units: tuple[VotingUnit, ...]
    voter_of: dict[int, int]  # unit id -> owner id of the person the unit votes as
    labels: dict[int, str]  # unit id -> "A-1203", for messages people read

    @property
    def headcount(self) -> int:
        return len(set(self.voter_of.values()))

    def voter(self, unit_id: int) -> int:
        """The owner id a unit votes as; a unit of another estate is refused."""
        try:
            return self.voter_of[unit_id]
        except KeyError:
            raise VoteInputError([f"unit {unit_id} is not a unit of this estate"]) from None


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
    group = _CoOwners()
    for unit in units:
        owners = [o.id for o in unit.owners if not o.is_developer]
        if unit.delivered and developer not in {o.id for o in unit.owners}:
            if not owners:
                problems.append(f"unit {unit.label} has no owner on record")
            group.join(owners)
        elif developer is None:
            problems.append(f"unit {unit.label} is not delivered, but no developer is on record")
    if problems:
        raise VoteInputError(problems)

    voting, voter_of = [], {}
    for unit in units:
        owners = [o.id for o in unit.owners if not o.is_developer]
        with_developer = not unit.delivered or developer in {o.id for o in unit.owners}
        voter = developer if with_developer else group.find(owners[0])
        assert voter is not None  # a unit with the developer implies one, checked above
        status = (UnitStatus.DELIVERED if not with_developer
                  else UnitStatus.UNDELIVERED if not unit.delivered else UnitStatus.UNSOLD)
        voter_of[unit.id] = voter
        voting.append(VotingUnit(id=str(unit.id), area=unit.area, owner=str(voter),
                                 status=status))
    return Electorate(tuple(voting), voter_of, {u.id: u.label for u in units})


class _CoOwners:
    """Owners who hold a unit together, grouped; each group is named by its lowest id."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, owner: int) -> int:
        root = self._parent.setdefault(owner, owner)
        while root != self._parent[root]:
            root = self._parent[root]
        self._parent[owner] = root
        return root

    def join(self, owners: Iterable[int]) -> None:
        roots = sorted({self.find(owner) for owner in owners})
        for root in roots[1:]:
            self._parent[root] = roots[0]
