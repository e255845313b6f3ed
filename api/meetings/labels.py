"""Names people read for the codes of committees and general meetings."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from api.web.i18n import N_

__all__ = ["MEETING_LABELS", "init_app", "meeting_label"]

MEETING_LABELS: dict[str, dict[str, str]] = {
    "meeting_kind": {"first": N_("First general meeting"), "annual": N_("Annual general meeting"),
                     "extraordinary": N_("Extraordinary general meeting")},
    "meeting_state": {"voting": N_("Voting open"), "tallied": N_("Tallied"),
                      "failed": N_("Too few took part"), "minuted": N_("Minutes published"),
                      "archived": N_("Archived")},
    "committee_state": {"forming": N_("Being formed"), "elected": N_("Elected"),
                        "filed": N_("Filed"), "archived": N_("Archived")},
    "matter_class": {"ordinary": N_("Ordinary matter"), "special": N_("Special matter")},
    "vote": {"agree": N_("Agree"), "disagree": N_("Disagree"), "abstain": N_("Abstain"),
             "spoiled": N_("Spoiled")},
    "office": {"chair": N_("Chair"), "vice_chair": N_("Vice-chair"), "member": N_("Member")},
    "measure": {"area": N_("By area"), "headcount": N_("By headcount")},
    "check": {"participation_area": N_("Participation by area"),
              "participation_headcount": N_("Participation by headcount"),
              "agreement_area": N_("Agreement by area"),
              "agreement_headcount": N_("Agreement by headcount")},
}


def meeting_label(kind: str, code: str) -> str:
    """The translated name of ``code``; an unknown code is shown as it is."""
    message = MEETING_LABELS.get(kind, {}).get(code)
    return gettext(message) if message else code


def init_app(app: Flask) -> None:
    app.add_template_global(meeting_label)
