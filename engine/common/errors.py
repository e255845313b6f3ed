"""The one exception tree of Liaison's engine.

Every error a caller can act on is a ``LiaisonError`` carrying the BPMN
context it arose in, so the web layer (``api/web/errors.py``) maps it to an HTTP
answer in one place and a process owner reads *where* as well as *what*::

    LiaisonError                  process, version, element id, file, line
    ├── DefinitionError           a diagram or form cannot be deployed; .problems
    ├── ScriptError               a script, condition or timer expression failed
    │   ├── ScriptRefused         the sandbox refused it (import, dunder, ...)
    │   └── ScriptBudgetExceeded  it ran too long or took too many steps
    ├── NotFound                  no such process, instance or task
    ├── Conflict                  someone else changed the instance first
    │   ├── TaskNotReady          the task was completed or cancelled already
    │   ├── SurveyCodeUsed        a survey response code was answered with already
    │   ├── SurveyCodeExpired     a survey response code's collection window has closed
    │   ├── CaseStopped           an incident stopped the task's instance; .incident_id
    │   ├── BallotUsed            a one-time ballot link has voted already
    │   ├── AlreadyVoted          the owner voted at this meeting through another unit or on paper
    │   └── VotingClosed          the meeting's vote, or its online voting, has closed
    ├── FormInvalid               submitted data fails the task's JSON Schema; .errors
    ├── PermissionDenied          the actor may not do this
    ├── VoteInputError            units or ballots given to a tally are unusable; .problems
    ├── LoginRefused              sign-in refused: unknown user, wrong password, inactive
    │   └── AccountLocked         too many failed sign-ins in a row; .until
    ├── NotAuthenticated          no valid credentials: a missing, unknown, expired or revoked token
    └── PreconditionFailed        the caller's copy is out of date (a stale ETag)

Besides its English ``message`` (for logs and the REST ``message``), an error
or a ``FieldError`` a person meets carries a stable ``message_code`` (field
errors: ``code``) and its ``params``, so the web layer words it in the
reader's language and shows its times on the office's clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict, Unpack

__all__ = [
    "AccountLocked",
    "CaseStopped",
    "Conflict",
    "DefinitionError",
    "FieldError",
    "FormInvalid",
    "LiaisonError",
    "LoginRefused",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "PreconditionFailed",
    "Problem",
    "ScriptBudgetExceeded",
    "ScriptError",
    "ScriptRefused",
    "SurveyCodeExpired",
    "SurveyCodeUsed",
    "TaskNotReady",
    "VoteInputError",
    "plain_params",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a process definition, located for its owner."""

    message: str
    file: str | None = None
    element_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element}: {self.message}" if where or element else self.message

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "element_id": self.element_id, "line": self.line,
                "message": self.message}


@dataclass(frozen=True)
class FieldError:
    """A form field that failed validation; ``path`` is a JSON pointer-like tuple."""

    path: tuple[str | int, ...]
    message: str
    code: str = ""
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.path)

    def as_dict(self) -> dict[str, object]:
        coded = {"code": self.code, "params": plain_params(self.params)} if self.code else {}
        return {"field": self.field, "message": self.message, **coded}


def plain_params(params: Mapping[str, object]) -> dict[str, object]:
    """The parameters as JSON takes them: times in ISO 8601, other non-JSON values as text."""
    return {key: value.isoformat() if isinstance(value, date)
            else value if isinstance(value, (str, int, float, bool, type(None), list))
            else str(value) for key, value in params.items()}


class Where(TypedDict, total=False):
    """Where in a process an error arose; every part is optional."""

    process_id: str | None
    version: int | None
    element_id: str | None
    file: str | None
    line: int | None


