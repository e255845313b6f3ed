"""The registration form: read what was typed, hand it to ``register_case``, word its errors.

Inputs are flat (``name``, ``phone``, ``unit`` …) so the htmx look-ups can send
one input as it is; the engine's field paths (``complainant.name``) are mapped
onto them here, and every message is ours, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from api.web.i18n import N_
from api.web.webforms.local_time import TimeZone, from_local_input, zone
from engine.cases.models import CASE_TYPES, CATEGORIES, STAFF_CHANNELS, URGENCIES
from engine.cases.registration import Complainant
from engine.common.errors import FieldError

__all__ = ["CHOICES", "MESSAGES", "Registration"]

INPUTS = ("channel", "type", "category", "urgency", "description", "name", "phone", "address",
          "building", "q", "unit", "received_at")
CHOICES = {"channel": STAFF_CHANNELS, "type": CASE_TYPES, "category": CATEGORIES,
           "urgency": URGENCIES}

# The engine names fields by their path; the form by its input.
ENGINE_FIELDS = {"complainant.name": "name", "complainant.phone": "phone",
                 "complainant.address": "address"}

MESSAGES = {
    "channel": N_("Choose the channel the case came by."),
    "type": N_("Choose the type of case."),
    "category": N_("Choose a category."),
    "urgency": N_("Choose normal or urgent."),
    "description": N_("Say what the owner raised."),
    "name": N_("Enter the complainant's name."),
    "phone": N_("Check the phone number."),
    "address": N_("A letter is answered by letter: enter the postal address."),
    "unit": N_("Choose one of the units found, or no unit."),
    "received_at": N_("Enter the date and time as YYYY-MM-DD HH:MM."),
}


@dataclass
class Registration:
    """The form as typed, and what is wrong with it, per input."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, now: datetime, tz: TimeZone) -> Registration:
        """A fresh form for a call in progress: by phone, received now."""
        return cls({"channel": "phone", "type": "complaint", "urgency": "normal",
                    "received_at": now.astimezone(zone(tz)).strftime("%Y-%m-%dT%H:%M")})

    @classmethod
    def typed(cls, form: MultiDict[str, str]) -> Registration:
        return cls({name: form.get(name, "").strip() for name in INPUTS})

    def arguments(self, tz: TimeZone) -> dict[str, Any] | None:
        """The keyword arguments of ``register_case``; None (and ``errors`` set) if unreadable."""
        unit, received = self.values.get("unit", ""), self.values.get("received_at", "")
        if unit and not unit.isdigit():
            self.errors["unit"] = gettext(MESSAGES["unit"])
        try:
            received_at = datetime.fromisoformat(from_local_input(received, tz)) if received \
                else None
        except ValueError:
            self.errors["received_at"] = gettext(MESSAGES["received_at"])
        if self.errors:
            return None
        value = self.values.get
        return {"channel": value("channel", ""), "type": value("type", ""),
                "category": value("category", ""), "urgency": value("urgency", "") or "normal",
                "description": value("description", ""),
                "complainant": Complainant(value("name", ""), value("phone", ""),
                                           value("address", "")),
                "unit_id": int(unit) if unit else None, "received_at": received_at}

    def refused(self, errors: list[FieldError]) -> None:
        """Word the engine's field errors for the person at the form."""
        for error in errors:
            name = ENGINE_FIELDS.get(error.field, error.field)
            message = MESSAGES.get(name)
            self.errors[name if name in INPUTS else ""] = (
                gettext(message) if message else error.message)
