"""Field errors in the reader's language: the engine validates with jsonschema, whose
messages are written for programmers (``'triage_decision' is a required property``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext

from api.web.engine_messages import worded
from api.web.i18n import N_
from engine.common.errors import FieldError

__all__ = ["for_people"]

# jsonschema's wording (4.x), matched at the end of its message -> what a person reads.
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"is a required property$"), N_("Answer this question.")),
    (re.compile(r"is too short$|should be non-empty$"), N_("This answer is too short.")),
    (re.compile(r"is too long$|is expected to be empty$"), N_("This answer is too long.")),
    (re.compile(r"is not one of \[.*\]$|was expected$"), N_("Choose one of the options")),
    (re.compile(r"is not of type .*$"), N_("This answer is not in the expected form.")),
    # A form's pattern (matched by RE2, engine.workflow.forms): the pattern means nothing to staff.
    (re.compile(r"does not match '.*'$"), N_("This answer is not in the expected form.")),
    (re.compile(r"is (less|greater) than (or equal to )?the (minimum|maximum) of .*$"),
     N_("This number is out of the allowed range.")),
    # A form answered in one of several ways (anyOf/oneOf) that fits none of them.
    (re.compile(r"is not valid under any of the given schemas$"),
     N_("Some answers this form needs are missing.")),
]


# The engine's own checks whose words staff must read in their language, by their start.
CHECKS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^this is the final round after the fourth dissatisfaction"),
     N_("This is the final round after the fourth dissatisfaction: refer the case to the "
        "competent authority or give the final position.")),
    (re.compile(r"^a routine repair has no owner to answer"),
     N_("A routine repair has no owner to answer: give an instruction.")),
    (re.compile(r"^give the date referred as"), N_("Give the date referred as YYYY-MM-DD.")),
]
# engine.workflow.say_enough: the numbers come from the form's x-minText.
SAYS_TOO_LITTLE = re.compile(r"says too little \(at least (\d+) CJK or (\d+) Latin characters\)$")


def for_people(errors: Iterable[FieldError]) -> list[FieldError]:
    """The same errors on the same fields, their messages put in words staff read."""
    return [FieldError(error.path, worded(error) if error.code else _reword(error.message))
            for error in errors]


def _reword(message: str) -> str:
    if found := SAYS_TOO_LITTLE.search(message):
        return gettext("Say a little more: at least %(cjk)s Chinese characters or %(latin)s "
                       "letters.", cjk=found.group(1), latin=found.group(2))
    for pattern, words in [*PATTERNS, *CHECKS]:
        if pattern.search(message):
            return gettext(words)
    return message  # the engine's own checks already speak to people
