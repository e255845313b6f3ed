"""Names people read for the work itself: processes, task titles, steps in a case's history.

Task titles and every other name on a diagram come from the deployed BPMN. Babel
extracts the shipped diagrams' names (api/workflow/extract.py), so each has its
translation in the catalog; a name a process owner adds in a later version that
the catalog does not know yet is shown as the diagram spells it.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext
from lxml import etree

from api.web.i18n import N_
from engine.common.errors import DefinitionError
from engine.workflow.names import message_id, named_elements
from engine.workflow.xmlsafe import parse_xml

__all__ = ["EVENTS", "PROCESSES", "diagram_xml", "element_name", "event_label", "init_app",
           "process_label"]

PROCESSES = {
    "owner_case": N_("Owner case"),
    "escalation": N_("Escalation"),
    "routine_repair": N_("Routine repair"),
    "yearly_survey": N_("Yearly owner survey"),
    "committee_formation": N_("Owners' committee formation"),
    "general_meeting": N_("General meeting of owners"),
    "survey_follow_up": N_("Survey follow-up visit"),
}

# Names of steps in diagrams no longer shipped, which instances started on them still show.
RETIRED_NAMES = (N_("File the committee with the housing authority"),
                 N_("Chase the overdue committee filing"))

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
    "attachment_added": N_("File attached"),
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


def element_name(name: str | None) -> str:
    """A diagram's name for a step, lane, flow or process, in the reader's language.

    A name the catalog does not know (a later version's own) comes back as written.
    """
    if not name or not name.strip():
        return name or ""  # never look up "": the catalog's header sits there
    msgid = message_id(name)
    translated = gettext(msgid)
    return name if translated == msgid else translated.replace("%%", "%")


def diagram_xml(xml: str) -> str:
    """The diagram's BPMN XML with each name people read in the reader's language.

    Only ``name`` attributes change; ids, layout and everything else stay as deployed.
    A diagram that does not parse is handed back untouched for the viewer to refuse.
    """
    try:
        root = parse_xml(xml.encode(), file="diagram.bpmn").getroot()
    except DefinitionError:
        return xml
    changed = False
    for element in named_elements(root):
        name = element.get("name")
        localised = element_name(name)
        if localised != name:
            element.set("name", localised)
            changed = True
    return etree.tostring(root, encoding="unicode") if changed else xml


def process_label(process_id: str) -> str:
    message = PROCESSES.get(process_id)
    return gettext(message) if message else process_id


def event_label(kind: str, step: str) -> str:
    """One line of history: what happened, naming the step it happened to."""
    message = EVENTS.get(kind)
    if message is None:
        return element_name(step)
    return gettext(message, step=element_name(step))


def init_app(app: Flask) -> None:
    app.add_template_global(element_name)
    app.add_template_global(diagram_xml)
    app.add_template_global(process_label)
    app.add_template_global(event_label)
