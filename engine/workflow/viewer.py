"""Who is looking, and what of the open work they may see and take.

Roles are read from the user each time a viewer is built (once per request),
so someone who joins a role sees that role's open tasks on the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.directory.models import User
from engine.workflow.models import HumanTask

SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Viewer:
    """A staff member as the inbox sees them: name, roles, estate."""

    username: str
    roles: frozenset[str]
    estate_id: int | None = None  # None: company-wide staff, who see every estate
    is_supervisor: bool = False

    @classmethod
    def of(cls, user: User) -> Viewer:
        """Build the viewer from a user and the roles they hold now."""
        roles = frozenset(user.role_codes)
        return cls(user.username, roles, user.estate_id, SUPERVISOR in roles)

    def sees_estate(self, estate_id: int | None) -> bool:
        """Work of no estate is everyone's; otherwise only the viewer's own estate."""
        return self.estate_id is None or estate_id is None or estate_id == self.estate_id

    def is_offered(self, task: HumanTask) -> bool:
        """Tell whether the task's role is one the viewer holds (a task of no role is anyone's)."""
        return task.role is None or task.role in self.roles

    def may_work_on(self, task: HumanTask) -> bool:
        """Tell whether the viewer holds the task, or could claim it."""
        if task.assignee is not None:
            return task.assignee == self.username
        return self.sees_estate(task.estate_id) and self.is_offered(task)

    def may_view(self, task: HumanTask) -> bool:
        """Tell whether the viewer may open the task page (supervisors watch every role)."""
        if task.assignee == self.username:
            return True
        return self.sees_estate(task.estate_id) and (self.is_offered(task) or self.is_supervisor)
