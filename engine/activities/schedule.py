"""The festival schedule: each festival the office marks starts its activity ahead of it.

A timer start event repeats on a fixed cycle, which lunar dates do not keep, so
festivals have their own schedule: on each pass the worker looks at this year's
and next year's chosen festivals and starts the activity of any whose lead time
has begun and which has none yet. The unique (festival, year) row keeps two workers
from starting it twice; next year's festivals renew the schedule by themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.activities.festivals import LAST_YEAR, Festival, festival_dates
from engine.activities.models import CommunityActivity
from engine.activities.services import PROCESS
from engine.workflow.instances import start_instance
from engine.workflow.runtime import Runtime

__all__ = ["FestivalStart", "due_starts", "festival_job", "start_festival_activities"]

log = logging.getLogger(__name__)

# The morning, office time, on which a festival's activity is started.
START_TIME = time(9, 0)


@dataclass(frozen=True)
class FestivalStart:
    festival: Festival
    year: int
    date: date
    start_at: datetime  # its lead time before the festival, office time


def festival_starts(festivals: Sequence[Festival], lead_days: int, rt: Runtime,
                    year: int) -> list[FestivalStart]:
    """When each festival of ``year`` starts its activity."""
    return [FestivalStart(each.festival, year, each.date, datetime.combine(
                each.date - timedelta(days=lead_days), START_TIME, tzinfo=rt.office_zone))
            for each in festival_dates(festivals, year)]


def due_starts(session: Session, rt: Runtime, festivals: Sequence[Festival],
               lead_days: int) -> list[FestivalStart]:
    """The festivals whose lead time has begun, not yet come and without their activity."""
    now = rt.clock.now()
    this_year = now.astimezone(rt.office_zone).year
    due = []
    for year in (this_year, this_year + 1):
        if year > LAST_YEAR:
            continue
        for start in festival_starts(festivals, lead_days, rt, year):
            festival_day = datetime.combine(start.date, time(0), tzinfo=rt.office_zone)
            if start.start_at <= now < festival_day and not _started(session, start):
                due.append(start)
    return due


def _started(session: Session, start: FestivalStart) -> bool:
    return session.scalar(select(CommunityActivity.id).where(
        CommunityActivity.festival == start.festival.code,
        CommunityActivity.festival_year == start.year)) is not None


def start_festival_activities(sessions: sessionmaker[Session], rt: Runtime,
                              festivals: Sequence[Festival], lead_days: int) -> int:
    """Start the activity of every festival due; return how many were started."""
    with sessions() as session:
        due = due_starts(session, rt, festivals, lead_days)
    started = 0
    for start in due:
        with sessions() as session:
            try:
                _start(session, rt, start)
                session.commit()
                started += 1
            except IntegrityError:  # another worker started it first
                session.rollback()
            except Exception:  # one festival's failure must not stop the others
                session.rollback()
                log.exception("the %s activity of %s did not start", start.festival.code,
                              start.year)
    return started


def _start(session: Session, rt: Runtime, start: FestivalStart) -> None:
    if _started(session, start):
        return
    instance = start_instance(
        session, rt, process_id=PROCESS, start_event="started_by_hand",
        business_key=f"{start.festival.code}@{start.year}",
        data={"festival": start.festival.code, "festival_date": start.date.isoformat(),
              "scheduled_for": start.start_at.isoformat()})
    row = session.scalars(select(CommunityActivity)
                          .where(CommunityActivity.instance_id == instance.id)).one()
    row.festival_year = start.year
    session.flush()  # the unique (festival, year) row: a second start fails here


def festival_job(festivals: Sequence[Festival], lead_days: int
                 ) -> Callable[[sessionmaker[Session], Runtime], int]:
    """The worker's pass over the festival schedule, with the office's choice."""
    def job(sessions: sessionmaker[Session], rt: Runtime) -> int:
        return start_festival_activities(sessions, rt, festivals, lead_days)
    return job
