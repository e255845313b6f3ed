"""Rules a form cannot state alone, checked when a task is completed.

A JSON Schema sees only what was typed; some rules need the case too — a
complaint that came by letter must be answered by letter (seed rule IV.2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import FieldError
from engine.models import Case
from engine.survey_services import SURVEY_CHECKS

Check = Callable[[Session, Mapping[str, Any], Mapping[str, Any]], list[FieldError]]

# Referrals are answered to whoever referred them, by whatever way reaches them.
ANY_REPLY_CHANNEL = {"referral_superior", "referral_department"}


def reply_by_the_same_channel(session: Session, data: Mapping[str, Any],
                              submitted: Mapping[str, Any]) -> list[FieldError]:
    case = session.get(Case, data.get("case_id"))
    if case is None:
        return []
    errors = []
    channel = submitted.get("reply_channel")
    if case.channel not in ANY_REPLY_CHANNEL and channel != case.channel:
        errors.append(FieldError(("reply_channel",),
                                 f"this case came by {case.channel}: reply by {case.channel}"))
    if case.channel == "letter" and not str(submitted.get("reply_letter_text", "")).strip():
        errors.append(FieldError(("reply_letter_text",),
                                 "a letter must be answered by letter: write the reply letter"))
    return errors


CHECKS: dict[tuple[str, str], Check] = {
    ("owner_case", "reply_to_complainant"): reply_by_the_same_channel,
    **SURVEY_CHECKS,
}


def check_completion(session: Session, *, process_id: str, element_id: str,
                     data: Mapping[str, Any], submitted: Mapping[str, Any]) -> list[FieldError]:
    check = CHECKS.get((process_id, element_id))
    return check(session, data, submitted) if check else []
