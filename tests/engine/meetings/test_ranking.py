"""Seating the elected candidates: agreeing area first, then headcount; a tie at the last seat."""

from __future__ import annotations

from decimal import Decimal

from engine.meetings.models import AgendaMatter, Candidate, Committee, Meeting
from engine.meetings.ranking import rank_elected


def election(*results: tuple[str, int, bool]) -> tuple[Committee, Meeting]:
    """Candidates Nos. 1, 2, … with (agreeing area, agreeing headcount, passed) each."""
    committee = Committee(candidates=[Candidate(id=number, position=number, name=f"C{number}")
                                      for number in range(1, len(results) + 1)])
    meeting = Meeting(matters=[
        AgendaMatter(position=number, candidate_id=number, passed=passed,
                     result={"agree_area": area, "agree_headcount": heads})
        for number, (area, heads, passed) in enumerate(results, 1)])
    return committee, meeting


def test_area_ranks_before_headcount_and_headcount_breaks_an_area_tie() -> None:
    committee, meeting = election(("300.00", 3, True), ("410.50", 2, True),
                                  ("300.00", 4, True), ("90.00", 9, True), ("500.00", 1, False))
    ranking = rank_elected(committee, meeting, seats=3)
    assert [(c.number, c.place) for c in ranking.elected] == [(2, 1), (3, 2), (1, 3), (4, 4)]
    assert ranking.elected[0].agree_area == Decimal("410.50")
    assert (ranking.seated, ranking.run_off, ranking.seats_left) == ((2, 3, 1), (), 0)


def test_candidates_tied_on_area_and_headcount_at_the_last_seat_go_to_a_run_off() -> None:
    committee, meeting = election(("500.00", 5, True), ("400.00", 4, True),
                                  ("300.00", 3, True), ("300.00", 3, True), ("300.00", 3, True),
                                  ("100.00", 1, True))
    ranking = rank_elected(committee, meeting, seats=3)
    assert [c.place for c in ranking.elected] == [1, 2, 3, 3, 3, 6]
    assert (ranking.seated, ranking.run_off, ranking.seats_left) == ((1, 2), (3, 4, 5), 1)


def test_a_tie_that_fits_within_the_seats_needs_no_run_off() -> None:
    committee, meeting = election(("300.00", 3, True), ("300.00", 3, True), ("200.00", 2, True))
    ranking = rank_elected(committee, meeting, seats=2)
    assert (ranking.seated, ranking.run_off) == ((1, 2), ())
    assert rank_elected(committee, meeting, seats=5).seated == (1, 2, 3)
