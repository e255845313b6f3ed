"""Which cases a staff member reads, and how much of the complainant they see.

Customer service, supervisors and superiors read every case of their estate
whole. Department staff read the cases dispatched to their department (a work
order) and those whose tasks they hold or are offered, with the complainant's
phone number and address masked (``engine/common/privacy.py``). Any other case
is reported as not found, like another estate's.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from engine.cases.history import CaseSummary
from engine.cases.models import Case, WorkOrder
from engine.common.privacy import (
    mask_email,
    mask_phone,
    mask_phones_in,
    masked_data,
    sees_personal_data,
)
from engine.workflow.history import HistoryEntry
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.viewer import Viewer

__all__ = ["a_case_not_for", "may_read_case", "readable_case", "summary_for", "timeline_for"]


def readable_case(viewer: Viewer) -> ColumnElement[bool]:
    """The cases (a condition on ``Case``) the viewer reads, whatever their estate."""
    if sees_personal_data(viewer.roles):
        return true()
    if not viewer.roles:
        return false()
    dispatched = exists().where(WorkOrder.case_id == Case.id,
                                WorkOrder.department.in_(viewer.roles))
    held = exists().where(HumanTask.instance_id == Case.instance_id,
                          or_(HumanTask.assignee == viewer.username,
                              and_(HumanTask.assignee.is_(None),
                                   HumanTask.role.in_(viewer.roles))))
    return or_(dispatched, held)


def may_read_case(session: Session, case: Case, viewer: Viewer) -> bool:
    """Tell whether the viewer reads this case (its estate is checked apart)."""
    if sees_personal_data(viewer.roles):
        return True
    return session.scalar(select(Case.id).where(Case.id == case.id,
                                                readable_case(viewer))) is not None


def a_case_not_for(viewer: Viewer) -> ColumnElement[bool]:
    """An instance whose case the viewer may not read (hidden from the instance list)."""
    if sees_personal_data(viewer.roles):
        return false()
    return exists().where(Case.number == ProcessInstance.business_key, ~readable_case(viewer))


def summary_for(summary: CaseSummary, viewer: Viewer) -> CaseSummary:
    """The case as the viewer may read it: phone numbers masked unless they answer owners.

    A caller often says their number again in what they report, so it is masked there too.
    """
    if sees_personal_data(viewer.roles):
        return summary
    return replace(summary, complainant_phone=mask_phone(summary.complainant_phone),
                   complainant_email=mask_email(summary.complainant_email),
                   description=mask_phones_in(summary.description))


def timeline_for(entries: list[HistoryEntry], viewer: Viewer) -> list[HistoryEntry]:
    """Records and audit events with phone numbers and addresses masked for department staff."""
    if sees_personal_data(viewer.roles):
        return entries
    return [replace(entry, data=masked_data(entry.data)) for entry in entries]
