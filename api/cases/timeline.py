"""The case page's timeline: audit events as people read them (what happened, what changed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext

from api.cases.labels import case_label
from api.web.i18n import N_
from engine.workflow.form_labels import FormLabels
from engine.workflow.history import HistoryEntry

__all__ = ["Change", "Moment", "moments"]

# Audit kinds as a sentence heading; an unknown kind is shown by its code.
KINDS: dict[str, str] = {
    "instance_started": N_("Process started"),
    "task_completed": N_("Task completed"),
    "task_claimed": N_("Claimed"),
    "task_released": N_("Released"),
    "task_reassigned": N_("Reassigned"),
    "task_overdue": N_("Overdue"),
    "timer_fired": N_("Timer fired"),
    "case_archived": N_("Archived"),
    "escalation_decided": N_("Escalation decided"),
    "referral_answered": N_("The authority answered the referral"),
    "archive_corrected": N_("Archive corrected"),
    "incident_opened": N_("Incident opened"),
    "incident_retried": N_("Incident retried"),
    "attachment_added": N_("File attached"),
}

# The tone of the dot beside each moment: people's steps, the clock, trouble.
TONES = {"task_completed": "done", "case_archived": "done", "timer_fired": "clock",
         "escalation_decided": "done", "referral_answered": "done",
         "task_overdue": "late", "incident_opened": "late"}

# What an escalation outcome's audit data says, by key; shown as changes.
OUTCOME_FIELDS: dict[str, dict[str, str]] = {
    "escalation_decided": {"decision": N_("Decision"), "authority": N_("Referred to"),
                           "reference": N_("Their reference"),
                           "referred_on": N_("Date referred")},
    "referral_answered": {"authority": N_("Referred to"), "answer": N_("Their answer")},
}

# What the audit data says about an assignment, by key; shown as a change.
ASSIGNMENT_KEYS = {"to": N_("To"), "from": N_("From")}


@dataclass(frozen=True)
class Change:
    field: str   # the form field's title (its name where the form has none)
    value: str


@dataclass(frozen=True)
class Moment:
    at: datetime
    actor: str | None
    kind: str
    heading: str
    step: str         # the diagram's name for the step, "" when the kind says it all
    process_id: str | None
    element_id: str | None
    tone: str
    changes: list[Change]


def moments(timeline: list[HistoryEntry],
            labels: Mapping[str, FormLabels] | None = None) -> list[Moment]:
    """Turn the case's audit events into timeline moments, oldest first.

    ``labels`` (by process id) name submitted fields and choices as the forms do.
    """
    return [_moment(entry, (labels or {}).get(entry.process_id or "", FormLabels()))
            for entry in timeline]


def _moment(entry: HistoryEntry, labels: FormLabels) -> Moment:
    heading = KINDS.get(entry.kind)
    step = str(entry.data.get("title") or "")
    return Moment(at=entry.at, actor=entry.actor, kind=entry.kind,
                  heading=gettext(heading) if heading else entry.kind, step=step,
                  process_id=entry.process_id, element_id=entry.element_id,
                  tone=TONES.get(entry.kind, "plain"), changes=_changes(entry, labels))


def _changes(entry: HistoryEntry, labels: FormLabels) -> list[Change]:
    if entry.kind == "task_completed":
        submitted = entry.data.get("data")
        return [Change(labels.field_title(name), labels.choice(name, value) or _text(value))
                for name, value in (submitted.items() if isinstance(submitted, dict) else ())]
    if entry.kind in ("task_claimed", "task_released", "task_reassigned"):
        return [Change(gettext(label), str(entry.data[key]))
                for key, label in ASSIGNMENT_KEYS.items() if entry.data.get(key)]
    if entry.kind == "attachment_added" and entry.data.get("file_name"):
        return [Change(gettext("File"), str(entry.data["file_name"]))]
    if entry.kind in OUTCOME_FIELDS:
        return [Change(gettext(label), _outcome_value(key, entry.data[key]))
                for key, label in OUTCOME_FIELDS[entry.kind].items() if entry.data.get(key)]
    if entry.kind == "archive_corrected" and entry.data.get("reason"):
        return [Change(gettext("Reason"), str(entry.data["reason"]))]
    return []


def _outcome_value(key: str, value: Any) -> str:
    if key in ("decision", "authority"):
        return case_label("escalation_decision" if key == "decision" else "authority", value)
    return _text(value)


def _text(value: Any) -> str:
    """A submitted value as text: yes/no translated, text as typed, the rest as JSON."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
