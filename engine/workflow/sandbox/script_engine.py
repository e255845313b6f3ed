"""The one place BPMN Python runs: scripts, conditions, timer and parameter expressions.

SpiffWorkflow would hand these to plain eval/exec. ``ScriptEnvironment``
compiles them with RestrictedPython under ``engine.workflow.sandbox.policy``, runs them
on a copy of the task data within a step and time budget, and writes back only
plain data, within the instance's data cap. The runtime's environment runs the
code in an evaluator process the operating system bounds (``sandbox.pool``);
service tasks and helpers stay in this process. ``SandboxedScriptEngine`` lets
the resulting ``ScriptError`` family reach the engine unwrapped, located at
the BPMN element.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any, Literal

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine.common.errors import LiaisonError, ScriptBudgetExceeded, ScriptError, ScriptRefused
from engine.workflow.sandbox.budget import Budget, current_budget
from engine.workflow.sandbox.limits import ScriptLimits, data_cap_exceeded
from engine.workflow.sandbox.policy import (
    FORBIDDEN_CALLS,
    GUARDS,
    SAFE_BUILTINS,
    SCRIPT_FILENAME,
    check_script,
    compile_script,
)
from engine.workflow.sandbox.pool import EvaluatorPool, Request, evaluator_pool
from engine.workflow.sandbox.sizes import text_weight
from engine.workflow.sandbox.write_back import apply_changes, changes, visible
from engine.workflow.timers.iso8601 import is_literal
from engine.workflow.timers.values import TimerKind, timer_value_problem

__all__ = ["SandboxedScriptEngine", "ScriptEnvironment", "check_script", "make_script_engine"]

MAX_MESSAGE = 2_000  # longest error text from a script that an incident repeats


def _compiled(source: str, mode: Literal["exec", "eval"]) -> CodeType:
    if not isinstance(source, str):
        raise ScriptError(f"expected Python text, got {type(source).__name__}")
    compiled = compile_script(source, mode)
    if compiled.code is not None:
        return compiled.code
    problems = check_script(source, mode=mode)
    message = "; ".join(f"line {line}: {why}" if line else why for line, why in problems)
    raise (ScriptRefused if compiled.refused else ScriptError)(message, line=problems[0][0])


def _script_line(err: BaseException) -> int | None:
    """Return the innermost script line in the traceback, if the script was running."""
    line, tb = None, err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(err: Exception) -> str:
    # An incident shows the reason in a line or two; a script's error may carry any value.
    if text_weight(err.args, MAX_MESSAGE) > MAX_MESSAGE:
        return f"the script raised {type(err).__name__} with a value too long to show"
    if isinstance(err, KeyError) and len(err.args) == 1:
        return f"there is no key {err.args[0]!r}"
    if isinstance(err, AssertionError) and not err.args:
        return "an assert statement failed"
    return str(err) or type(err).__name__


def _as_script_error(err: Exception,
                     out_of_memory: str = "the script ran out of memory") -> LiaisonError:
    """Turn whatever a script raised into a ScriptError with the line it came from."""
    if isinstance(err, LiaisonError) and (not isinstance(err, ScriptError) or err.line):
        return err  # a helper's own error, or one already located
    line = _script_line(err)
    # The engine's code goes along with the line; a script's own exception has none.
    code, params = "", {}
    if isinstance(err, ScriptError):
        cls, reason = type(err), err.message
        code, params = err.message_code, dict(err.params)
    elif isinstance(err, RecursionError):
        cls, reason = ScriptBudgetExceeded, "the script called itself too deeply"
        code = "scripts.recursion_too_deep"
    elif isinstance(err, MemoryError):
        cls, reason = ScriptBudgetExceeded, out_of_memory
        code = "scripts.out_of_memory"
    else:
        cls, reason = ScriptError, _describe(err)
    return cls(f"line {line}: {reason}" if line else reason, line=line, message_code=code,
               params=params)


class ScriptEnvironment(BasePythonScriptEngineEnvironment):
    """Run BPMN scripts and expressions in the sandbox, on a copy of the task data.

    With ``evaluators`` (an ``EvaluatorPool``), the code runs in an evaluator
    process that the operating system bounds in CPU time and memory, under a
    wall-clock deadline; without, in this process, bounded by the step budget alone.
    """

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None, *,
                 services: Mapping[str, Callable[..., Any]] | None = None,
                 step_budget: int = 100_000, time_budget: float = 2.0,
                 data_limit: int | None = None, evaluators: EvaluatorPool | None = None,
                 out_of_memory: str = "the script ran out of memory") -> None:
        helpers = dict(helpers or {})
        for name in helpers:
            if (not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_")
                    or name in FORBIDDEN_CALLS):
                raise ValueError(f"{name!r} cannot be the name of a script helper")
        super().__init__(helpers)
        self.helpers = helpers
        # Guards last: no helper may replace one.
        self.builtins: dict[str, Any] = {**SAFE_BUILTINS, **helpers, **GUARDS}
        self.services: dict[str, Callable[..., Any]] = dict(services or {})
        self.step_budget = step_budget
        self.time_budget = evaluators.limits.seconds if evaluators else time_budget
        self.data_limit = data_limit  # bytes of text the task data may grow to; None: no cap
        self.evaluators = evaluators
        self.out_of_memory = out_of_memory

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Return the value of an expression over the task data; names it binds are not kept."""
        code = _compiled(expression, "eval")
        if self.evaluators is not None:
            return self._elsewhere("eval", expression, context, external_context)
        return self._run(code, self._scope(context, external_context))

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script, then store the variables it set in the task data."""
        code = _compiled(script, "exec")
        if self.evaluators is not None:
            removed, updates = self._elsewhere("exec", script, context, external_context)
        else:
            scope = self._scope(context, external_context)
            self._run(code, scope)
            removed, updates = changes(scope, context, external_context or {})
        apply_changes(context, removed, updates, self.data_limit)
        return True

    def _elsewhere(self, mode: Literal["exec", "eval"], source: str, context: dict[str, Any],
                   external: Mapping[str, Any] | None) -> Any:
        assert self.evaluators is not None
        request = Request(mode, source, context, dict(external or {}), self.step_budget,
                          self.data_limit, tuple(self.helpers))
        return self.evaluators.run(request, self.helpers)

    def call_service(self, context: dict[str, Any], operation_name: str | None = None,
                     operation_params: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
        """Call a registered service with the evaluated parameters; return its result as JSON."""
        service = self.services.get(operation_name or "")
        if service is None:
            raise ScriptError(f"no service named {operation_name!r} is registered")
        # SpiffWorkflow passes {name: {"value": ..., "type": ...}}; services take plain values.
        params = {name: param["value"] if isinstance(param, Mapping) and "value" in param
                  else param for name, param in (operation_params or {}).items()}
        try:
            result = service(**params)
        except LiaisonError:
            raise
        except Exception as err:
            raise ScriptError(f"service {operation_name!r} failed: {_describe(err)}") from err
        try:
            # SpiffWorkflow's ServiceTask json.loads() what we return: JSON keeps task data plain.
            text = json.dumps(result)
        except (TypeError, ValueError) as err:
            raise ScriptError(f"service {operation_name!r} returned a value that cannot be "
                              f"stored: {err}") from err
        if self.data_limit is not None:
            problem = data_cap_exceeded([context, text], self.data_limit)
            if problem is not None:
                raise problem
        return text

    def _scope(self, context: Mapping[str, Any],
               external: Mapping[str, Any] | None) -> dict[str, Any]:
        # Underscore keys (say, from a submitted form) must never shadow a guard.
        scope = {k: v for k, v in external.items() if visible(k)} if external else {}
        scope.update({k: v for k, v in context.items() if type(k) is str and k[:1] != "_"})
        scope["__builtins__"] = self.builtins
        return scope

    def _run(self, code: CodeType, scope: dict[str, Any]) -> Any:
        budget = Budget(self.step_budget, self.time_budget)
        scope["_tick_"] = budget.tick
        token = current_budget.set(budget)
        try:
            result = eval(code, scope)  # compiled under SandboxPolicy; scope holds only data
        except Exception as err:
            error = _as_script_error(budget.failure or err, self.out_of_memory)
            if error is err:
                raise
            raise error from err
        finally:
            current_budget.reset(token)
        if budget.failure is not None:  # the script caught a refusal or overrun and went on
            raise _as_script_error(budget.failure, self.out_of_memory)
        return result


def _locate(err: ScriptError, task: Any) -> None:
    if err.element_id is None:
        err.element_id = getattr(getattr(task, "task_spec", None), "bpmn_id", None)


_TIMER_KINDS: tuple[tuple[type[TimerEventDefinition], TimerKind], ...] = (
    (DurationTimerEventDefinition, "duration"), (TimeDateEventDefinition, "date"),
    (CycleTimerEventDefinition, "cycle"))


def _timer_kind(task: Any, expression: str) -> TimerKind | None:
    """Tell which kind of timer ``expression`` is the value of, if it is a timer's."""
    definition = getattr(task.task_spec, "event_definition", None)
    definitions: list[Any] = (definition.event_definitions
                              if isinstance(definition, MultipleEventDefinition)
                              else [definition])
    for candidate in definitions:
        for cls, kind in _TIMER_KINDS:
            if isinstance(candidate, cls) and candidate.expression == expression:
                return kind
    return None


