"""Every mapped table, imported here so metadata and migrations see them all."""

from engine.activities.models import ActivitySignUp, CommunityActivity
from engine.attachments.models import Attachment
from engine.cases.models import (
    ArchiveEntry,
    Case,
    CaseRecord,
    EscalationOutcome,
    ReplyLetter,
    WorkOrder,
)
from engine.common.audit import AuditEvent
from engine.common.numbering import Counter
from engine.directory.models import (
    ApiToken,
    Building,
    Department,
    Estate,
    Owner,
    Role,
    Unit,
    User,
    ownerships,
    user_roles,
)
from engine.meetings.models import *  # noqa: F403  (its __all__ lists the P5/P6 tables)
from engine.return_visits.models import CallScript, ReturnVisit, ReturnVisitRound
from engine.surveys.models import (
    FeedbackItem,
    Questionnaire,
    SampledUnit,
    SurveyCampaign,
    SurveyFollowUp,
    SurveyResponse,
)
from engine.workflow.models import (
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

__all__ = [
    "ActivitySignUp",
    "ApiToken",
    "ArchiveEntry",
    "Attachment",
    "AuditEvent",
    "Building",
    "CallScript",
    "Case",
    "CaseRecord",
    "CommunityActivity",
    "Counter",
    "Department",
    "EscalationOutcome",
    "Estate",
    "FeedbackItem",
    "HumanTask",
    "Incident",
    "Owner",
    "ProcessInstance",
    "ProcessVersion",
    "Questionnaire",
    "ReplyLetter",
    "ReturnVisit",
    "ReturnVisitRound",
    "Role",
    "SampledUnit",
    "Schedule",
    "ScheduleOccurrence",
    "SurveyCampaign",
    "SurveyFollowUp",
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
