"""Which decisions the superior may take: the final round and a repair restrict them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cases.outcomes import superior_decision_allowed


@settings(max_examples=40, deadline=None)
@given(decision=st.sampled_from(["instruct", "refer", "final_position"]),
       final_round=st.booleans(), case_id=st.one_of(st.none(), st.integers(1, 10**6)))
def test_only_the_final_round_and_a_repair_restrict_the_decision(
        decision: str, final_round: bool, case_id: int | None) -> None:
    data = {"escalation_final_round": final_round, "case_id": case_id}
    submitted = {"superior_decision": decision, "referred_on": "2026-03-02"}
    refused = bool(superior_decision_allowed(None, data, submitted))  # type: ignore[arg-type]
    ending = decision in ("refer", "final_position")
    assert refused == ((final_round and not ending) or (case_id is None and ending))


def test_a_referral_needs_a_real_date() -> None:
    data = {"escalation_final_round": False, "case_id": 1}
    [error] = superior_decision_allowed(None, data, {  # type: ignore[arg-type]
        "superior_decision": "refer", "referred_on": "2 March"})
    assert error.field == "referred_on"
