"""Names people read for the codes the engine stores: case types, categories, channels, statuses."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from api.web.i18n import N_

__all__ = ["LABELS", "init_app", "label"]

LABELS: dict[str, dict[str, str]] = {
    "case_type": {
        "complaint": N_("Complaint"), "repair": N_("Repair"), "suggestion": N_("Suggestion"),
        "inquiry": N_("Inquiry"), "move_in": N_("Move-in question"), "praise": N_("Praise"),
    },
    "category": {
        "noise": N_("Noise"), "hygiene": N_("Hygiene"), "security": N_("Security"),
        "parking": N_("Parking"), "facilities": N_("Facilities"), "fees": N_("Fees"),
        "neighbours": N_("Neighbours"), "developer_defect": N_("Developer defect"),
        "service_attitude": N_("Service attitude"), "renovation": N_("Renovation management"),
        "landscaping": N_("Landscaping"), "pets": N_("Pets"),
        "utility_outage": N_("Water or power cut"), "other": N_("Other"),
    },
    "channel": {
        "in_person": N_("In person"), "phone": N_("Phone"), "letter": N_("Letter"),
        "email": N_("Email"), "web": N_("Web"), "referral_superior": N_("Referred by superior"),
        "referral_department": N_("Referred by another department"),
        "return_visit": N_("Return visit"),
    },
    # The supervisor's decision on an escalation, as the superior reads it.
    "supervisor_decision": {
        "pass_up": N_("Passed up to the superior"), "return": N_("Returned with instructions"),
        "resolve": N_("Resolved by the supervisor"),
    },
    "public_status": {
        "open": N_("Being handled"), "replied": N_("Replied"), "closed": N_("Closed"),
    },
}


def label(kind: str, code: str) -> str:
    """The translated name of ``code``; an unknown code is shown as it is."""
    message = LABELS.get(kind, {}).get(code)
    return gettext(message) if message else code


def init_app(app: Flask) -> None:
    app.add_template_global(label)
