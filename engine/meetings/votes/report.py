"""A counted vote as the minutes and the JSON keep it: every figure, each check, the explanation."""

from __future__ import annotations

from engine.meetings.votes.figures import figure, rational_json
from engine.meetings.votes.tally import Check, Tally
from engine.meetings.votes.text import explain, explain_codes

__all__ = ["check_record", "tally_record"]


def check_record(check: Check) -> dict[str, object]:
    """Return one threshold test as JSON-ready data, the threshold written exactly."""
    return {"name": check.name, "value": figure(check.value), "base": figure(check.base),
            "operator": check.threshold.operator, "fraction": str(check.threshold.fraction),
            "needed": rational_json(check.threshold.needed(check.base)), "ok": check.ok}


def tally_record(tally: Tally) -> dict[str, object]:
    """Return the tally as JSON-ready data: areas as decimal strings, exact thresholds."""
    return {
        "matter": tally.matter.value,
        "units": tally.units,
        "developer": tally.developer,
        "developer_units": tally.developer_units,
        "total_area": figure(tally.total_area),
        "total_headcount": tally.total_headcount,
        "participating_area": figure(tally.participating_area),
        "participating_headcount": tally.participating_headcount,
        "agree_area": figure(tally.agree_area),
        "agree_headcount": tally.agree_headcount,
        "by_vote": {vote.value: {"area": figure(area), "headcount": count}
                    for vote, (area, count) in tally.by_vote.items()},
        "participation_ok": tally.participation_ok,
        "agreement_ok": tally.agreement_ok,
        "passed": tally.passed,
        "checks": [check_record(check) for check in tally.checks],
        "explanation": explain(tally),
        "explanation_codes": explain_codes(tally),
    }
