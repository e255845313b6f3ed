"""Count the survey: the return rate as an exact fraction, and each question's answers.

The return rate is returned / sent, kept as a ``Fraction`` so 75 % is 3/4 and
never a float that happens to round the right way. Tabulation counts each
rating question's answers on the 1–5 scale, overall and per building, with
the mean of the answers given (a question left blank counts for nobody), and
the satisfaction rate (滿意率): the share of answers of 4 or 5, per question and
over every rating answer together — the figure the office reports, since a
mean of 3.5 can hide half the owners being dissatisfied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from engine.surveys.questionnaire import SCALE

__all__ = ["RETURN_TARGET", "SATISFIED", "Distribution", "Tabulation", "meets_target",
           "return_rate", "tabulate"]

# Seed rule 5: "a return rate of no less than 75 %".
RETURN_TARGET = Fraction(3, 4)
# The answers that count as satisfied: 4 (satisfied) and 5 (very satisfied).
SATISFIED = frozenset({4, 5})


def _rate_json(part: int, whole: int) -> dict[str, Any]:
    """part / whole as the report shows it; None figures when nobody answered."""
    rate = Fraction(part, whole) if whole else None
    return {"satisfied": part, "answered": whole,
            "percent": None if rate is None else round(float(rate) * 100, 1),
            "exact": None if rate is None else f"{rate.numerator}/{rate.denominator}"}


def return_rate(returned: int, sent: int) -> Fraction:
    """returned / sent, exactly; a campaign that sent nothing has no rate."""
    if sent <= 0:
        raise ValueError("no survey forms were sent, so there is no return rate")
    if not 0 <= returned <= sent:
        raise ValueError(f"{returned} forms cannot have come back out of {sent} sent")
    return Fraction(returned, sent)


def meets_target(rate: Fraction, target: Fraction = RETURN_TARGET) -> bool:
    return rate >= target


@dataclass
class Distribution:
    """How one question was answered: a count per scale point, and their mean."""

    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE, 0))

    def add(self, value: int) -> None:
        self.counts[value] += 1

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> Fraction | None:
        if not self.answered:
            return None
        return Fraction(sum(point * n for point, n in self.counts.items()), self.answered)

    @property
    def satisfied(self) -> int:
        return sum(n for point, n in self.counts.items() if point in SATISFIED)

    @property
    def satisfaction(self) -> Fraction | None:
        """The share of answers of 4 or 5; None when nobody answered."""
        return Fraction(self.satisfied, self.answered) if self.answered else None

    def as_json(self) -> dict[str, Any]:
        mean = self.mean
        return {"counts": {str(point): n for point, n in self.counts.items()},
                "answered": self.answered,
                "mean": None if mean is None else round(float(mean), 2),
                "mean_exact": None if mean is None else f"{mean.numerator}/{mean.denominator}",
                "satisfaction": _rate_json(self.satisfied, self.answered)}


@dataclass
class Tabulation:
    """Every rating question's distribution, overall and per building."""

    questions: list[str]
    responses: int = 0
    overall: dict[str, Distribution] = field(default_factory=dict)
    buildings: dict[str, dict[str, Distribution]] = field(default_factory=dict)
    responses_by_building: dict[str, int] = field(default_factory=dict)

    @property
    def satisfaction(self) -> Fraction | None:
        """Answers of 4 or 5 over every rating answer of every question together."""
        answered = sum(d.answered for d in self.overall.values())
        satisfied = sum(d.satisfied for d in self.overall.values())
        return Fraction(satisfied, answered) if answered else None

    def as_json(self) -> dict[str, Any]:
        return {
            "questions": list(self.questions), "responses": self.responses,
            "satisfaction": _rate_json(sum(d.satisfied for d in self.overall.values()),
                                       sum(d.answered for d in self.overall.values())),
            "overall": {q: d.as_json() for q, d in self.overall.items()},
            "buildings": {b: {"responses": self.responses_by_building[b],
                              "questions": {q: d.as_json() for q, d in per.items()}}
                          for b, per in sorted(self.buildings.items())},
        }


def tabulate(questions: Sequence[str],
             responses: Iterable[tuple[str, Mapping[str, Any]]]) -> Tabulation:
    """Tabulate (building, answers) pairs over the rating ``questions``."""
    result = Tabulation(list(questions), overall={q: Distribution() for q in questions})
    for building, answers in responses:
        result.responses += 1
        result.responses_by_building[building] = result.responses_by_building.get(building,
                                                                                  0) + 1
        per = result.buildings.setdefault(building, {q: Distribution() for q in questions})
        for question in questions:
            value = answers.get(question)
            # bool is an int in Python; a True must not count as a 1.
            if isinstance(value, int) and not isinstance(value, bool) and value in SCALE:
                result.overall[question].add(value)
                per[question].add(value)
    return result
