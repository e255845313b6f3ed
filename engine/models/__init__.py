"""Every mapped table, imported here so metadata and migrations see them all."""

from engine.models.api_token import ApiToken
from engine.models.case import ArchiveEntry, Case, CaseRecord, ReplyLetter, WorkOrder
from engine.models.estate import Building, Estate, Owner, Unit, ownerships
from engine.models.meeting import *  # noqa: F403  (its __all__ lists the P5/P6 tables)
from engine.models.people import Department, Role, User, user_roles
from engine.models.process import (
    AuditEvent,
    HumanTask,
    Incident,
    ProcessInstance,
    ProcessVersion,
    Schedule,
    ScheduleOccurrence,
    TaskDraft,
    Timer,
    WorkerHeartbeat,
)
from engine.models.survey import (
    FeedbackItem,
    Questionnaire,
    SampledUnit,
    SurveyCampaign,
    SurveyResponse,
)
from engine.numbering import Counter

__all__ = [
    "ApiToken",
    "ArchiveEntry",
    "AuditEvent",
    "Building",
    "Case",
    "CaseRecord",
    "Counter",
    "Department",
    "Estate",
    "FeedbackItem",
    "HumanTask",
    "Incident",
    "Owner",
    "ProcessInstance",
    "ProcessVersion",
    "Questionnaire",
    "ReplyLetter",
    "Role",
    "SampledUnit",
    "Schedule",
    "ScheduleOccurrence",
    "SurveyCampaign",
    "SurveyResponse",
    "TaskDraft",
    "Timer",
    "Unit",
    "User",
    "WorkOrder",
    "WorkerHeartbeat",
    "ownerships",
    "user_roles",
]
