"""Names people read for the codes of the return visits."""

from __future__ import annotations

from fractions import Fraction

from flask import Flask
from flask_babel import format_decimal, gettext

from api.web.i18n import N_

__all__ = ["VISIT_LABELS", "coverage_text", "init_app", "visit_label"]

VISIT_LABELS: dict[str, dict[str, str]] = {
    "method": {"phone": N_("Phone"), "door": N_("At the door"), "on_site": N_("On site"),
               "wechat": N_("WeChat")},
    "satisfaction": {"satisfied": N_("Satisfied"), "fairly_satisfied": N_("Fairly satisfied"),
                     "dissatisfied": N_("Dissatisfied")},
    "visit_state": {"open": N_("Not yet visited"), "visited": N_("Visited"),
                    "unreachable": N_("Unreachable"),
                    "not_visited": N_("Not visited before the round closed")},
    "round_state": {"open": N_("Visiting"), "closed": N_("Closed")},
}


def visit_label(kind: str, code: str | None) -> str:
    """The translated name of ``code``; an unknown code is shown as it is."""
    message = VISIT_LABELS.get(kind, {}).get(code or "")
    return gettext(message) if message else (code or "")


def coverage_text(share: Fraction | None) -> str:
    """A coverage as people read it, "91.9 %"; a month without orders has none: "—"."""
    if share is None:
        return "—"
    return f"{format_decimal(float(share) * 100, format='0.0')} %"


def init_app(app: Flask) -> None:
    app.add_template_global(visit_label)
    app.add_template_global(coverage_text)
