"""How an escalation ends: the superior's instruction, a referral, or the office's final position.

An office that truly cannot solve a matter refers it to the competent authority
(street office, housing department, utility, developer) and follows the referral
up until the authority answers, or gives a reasoned final reply. Either way the
owner is still answered over the channel the case came by (seed rule 7, IV.2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.checks import reply_by_the_same_channel
from engine.cases.models import AUTHORITIES, ESCALATION_DECISIONS, EscalationOutcome
from engine.cases.services import record_reply, record_step
from engine.common import audit
from engine.common.errors import FieldError, ScriptError
from engine.workflow.extensions import CompletionCheck
from engine.workflow.unit_of_work import current

# The check's message when the superior tries to instruct in the final round; the
# web pages translate it by this start.
FINAL_ROUND_MESSAGE = ("this is the final round after the fourth dissatisfaction: refer the "
                       "case to the competent authority or give the final position")
# Decisions that end the case: no further instruction and no satisfaction loop.
ENDING = ("refer", "final_position")


@dataclass(frozen=True)
class OutcomeView:
    decision: str
    final_round: bool
    decided_at: datetime
    decided_by: str | None
    text: str
    authority: str | None
    authority_reference: str
    referred_on: date | None
    follow_ups: int
    authority_answer: str
    answered_at: datetime | None
    replied_at: datetime | None

    @property
    def ends_the_case(self) -> bool:
        return self.decision in ENDING


def record_escalation_decision(decision: str, instruction: str = "", position: str = "",
                               final_round: bool = False, case_id: int | None = None,
                               authority: str = "", reference: str = "",
                               referred_on: str = "") -> dict[str, Any]:
    """Write down the superior's decision; a referral keeps whom, their reference and when."""
    work = current()
    if decision not in ESCALATION_DECISIONS:
        raise ScriptError(f"an escalation cannot be decided as {decision!r}")
    referral = decision == "refer"
    if referral and authority not in AUTHORITIES:
        raise ScriptError(f"there is no competent authority {authority!r}")
    now = work.rt.clock.now()
    outcome = EscalationOutcome(
        case_id=case_id, instance_id=work.instance.id, decision=decision,
        final_round=bool(final_round), decided_by=work.actor, decided_at=now,
        text=(position if decision == "final_position" else instruction).strip(),
        authority=authority if referral else None,
        authority_reference=reference.strip() if referral else "",
        referred_on=date.fromisoformat(referred_on) if referral else None)
    work.session.add(outcome)
    work.session.flush()
    data = {"case_id": case_id, "escalation_outcome": outcome.id, "decision": decision,
            "final_round": outcome.final_round,
            **({"authority": authority, "reference": outcome.authority_reference,
                "referred_on": referred_on} if referral else {})}
    _write(work, case_id, "escalation_decided", data)
    return {"id": outcome.id, "decision": decision}


def record_referral_follow_up(outcome_id: int, answered: bool, answer: str = "",
                              notes: str = "") -> dict[str, Any]:
    """Count a follow-up of the referral; the authority's answer, once given, is kept."""
    work = current()
    outcome = _outcome(work.session, outcome_id)
    outcome.follow_ups += 1
    if answered:
        outcome.authority_answer, outcome.answered_at = answer.strip(), work.rt.clock.now()
        _write(work, outcome.case_id, "referral_answered",
               {"case_id": outcome.case_id, "escalation_outcome": outcome.id,
                "authority": outcome.authority, "answer": outcome.authority_answer})
    return {"id": outcome.id, "follow_ups": outcome.follow_ups, "answered": bool(answered),
            "notes": notes}


def reply_on_outcome(outcome_id: int, case_id: int, channel: str, text: str,
                     letter_text: str = "") -> dict[str, Any]:
    """Reply to the owner as any reply goes out, and note the reply on the outcome."""
    work = current()
    outcome = _outcome(work.session, outcome_id)
    reply = record_reply(case_id, channel, text, letter_text)
    outcome.reply_text, outcome.replied_at = text.strip(), work.rt.clock.now()
    return {**reply, "escalation_outcome": outcome.id}


def case_outcomes(session: Session, case_id: int) -> list[OutcomeView]:
    """The case's escalation outcomes, oldest first."""
    rows = session.scalars(select(EscalationOutcome).where(EscalationOutcome.case_id == case_id)
                           .order_by(EscalationOutcome.id))
    return [OutcomeView(decision=o.decision, final_round=o.final_round, decided_at=o.decided_at,
                        decided_by=o.decided_by, text=o.text, authority=o.authority,
                        authority_reference=o.authority_reference, referred_on=o.referred_on,
                        follow_ups=o.follow_ups, authority_answer=o.authority_answer,
                        answered_at=o.answered_at, replied_at=o.replied_at) for o in rows]


def superior_decision_allowed(session: Session, data: Mapping[str, Any],
                              submitted: Mapping[str, Any]) -> list[FieldError]:
    """The final round allows no instruction; a repair has no owner to refer or answer."""
    decision = submitted.get("superior_decision")
    errors = []
    if data.get("escalation_final_round") is True and decision == "instruct":
        errors.append(FieldError(("superior_decision",), FINAL_ROUND_MESSAGE))
    if not isinstance(data.get("case_id"), int) and decision in ENDING:
        errors.append(FieldError(("superior_decision",),
                                 "a routine repair has no owner to answer: give an instruction"))
    if decision == "refer" and not _is_date(str(submitted.get("referred_on", ""))):
        errors.append(FieldError(("referred_on",), "give the date referred as YYYY-MM-DD"))
    return errors


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _outcome(session: Session, outcome_id: int) -> EscalationOutcome:
    outcome = session.get(EscalationOutcome, outcome_id)
    if outcome is None:
        raise ScriptError(f"there is no escalation outcome {outcome_id}")
    return outcome


def _write(work: Any, case_id: int | None, kind: str, data: dict[str, Any]) -> None:
    now = work.rt.clock.now()
    if case_id is not None:
        record_step(work.session, case_id, kind=kind, step="", actor=work.actor, at=now,
                    data=data)
    audit.record(work.session, work.rt, kind=kind, actor=work.actor,
                 instance_id=work.instance.id, process_id=work.instance.process_id, data=data)


OUTCOME_SERVICES: dict[str, Callable[..., Any]] = {
    "record_escalation_decision": record_escalation_decision,
    "record_referral_follow_up": record_referral_follow_up,
    "reply_on_outcome": reply_on_outcome,
}

OUTCOME_CHECKS: dict[tuple[str, str], CompletionCheck] = {
    ("escalation", "superior_decide"): superior_decision_allowed,
    ("escalation", "reply_with_answer"): reply_by_the_same_channel,
    ("escalation", "reply_final_position"): reply_by_the_same_channel,
}
