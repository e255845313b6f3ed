"""An incident's message as a person reads it: the engine's words in the reader's language.

An incident the engine raised (a script over its time, a value process data cannot hold)
carries a code and its parameters, worded here by the engine messages' catalog; a script's
own exception has no code and is shown as the script raised it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from api.web.engine_messages import render_problem

__all__ = ["incident_message"]


class HasMessage(Protocol):
    @property
    def message(self) -> str: ...

    @property
    def message_code(self) -> str | None: ...

    @property
    def params(self) -> Mapping[str, Any] | None: ...


def incident_message(incident: HasMessage) -> str:
    """The incident's message in the reader's language, else as stored."""
    if not incident.message_code:
        return incident.message
    return render_problem(incident.message_code, incident.params or {}) or incident.message
