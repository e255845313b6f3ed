"""Who takes the committee's seats when the meeting elects more candidates than there are.

As the meeting rules say: the elected candidates are ranked by the area of the
owners who agreed, then by their headcount. Candidates tied at the last seat
are not chosen between by anyone: they go to a run-off, and only its result
fills the seats left.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.meetings.models import Committee, Meeting

__all__ = ["RankedCandidate", "Ranking", "rank_elected"]


@dataclass(frozen=True)
class RankedCandidate:
    number: int  # the candidate number on the announcement and the ballot paper
    name: str
    agree_area: Decimal
    agree_headcount: int
    place: int  # 1 for the most agreeing area; candidates tied on both share a place


@dataclass(frozen=True)
class Ranking:
    """The elected candidates in order, who is seated and who goes to a run-off."""

    seats: int
    elected: tuple[RankedCandidate, ...]
    seated: tuple[int, ...]  # candidate numbers sure of a seat, in order of place
    run_off: tuple[int, ...]  # tied at the last seat: they compete for the seats left

    @property
    def seats_left(self) -> int:
        """Seats the run-off fills."""
        return self.seats - len(self.seated) if self.run_off else 0


def rank_elected(committee: Committee, meeting: Meeting, *, seats: int) -> Ranking:
    """Rank the candidates ``meeting`` elected and fill ``seats`` by place."""
    numbers = {candidate.id: candidate for candidate in committee.candidates}
    scored = []
    for matter in meeting.matters:
        if matter.candidate_id in numbers and matter.passed and matter.result:
            candidate = numbers[matter.candidate_id]
            scored.append((Decimal(str(matter.result["agree_area"])),
                           int(matter.result["agree_headcount"]), candidate))
    scored.sort(key=lambda row: (-row[0], -row[1], row[2].position))
    keys = [(area, headcount) for area, headcount, _ in scored]
    elected = tuple(RankedCandidate(number=candidate.position, name=candidate.name,
                                    agree_area=area, agree_headcount=headcount,
                                    place=keys.index((area, headcount)) + 1)
                    for area, headcount, candidate in scored)
    seated, run_off = [], []
    for ranked in elected:
        tied = sum(1 for other in elected if other.place == ranked.place)
        if ranked.place + tied - 1 <= seats:
            seated.append(ranked.number)
        elif ranked.place <= seats:  # the tie straddles the last seat
            run_off.append(ranked.number)
    return Ranking(seats=seats, elected=elected, seated=tuple(seated), run_off=tuple(run_off))