class LiaisonError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, process_id: str | None = None,
                 version: int | None = None, element_id: str | None = None,
                 file: str | None = None, line: int | None = None,
                 message_code: str = "", params: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_code = message_code
        self.params: Mapping[str, object] = dict(params or {})
        self.process_id = process_id
        self.version = version
        self.element_id = element_id
        self.file = file
        self.line = line

    def context(self) -> dict[str, object]:
        """Return the BPMN location of the error, leaving out what is unknown."""
        items = {"process_id": self.process_id, "version": self.version,
                 "element_id": self.element_id, "file": self.file, "line": self.line}
        return {k: v for k, v in items.items() if v is not None}


class DefinitionError(LiaisonError):
    """A BPMN/DMN file or form was refused; ``problems`` lists every reason."""

    code = "invalid_definition"

    def __init__(self, problems: list[Problem], **where: Unpack[Where]) -> None:
        self.problems = list(problems)
        super().__init__(_first_few(self.problems), **where)


class ScriptError(LiaisonError):
    """A script, condition or expression failed while the process ran."""

    code = "script_error"


class ScriptRefused(ScriptError):
    """The sandbox refused a script: it reached for something it may not touch."""

    code = "script_refused"


class ScriptBudgetExceeded(ScriptError):
    """A script or the engine ran past its time or step budget."""

    code = "script_budget_exceeded"


class NotFound(LiaisonError):
    """No such process, instance, task or record (or none the caller may see)."""

    code = "not_found"


class Conflict(LiaisonError):
    """The instance changed under us; the caller may reload and try again."""

    code = "conflict"


class TaskNotReady(Conflict):
    """The task is no longer waiting for anyone (completed, cancelled, moved on)."""

    code = "task_not_ready"


class SurveyCodeUsed(Conflict):
    """The survey form of this code was answered already: one unit answers once."""

    code = "survey_code_used"


class SurveyCodeExpired(Conflict):
    """The survey's collection window closed before this code was answered."""

    code = "survey_code_expired"


class CaseStopped(Conflict):
    """An incident stopped the task's instance: nobody works on it until a supervisor retries."""

    code = "case_stopped"

    def __init__(self, message: str, *, incident_id: int | None,
                 message_code: str = "", params: Mapping[str, object] | None = None,
                 **where: Unpack[Where]) -> None:
        self.incident_id = incident_id
        super().__init__(message, message_code=message_code, params=params, **where)


class BallotUsed(Conflict):
    """A one-time ballot link has voted already: each link votes once."""

    code = "ballot_used"


class AlreadyVoted(Conflict):
    """The owner has voted at this meeting already: one owner votes once for all units."""

    code = "already_voted"


class VotingClosed(Conflict):
    """The meeting's vote is closed, or its online voting ended when the meeting began."""

    code = "voting_closed"


class FormInvalid(LiaisonError):
    """Submitted data does not satisfy the task's form; ``errors`` per field."""

    code = "form_invalid"

    def __init__(self, errors: list[FieldError], **where: Unpack[Where]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} field(s) need attention", **where)


class PermissionDenied(LiaisonError):
    """The actor may not do this."""

    code = "permission_denied"


class VoteInputError(LiaisonError):
    """A tally's units or ballots cannot be counted; ``problems`` lists every reason."""

    code = "vote_input_invalid"

    def __init__(self, problems: list[str], *, message_code: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        self.problems = list(problems)
        super().__init__(_first_few(self.problems), message_code=message_code, params=params)


class LoginRefused(LiaisonError):
    """Sign-in refused; ``reason`` is for the audit log, never shown to the person."""

    code = "login_refused"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class AccountLocked(LoginRefused):
    """Too many failed sign-ins in a row: no sign-in until ``until``."""

    code = "account_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"the account is locked until {until.isoformat()}", reason="locked")
        self.until = until


class NotAuthenticated(LiaisonError):
    """The caller did not prove who they are: no token, or one that is unknown or revoked."""

    code = "not_authenticated"


class PreconditionFailed(LiaisonError):
    """The caller acted on a version of the task that is no longer the current one."""

    code = "precondition_failed"


def _first_few(problems: Sequence[object]) -> str:
    """The first three problems in one line, and how many more there are."""
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return "; ".join(str(p) for p in problems[:3]) + more
