"""The work orders a month's round revisits: every order completed in that month.

A month is the calendar month in the office's time zone, so an order finished at
23:30 on the 31st belongs to that month wherever the server runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case, WorkOrder
from engine.common.errors import FieldError, FormInvalid
from engine.directory.models import Role, User
from engine.return_visits.sample import CompletedOrder, Visitor

__all__ = ["VISITING_ROLE", "Month", "completed_orders", "visitors"]

# Return visits sit in customer service's lane (SPEC §3, P3): its members visit.
VISITING_ROLE = "customer_service"
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: object) -> Month:
        match = MONTH.fullmatch(str(text).strip()) if isinstance(text, str) else None
        if match is None:
            raise FormInvalid([FieldError(("month",), "give the month as YYYY-MM, e.g. 2026-11",
                                          code="return_visits.month_format")])
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime, zone: tzinfo) -> Month:
        local = moment.astimezone(zone)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def day(self, day: int, zone: tzinfo, hour: int = 0) -> datetime:
        """That day of the month at ``hour`` o'clock office time, in UTC."""
        return datetime(self.year, self.month, day, hour, tzinfo=zone).astimezone(UTC)

    def window(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """From midnight on the 1st to midnight on the next month's 1st, office time."""
        return self.day(1, zone), self.next.day(1, zone)


def completed_orders(session: Session, month: Month, zone: tzinfo) -> list[CompletedOrder]:
    """Every work order completed in the month, from any department, as the sampler sees it."""
    start, end = month.window(zone)
    rows = session.execute(
        select(WorkOrder.id, WorkOrder.department, WorkOrder.handled_by, Case.type)
        .outerjoin(Case, Case.id == WorkOrder.case_id)
        .where(WorkOrder.status == "done", WorkOrder.completed_at >= start,
               WorkOrder.completed_at < end)
        .order_by(WorkOrder.id))
    return [CompletedOrder(order_id=order_id, department=department, handled_by=handled_by,
                           from_complaint=case_type == "complaint")
            for order_id, department, handled_by, case_type in rows]


def visitors(session: Session) -> list[Visitor]:
    """The active members of staff who may make return visits, with their departments."""
    users = session.scalars(select(User).where(User.active.is_(True),
                                               User.roles.any(Role.code == VISITING_ROLE)))
    return [Visitor(user.username,
                    frozenset({user.department.code}) if user.department else frozenset())
            for user in users]
