"""Process versions, instances and the tables derived from their state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.common.db import Base, BigId


class ProcessVersion(Base):
    """One deployed version of one process: its BPMN, DMN and forms, immutable."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_file: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    dmn: Mapped[dict[str, Any]] = mapped_column(default=dict)    # file name -> XML text
    forms: Mapped[dict[str, Any]] = mapped_column(default=dict)  # file name -> JSON text
    calls: Mapped[list[Any]] = mapped_column(default=list)       # process ids of call activities
    timer_starts: Mapped[list[Any]] = mapped_column(default=list)
    deployed_by: Mapped[str | None] = mapped_column(String(150))
    deployed_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class ProcessInstance(Base):
    """A running or finished process; ``state`` is SpiffWorkflow's, without the spec."""

    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    # The called processes' versions are pinned at start, like the caller's own.
    called_version_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    lock_version: Mapped[int] = mapped_column(default=1)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    started_by: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    # Optimistic locking: every UPDATE says WHERE lock_version = <what we read>.
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 (read once by the mapper)


class HumanTask(Base):
    """An open user task, derived from the instance state in the same transaction."""

    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_role_due", "role", "due_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task guid
    instance_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(150), index=True)
    form: Mapped[str | None] = mapped_column(String(300))
    # Copied from the case the task works on, so the inbox filters without a join.
    case_id: Mapped[int | None] = mapped_column(BigId, index=True)
    case_number: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(30), index=True)
    building: Mapped[str | None] = mapped_column(String(50), index=True)
    estate_id: Mapped[int | None] = mapped_column(index=True)
    # What the task works on when it is not a case (a return visit's unit and work order).
    subject_label: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    overdue_since: Mapped[datetime | None]  # set by the worker once due_at has passed
    created_at: Mapped[datetime] = mapped_column(index=True)
    claimed_at: Mapped[datetime | None]


class Timer(Base):
    """A waiting timer event of an instance and when it falls due."""

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Schedule(Base):
    """A timer start event of a deployed process: each occurrence starts a new instance."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("process_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    expression: Mapped[str | None] = mapped_column(String(200))  # None: retired by a redeploy
    # Occurrences before this moment belong to an earlier version's schedule.
    effective_from: Mapped[datetime]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    last_occurrence_at: Mapped[datetime | None]
    retry_at: Mapped[datetime | None]  # after a failure: the same occurrence, tried again later
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class ScheduleOccurrence(Base):
    """One occurrence of a schedule and the instance it started; at most one per moment."""

    __tablename__ = "schedule_occurrences"
    __table_args__ = (UniqueConstraint("process_id", "occurrence_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"),
                                             index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    occurrence_at: Mapped[datetime]
    instance_id: Mapped[int | None] = mapped_column(BigId)
    started_at: Mapped[datetime]


class WorkerHeartbeat(Base):
    """The last sign of life of one worker, so /healthz sees workers in other processes."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid:thread
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime] = mapped_column(index=True)
    fired: Mapped[int] = mapped_column(BigInteger, default=0)


class TaskDraft(Base):
    """What someone typed into a task form and saved without completing it."""

    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(150), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    saved_at: Mapped[datetime]


class Incident(Base):
    """A failure that stopped an instance, for a supervisor to see and retry."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    # The engine's code for the message and its parameters, which each reader's page words in
    # their language; None for a script's own words, shown as stored.
    message_code: Mapped[str | None] = mapped_column(String(100))
    params: Mapped[dict[str, Any] | None]
    line: Mapped[int | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(150))
