"""Rules of the owner case a form cannot state alone, checked when a task is completed.

A JSON Schema sees only what was typed; some rules need the case too — a
complaint that came by letter must be answered by letter (seed rule IV.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.common.errors import FieldError
from engine.workflow.extensions import CompletionCheck

# Referrals are answered to whoever referred them, by whatever way reaches them.
ANY_REPLY_CHANNEL = {"referral_superior", "referral_department"}


def reply_by_the_same_channel(session: Session, data: Mapping[str, Any],
                              submitted: Mapping[str, Any]) -> list[FieldError]:
    case = session.get(Case, data.get("case_id"))
    if case is None:
        return []
    errors = []
    channel = submitted.get("reply_channel")
    # An owner who raised the case on the web chose how to be answered.
    expected = case.reply_channel or case.channel
    if case.reply_channel:
        if channel != expected:
            errors.append(FieldError(("reply_channel",),
                                     f"the owner asked to be answered by {expected}"))
    elif case.channel not in ANY_REPLY_CHANNEL and channel != case.channel:
        errors.append(FieldError(("reply_channel",),
                                 f"this case came by {case.channel}: reply by {case.channel}"))
    if expected == "letter" and not str(submitted.get("reply_letter_text", "")).strip():
        errors.append(FieldError(("reply_letter_text",),
                                 "a letter must be answered by letter: write the reply letter"))
    return errors


CASE_CHECKS: dict[tuple[str, str], CompletionCheck] = {
    ("owner_case", "reply_to_complainant"): reply_by_the_same_channel,
    ("owner_case", "acknowledge_praise"): reply_by_the_same_channel,
    ("owner_case", "answer_suggestion"): reply_by_the_same_channel,
}
