"""Personal data by need: who reads owners' phone numbers and addresses whole, and the masks.

Customer service, supervisors and superiors answer owners and read everything.
Everyone else sees a phone number as ``139****5678`` and an address cut to its
building, wherever it appears: pages, the REST API, exports and audit data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from typing import Any

__all__ = ["PERSONAL_DATA_ROLES", "mask_address", "mask_email", "mask_phone", "mask_phones_in",
           "masked_data", "sees_personal_data"]

PERSONAL_DATA_ROLES = frozenset({"customer_service", "supervisor", "superior"})

# Keys under which process data, audit data and read models carry a phone or an address.
PHONE_KEYS = frozenset({"phone", "complainant_phone", "owner_phone"})
ADDRESS_KEYS = frozenset({"address", "complainant_address", "owner_address"})
EMAIL_KEYS = frozenset({"email", "complainant_email"})

# Where an address names its building; what follows is the flat.
BUILDING = re.compile(r"(座|棟|幢|栋|樓|楼|\b(?:block|building|tower|bldg)\b)", re.IGNORECASE)
# A run of 7 or more digits (spaces and dashes between them allowed) in free text.
PHONE_IN_TEXT = re.compile(r"(?<!\d)\+?\d(?:[ -]?\d){6,}(?!\d)")


def sees_personal_data(roles: Set[str]) -> bool:
    """Tell whether someone holding ``roles`` reads phone numbers and addresses whole."""
    return bool(PERSONAL_DATA_ROLES & set(roles))


def mask_phone(phone: str) -> str:
    """Keep the first three and last four digits of a phone number: ``139****5678``."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return phone
    if len(digits) <= 7:
        return "*" * (len(digits) - 2) + digits[-2:]  # too short to keep both ends
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(address: str) -> str:
    """Cut an address to its building: ``和諧花園 A座 1203`` -> ``和諧花園 A座``."""
    address = address.strip()
    marks = list(BUILDING.finditer(address))
    if marks:
        return address[:marks[-1].end()].strip(" ,，")
    words = address.split()
    return " ".join(words[:-1]) if len(words) > 1 else ("…" if address else "")


def mask_email(email: str) -> str:
    """Keep the first letter and the domain of an e-mail address: ``c***@example.com``."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return "***" if email.strip() else ""
    return f"{local[:1]}***@{domain}"


def mask_phones_in(text: str) -> str:
    """Mask every phone number typed into free text (an owner's opinion, a note)."""
    return PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), text)


def masked_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of process or audit data with every phone number and address masked."""
    return {key: _masked(key, value) for key, value in data.items()}


def _masked(key: str, value: Any) -> Any:
    if isinstance(value, str):
        if key in PHONE_KEYS:
            return mask_phone(value)
        if key in ADDRESS_KEYS:
            return mask_address(value)
        if key in EMAIL_KEYS:
            return mask_email(value)
        return value
    if isinstance(value, Mapping):
        return masked_data(value)
    if isinstance(value, list):
        return [_masked(key, item) for item in value]
    return value
