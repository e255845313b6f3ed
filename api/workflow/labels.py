"""Names people read for the work itself: processes, task titles, steps in a case's history.

Titles come from the deployed BPMN; the shipped ones are translated here, and a
title a process owner adds later is shown as the diagram spells it.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from api.web.i18n import N_

__all__ = ["EVENTS", "PROCESSES", "event_label", "init_app", "process_label", "task_title"]

PROCESSES = {
    "owner_case": N_("Owner case"),
    "escalation": N_("Escalation"),
    "routine_repair": N_("Routine repair"),
    "yearly_survey": N_("Yearly owner survey"),
    "committee_formation": N_("Owners' committee formation"),
    "general_meeting": N_("General meeting of owners"),
    "survey_follow_up": N_("Survey follow-up visit"),
}

TASK_TITLES = frozenset({
    N_("Triage"), N_("Notify the responsible party"), N_("Follow up the rectification"),
    N_("Explain to the owner"), N_("Carry out the instruction"),
    N_("Reply to the complainant"), N_("Record satisfaction"), N_("Handle the work order"),
    N_("Review the escalation"), N_("Decide the escalation"), N_("Describe the repair"),
    N_("Carry out the repair"), N_("Follow up the referral"),
    N_("Reply with the authority's answer"), N_("Reply with the final position"),
    N_("Plan the survey"), N_("Approve the survey plan"), N_("Follow up the non-respondents"),
    N_("Review the return rate"), N_("Categorise the opinions"),
    N_("Approve the survey report"), N_("Visit or call the unit"),
    N_("Form the preparatory group"), N_("Announce the candidates"),
    N_("Send the notice of the first general meeting"), N_("Close the vote"),
    N_("Constitute the committee"), N_("File the committee with the housing authority"),
    N_("Chase the overdue committee filing"), N_("Prepare the agenda"),
    N_("Send the notice of the general meeting"), N_("Record the minutes"),
})

# What an audit event or case record says happened; %(step)s is the task's title.
EVENTS = {
    "case_registered": N_("Case registered"),
    "instance_started": N_("Process started"),
    "task": N_("Done: %(step)s"),
    "task_completed": N_("Done: %(step)s"),
    "task_claimed": N_("Claimed: %(step)s"),
    "task_released": N_("Released: %(step)s"),
    "task_reassigned": N_("Reassigned: %(step)s"),
    "task_overdue": N_("Overdue: %(step)s"),
    "timer_fired": N_("Time limit reached"),
    "work_order_dispatched": N_("Work order dispatched"),
    "case_archived": N_("Case archived"),
    "escalation_decided": N_("Escalation decided"),
    "referral_answered": N_("The authority answered the referral"),
    "archive_corrected": N_("Archive record corrected"),
    "incident_opened": N_("Stopped by an error"),
    "incident_retried": N_("Run again after an error"),
    "meeting_noticed": N_("Meeting noticed"),
    "ballot_cast": N_("Ballot cast"),
    "meeting_tallied": N_("Votes tallied"),
    "committee_elected": N_("Committee elected"),
    "committee_filing_reminder": N_("Filing reminder"),
    "committee_filing_overdue": N_("Filing overdue"),
    "committee_filed": N_("Committee filed"),
    "minutes_published": N_("Minutes published"),
}


def task_title(title: str) -> str:
    """The task's title in the reader's language, when it is one Liaison ships."""
    return gettext(title) if title in TASK_TITLES else title


def process_label(process_id: str) -> str:
    message = PROCESSES.get(process_id)
    return gettext(message) if message else process_id


def event_label(kind: str, step: str) -> str:
    """One line of history: what happened, naming the step it happened to."""
    message = EVENTS.get(kind)
    if message is None:
        return task_title(step)
    return gettext(message, step=task_title(step))


def init_app(app: Flask) -> None:
    app.add_template_global(task_title)
    app.add_template_global(process_label)
    app.add_template_global(event_label)