def _checked_timer(task: Any, expression: str, value: Any) -> Any:
    """Refuse a timer value SpiffWorkflow cannot read, or could only read for hours."""
    kind = _timer_kind(task, expression)
    problem = timer_value_problem(value, kind) if kind is not None else None
    if problem is not None:
        raise ScriptError(problem, element_id=task.task_spec.bpmn_id)
    return value


class SandboxedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, with sandbox errors passed through unwrapped."""

    environment: ScriptEnvironment

    def __init__(self, environment: ScriptEnvironment | None = None) -> None:
        super().__init__(environment or ScriptEnvironment())

    def evaluate(self, task: Any, expression: str,
                 external_context: Mapping[str, Any] | None = None) -> Any:
        # A timer may say PT24H or R/2027-01-01T09:00:00+08:00/P1Y as it is, unquoted.
        if is_literal(expression) and expression.strip() not in task.data:
            return _checked_timer(task, expression, expression.strip())
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except ScriptError as err:
            _locate(err, task)
            raise
        return _checked_timer(task, expression, value)

    def execute(self, task: Any, script: str,
                external_context: Mapping[str, Any] | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context)
        except ScriptError as err:
            _locate(err, task)
            raise

    def call_service(self, task: Any, **kwargs: Any) -> str:
        try:
            return self.environment.call_service(task.data, **kwargs)
        except ScriptError as err:
            _locate(err, task)
            raise


def make_script_engine(helpers: Mapping[str, Callable[..., Any]] | None = None, *,
                       services: Mapping[str, Callable[..., Any]] | None = None,
                       step_budget: int = 100_000, time_budget: float = 2.0,
                       limits: ScriptLimits | None = None) -> SandboxedScriptEngine:
    """Build the script engine every workflow of ours runs with.

    With ``limits``, every evaluation runs in an OS-bounded evaluator process
    and the task data is capped; without, in this process on the step budget alone.
    """
    if limits is None:
        return SandboxedScriptEngine(ScriptEnvironment(
            helpers, services=services, step_budget=step_budget, time_budget=time_budget))
    return SandboxedScriptEngine(ScriptEnvironment(
        helpers, services=services, step_budget=step_budget, data_limit=limits.data_limit,
        evaluators=evaluator_pool(limits)))
