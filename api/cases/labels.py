"""Names people read on the case and approval pages for codes the engine keeps."""

from __future__ import annotations

from flask_babel import gettext

from api.web.i18n import N_

__all__ = ["CASE_LABELS", "case_label"]

CASE_LABELS: dict[str, dict[str, str]] = {
    "urgency": {"normal": N_("Normal"), "urgent": N_("Urgent")},
    "case_status": {"open": N_("Being handled"), "replied": N_("Replied"),
                    "closed": N_("Closed")},
    "process_status": {"running": N_("Running"), "completed": N_("Completed"),
                       "error": N_("Stopped by an error")},
    "process": {"owner_case": N_("Owner case: complaint to feedback"),
                "escalation": N_("Escalation to the supervisor")},
    "escalation_decision": {"instruct": N_("Instruction"),
                            "refer": N_("Referred to the competent authority"),
                            "final_position": N_("Final position")},
    "authority": {"street_office": N_("Street office"),
                  "housing_department": N_("Housing department"),
                  "utility": N_("Utility company"), "developer": N_("Developer")},
    "work_order_status": {"open": N_("Open"), "done": N_("Done"),
                          "escalated": N_("Escalated")},
    "department": {
        "office": N_("Management office"), "customer_service": N_("Customer service"),
        "equipment_operations": N_("Equipment operations"), "cleaning": N_("Cleaning"),
        # Not "Security": that is the category (安全); the department is the guards' (保安部).
        "security": N_("Security office"), "finance": N_("Finance"),
        "service_centre": N_("Service centre"),
    },
    "role": {
        "customer_service": N_("Customer service"), "supervisor": N_("Supervisor"),
        "superior": N_("Superior"), "equipment_operations": N_("Equipment operations"),
        "cleaning": N_("Cleaning"), "security": N_("Security office"), "finance": N_("Finance"),
        "service_centre": N_("Service centre"),
    },
}


def case_label(kind: str, code: str | None) -> str:
    """The translated name of ``code``; an unknown code is shown as it is."""
    message = CASE_LABELS.get(kind, {}).get(code or "")
    return gettext(message) if message else (code or "")

