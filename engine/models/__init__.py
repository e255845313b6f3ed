"""Every mapped table, imported here so metadata and migrations see them all."""

from engine.models.estate import Building, Estate, Owner, Unit, ownerships
from engine.models.people import Department, Role, User, user_roles
from engine.models.process import (
    AuditEvent,
    HumanTask,
    Incident,
    ProcessInstance,
    ProcessVersion,
    Timer,
)

__all__ = [
    "AuditEvent",
    "Building",
    "Department",
    "Estate",
    "HumanTask",
    "Incident",
    "Owner",
    "ProcessInstance",
    "ProcessVersion",
    "Role",
    "Timer",
    "Unit",
    "User",
    "ownerships",
    "user_roles",
]
