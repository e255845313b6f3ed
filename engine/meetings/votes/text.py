"""Put a vote tally into plain English, one sentence per figure, check and outcome."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from engine.meetings.votes.figures import figure, rational_text
from engine.meetings.votes.tally import Check, Matter, Tally, Threshold

__all__ = ["MATTER_NAMES", "explain", "explain_codes"]

LABELS = {"participation_area": "Participation by area",
          "participation_headcount": "Participation by headcount",
          "agreement_area": "Agreement by area",
          "agreement_headcount": "Agreement by headcount"}
# The items of Civil Code art. 278, as the tally's own record names them (in English).
MATTER_NAMES = {
    Matter.RULES_OF_PROCEDURE: "making or amending the rules of procedure of the owners' assembly",
    Matter.MANAGEMENT_STATUTE: "making or amending the management statute",
    Matter.ELECT_COMMITTEE: "electing the owners' committee or replacing its members",
    Matter.HIRE_MANAGER: "hiring or dismissing the property service company or other manager",
    Matter.USE_MAINTENANCE_FUND: "using the maintenance fund of the buildings and facilities",
    Matter.RAISE_MAINTENANCE_FUND: "raising the maintenance fund of the buildings and facilities",
    Matter.REBUILD_OR_ALTER: "rebuilding or altering the buildings and their facilities",
    Matter.CHANGE_USE_OF_COMMON_PARTS: ("changing the use of common parts or running a business "
                                        "on them"),
    Matter.OTHER_MAJOR: "another major matter of the shared ownership and management",
}


def explain(tally: Tally) -> list[str]:
    """Return the sentences behind ``tally``: the rule, the figures, each check, the outcome."""
    return [_rule(tally), _estate(tally), _ballots(tally),
            *(_check(tally, check) for check in tally.checks), _outcome(tally)]


def _rule(tally: Tally) -> str:
    agreement = next(c.threshold for c in tally.checks if c.stage == "agreement")
    participation = tally.checks[0].threshold
    if tally.matter.item is not None:
        kind = (f"Civil Code art. 278 item {tally.matter.item}, "
                f"{MATTER_NAMES[tally.matter]}")
    else:  # a class recorded before matters were the items of art. 278
        kind = "Ordinary matter" if tally.matter is Matter.ORDINARY else "Special matter"
    return (f"{kind}: owners holding {_share(participation)} of the total area and "
            f"{_share(participation)} of the total headcount must take part, and "
            f"{_share(agreement)} of the participating area and of the participating "
            "headcount must agree.")


def _estate(tally: Tally) -> str:
    text = (f"The estate has {_count(tally.units, 'unit')} with {_area(tally.total_area)} of "
            f"exclusive area and a headcount of {tally.total_headcount}: all units of one "
            "owner count as one person.")
    if tally.developer is not None:
        held = ("its one unit" if tally.developer_units == 1
                else f"all its {tally.developer_units} units")
        text += f' The developer "{tally.developer}" counts as one person for {held}.'
    return text


def _ballots(tally: Tally) -> str:
    parts = [f"{count} {vote.value} ({_area(area)})"
             for vote, (area, count) in tally.by_vote.items()]
    return (f"Ballots: {', '.join(parts)}. Every ballot, abstentions and spoiled ones "
            "included, counts as taking part; only agree counts towards agreement.")


def _check(tally: Tally, check: Check) -> str:
    label = LABELS[check.name]
    verdict = "met" if check.ok else "not met"
    if check.stage == "agreement" and check.base == 0:
        return f"{label}: nobody took part, so nothing was agreed: {verdict}."
    needed = check.threshold.needed(check.base)
    words = "more than" if check.threshold.strict else "at least"
    if check.measure == "area":
        assert isinstance(check.base, Decimal) and isinstance(check.value, Decimal)
        figure = (f"{_area(check.value)} of {_area(check.base)} took part"
                  if check.stage == "participation"
                  else f"{_area(check.value)} of the {_area(check.base)} taking part agreed")
        need = (f"{_share(check.threshold)} of {_area(check.base)} is needed, that is "
                f"{words} {rational_text(needed)} m²")
    else:
        figure = (f"{check.value} of {_count(int(check.base), 'owner')} took part"
                  if check.stage == "participation"
                  else f"{check.value} of the {_count(int(check.base), 'owner')} taking part "
                       "agreed")
        # Whole people: the smallest headcount that satisfies the threshold.
        fewest = math.floor(needed) + 1 if check.threshold.strict else math.ceil(needed)
        need = (f"{_share(check.threshold)} of {check.base} is needed, that is at least "
                f"{_count(fewest, 'owner')}")
    return f"{label}: {figure}; {need}: {verdict}."


def _outcome(tally: Tally) -> str:
    if tally.passed:
        return "Passed: participation and agreement are both met."
    failed = [LABELS[check.name].lower() for check in tally.checks if not check.ok]
    return f"Not passed: {_and(failed)} {'is' if len(failed) == 1 else 'are'} not met."


def _share(threshold: Threshold) -> str:
    return f"{'more than' if threshold.strict else 'at least'} {threshold.fraction}"


def _area(value: Decimal) -> str:
    return f"{value:f} m²"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain_codes(tally: Tally) -> list[dict[str, Any]]:
    """The same explanation as message codes and their parameters, to be put in any language.

    A parameter may itself be a phrase ``{code, params}`` (a share, a matter's name, a
    verdict) or a list of them.
    """
    estate = [_phrase("tally.estate", units=tally.units, area=figure(tally.total_area),
                      headcount=tally.total_headcount)]
    if tally.developer is not None:
        estate.append(_phrase("tally.developer", developer=tally.developer,
                              units=tally.developer_units))
    votes = [_phrase(f"tally.vote.{vote.value}", count=count, area=figure(area))
             for vote, (area, count) in tally.by_vote.items()]
    return [_rule_code(tally), *estate, _phrase("tally.ballots", votes=votes),
            *(_check_code(check) for check in tally.checks), _outcome_code(tally)]


def _phrase(code: str, **params: object) -> dict[str, Any]:
    return {"code": code, "params": params}


def _share_code(strict: bool, fraction: object) -> dict[str, Any]:
    return _phrase("tally.share.more_than" if strict else "tally.share.at_least",
                   fraction=str(fraction))


def _rule_code(tally: Tally) -> dict[str, Any]:
    agreement = next(c.threshold for c in tally.checks if c.stage == "agreement")
    participation = tally.checks[0].threshold
    if tally.matter.item is not None:
        kind = _phrase("tally.kind.item", item=tally.matter.item,
                       matter=_phrase(f"tally.matter.{tally.matter.value}"))
    else:
        kind = _phrase(f"tally.kind.{tally.matter.value}")
    return _phrase("tally.rule", kind=kind,
                   participation=_share_code(participation.strict, participation.fraction),
                   agreement=_share_code(agreement.strict, agreement.fraction))


def _check_code(check: Check) -> dict[str, Any]:
    label = _phrase(f"tally.check.{check.name}")
    verdict = _phrase("tally.met" if check.ok else "tally.not_met")
    if check.stage == "agreement" and check.base == 0:
        return _phrase("tally.nobody_took_part", label=label, verdict=verdict)
    needed = check.threshold.needed(check.base)
    share = _share_code(check.threshold.strict, check.threshold.fraction)
    if check.measure == "area":
        return _phrase(f"tally.{check.stage}_area", label=label, value=figure(check.value),
                       base=figure(check.base), share=share, verdict=verdict,
                       needed=_share_code(check.threshold.strict, rational_text(needed)))
    fewest = math.floor(needed) + 1 if check.threshold.strict else math.ceil(needed)
    return _phrase(f"tally.{check.stage}_headcount", label=label, value=check.value,
                   base=check.base, share=share, fewest=fewest, verdict=verdict)


def _outcome_code(tally: Tally) -> dict[str, Any]:
    if tally.passed:
        return _phrase("tally.passed")
    return _phrase("tally.not_passed", failed=[_phrase(f"tally.check.{check.name}")
                                               for check in tally.checks if not check.ok])
