"""Names people read for the codes of the community activities."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from api.web.i18n import N_, reads_chinese
from engine.activities.festivals import BY_CODE

__all__ = ["ACTIVITY_LABELS", "activity_label", "festival_name", "init_app"]

ACTIVITY_LABELS: dict[str, dict[str, str]] = {
    "state": {"planning": N_("Being planned"), "submitted": N_("Awaiting approval"),
              "returned": N_("Returned for changes"), "approved": N_("Approved"),
              "announced": N_("Announced, sign-ups open"), "held": N_("Held"),
              "archived": N_("Archived")},
    "target_group": {"everyone": N_("Everyone"), "elderly": N_("Elderly residents"),
                     "children": N_("Children"), "new_owners": N_("New owners")},
}


def activity_label(kind: str, code: str | None) -> str:
    """The translated name of ``code``; an unknown code is shown as it is."""
    message = ACTIVITY_LABELS.get(kind, {}).get(code or "")
    return gettext(message) if message else (code or "")


def festival_name(code: str | None) -> str:
    """A festival's name in the reader's language; an activity for none says so."""
    festival = BY_CODE.get(code or "")
    if festival is None:
        return gettext("No festival")
    return festival.name_zh if reads_chinese() else festival.name_en


def init_app(app: Flask) -> None:
    app.add_template_global(activity_label)
    app.add_template_global(festival_name)
