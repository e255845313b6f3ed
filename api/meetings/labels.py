"""Names people read for the codes of committees and general meetings."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from api.web.i18n import N_

__all__ = ["MEETING_LABELS", "init_app", "meeting_label"]

MEETING_LABELS: dict[str, dict[str, str]] = {
    "meeting_kind": {"first": N_("First general meeting"), "annual": N_("Annual general meeting"),
                     "extraordinary": N_("Extraordinary general meeting")},
    "convener": {"owners_committee": N_("The owners' committee"),
                 "residents_committee": N_("The residents' committee, with the office's help"),
                 "street_office": N_("The street office, with the office's help"),
                 "preparatory_group": N_("The preparatory group of the owners' committee")},
    "filing_authority": {"housing_department": N_("District housing department"),
                         "street_office": N_("Street office")},
    "meeting_state": {"voting": N_("Voting open"), "tallied": N_("Tallied"),
                      "failed": N_("Too few took part"), "minuted": N_("Minutes published"),
                      "archived": N_("Archived")},
    "committee_state": {"forming": N_("Being formed"), "elected": N_("Elected"),
                        "filed": N_("Filed"), "archived": N_("Archived")},
    # The items of Civil Code art. 278 (engine.meetings.votes.tally.Matter), then the two
    # classes agendas stored before the items were named still carry.
    "matter_class": {
        "rules_of_procedure": N_("Making or amending the rules of procedure of the owners' "
                                 "assembly"),
        "management_statute": N_("Making or amending the management statute"),
        "elect_committee": N_("Electing the owners' committee or replacing its members"),
        "hire_manager": N_("Hiring or dismissing the property service company or other "
                           "manager"),
        "use_maintenance_fund": N_("Using the maintenance fund of the buildings and their "
                                   "facilities"),
        "raise_maintenance_fund": N_("Raising the maintenance fund of the buildings and their "
                                     "facilities"),
        "rebuild_or_alter": N_("Rebuilding or altering the buildings and their facilities"),
        "change_use_of_common_parts": N_("Changing the use of common parts or running a "
                                         "business on them"),
        "other_major": N_("Other major matters of the shared ownership and management"),
        "ordinary": N_("Ordinary matter"), "special": N_("Special matter")},
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
