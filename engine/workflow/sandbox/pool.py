"""Evaluator processes: where BPMN Python runs, bounded by the operating system.

Counting steps cannot stop C code that runs for minutes in one step (a set of
colliding big integers) or takes a gigabyte in a few (a thousand 1 MB appends).
So every evaluation is sent to a pre-started evaluator process
(``sandbox.evaluator``) that runs under RLIMIT_CPU and RLIMIT_AS, while this
process keeps a wall-clock deadline. An evaluator that overruns is killed and
replaced, and the caller gets a ``ScriptBudgetExceeded`` naming the limit,
which the engine turns into an incident on the element; the web or timer
worker itself only waited.

Services and helpers stay in this process, inside the caller's transaction:
SpiffWorkflow calls a service task here once its parameter expressions are
evaluated, and a helper a script calls is called back here over the same
connection. No evaluator ever holds a database connection or a secret: it
gets the task data and the code, and what it sends back is unpickled against
an allow-list of plain types, so even an escaped script cannot reach us.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from engine.common.errors import (
    LiaisonError,
    ScriptBudgetExceeded,
    ScriptError,
    ScriptRefused,
)
from engine.workflow.sandbox.limits import ScriptLimits

__all__ = ["EvaluatorPool", "Request", "evaluator_pool", "restricted_loads"]

# An evaluator's own step-budget clock fires at the limit; this much later we kill it.
GRACE = 0.1
# A burst of concurrent evaluations starts more; past this many idle, they are stopped.
KEEP_IDLE = 4
STARTUP_SECONDS = 60.0  # a loaded machine may take long to import; it happens once per evaluator
_PROJECT_ROOT = str(Path(__file__).resolve().parents[3])
_ERRORS = {cls.code: cls for cls in (ScriptError, ScriptRefused, ScriptBudgetExceeded)}


class Request(NamedTuple):
    """One evaluation, as sent to an evaluator process."""

    mode: str  # "exec" or "eval"
    source: str
    context: dict[str, Any]
    external: dict[str, Any]
    step_budget: int
    data_limit: int | None
    helpers: tuple[str, ...]  # names the evaluator calls back here


# What an evaluator may send back: plain data, and the classes SpiffWorkflow's data holds.
_ALLOWED_CLASSES = frozenset({
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"),
    ("builtins", "range"), ("builtins", "slice"),
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo._unpickle"), ("engine.workflow.sandbox.budget", "LongRange"),
})


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_CLASSES:
            raise ScriptError(f"the script produced a {name}, which process data cannot hold")
        return super().find_class(module, name)


def restricted_loads(data: bytes) -> Any:
    """Unpickle what an evaluator sent, refusing every class but plain data's."""
    return _PlainUnpickler(io.BytesIO(data)).load()


class _Gone(Exception):
    """The evaluator had stopped before it was sent anything."""


class _Evaluator:
    """One evaluator process and our end of its connection."""

    def __init__(self, limits: ScriptLimits) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (_PROJECT_ROOT, os.environ.get("PYTHONPATH")) if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.workflow.sandbox.evaluator", str(theirs.fileno()),
             f"{limits.seconds:g}", str(limits.memory_mb)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            env=env, cwd=_PROJECT_ROOT)
        theirs.close()
        self.connection = Connection(ours.detach())
        self.limits = limits
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.connection.poll(STARTUP_SECONDS):
            raise LiaisonError("the script evaluator did not start")
        try:
            self.connection.recv_bytes()
        except EOFError:
            raise LiaisonError("the script evaluator could not start") from None
        self.ready = True

    def serve(self, request: Request, helpers: Mapping[str, Callable[..., Any]]) -> Any:
        """Run one request to its reply, answering helper calls; raise what the script raised."""
        try:
            payload = pickle.dumps(tuple(request))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as err:
            raise ScriptError(f"the task data holds a value that cannot be handed to the "
                              f"script: {err}") from err
        try:
            self.connection.send_bytes(payload)
        except OSError:
            raise _Gone from None  # it died while idle (say, the OOM killer): not this script
        deadline = time.monotonic() + self.limits.seconds + GRACE
        helper_error: LiaisonError | None = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.connection.poll(remaining):
                self.stop()
                raise ScriptBudgetExceeded(
                    f"the script ran longer than {self.limits.seconds:g} s and was stopped",
                    message_code="scripts.too_long",
                    params={"seconds": f"{self.limits.seconds:g}"})
            try:
                message = restricted_loads(self.connection.recv_bytes())
            except EOFError:
                raise self._died() from None
            if message[0] == "call":
                helper_error = self._call_back(helpers, *message[1:]) or helper_error
                continue
            if message[-1]:  # the evaluator retires after this reply
                self.stop()
            if message[0] == "ok":
                return message[1]
            _kind, code, text, line, message_code, params, _retire = message
            if helper_error is not None and not isinstance(helper_error, ScriptError):
                raise helper_error  # a helper's own error, as if it had run in this process
            raise _ERRORS.get(code, ScriptError)(text, line=line, message_code=message_code,
                                                 params=params)

    def _call_back(self, helpers: Mapping[str, Callable[..., Any]], name: str,
                   args: tuple[Any, ...], kwargs: dict[str, Any]) -> LiaisonError | None:
        try:
            self.connection.send(("return", helpers[name](*args, **kwargs)))
        except LiaisonError as err:
            self.connection.send(("raise", err.message))
            return err
        except Exception as err:  # the script sees it, located at its line
            self.connection.send(("raise", str(err) or type(err).__name__))
        return None

    def _died(self) -> ScriptBudgetExceeded:
        code = self.process.wait()
        self.connection.close()
        if code == -signal.SIGXCPU:
            return ScriptBudgetExceeded(f"the script used more than {self.limits.seconds:g} s "
                                        "of processor time and was stopped",
                                        message_code="scripts.too_long",
                                        params={"seconds": f"{self.limits.seconds:g}"})
        return ScriptBudgetExceeded(f"the script stopped its evaluator (exit {code}); it may "
                                    f"have used more than {self.limits.memory_mb} MB of memory",
                                    message_code="scripts.evaluator_died",
                                    params={"memory_mb": self.limits.memory_mb})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.connection.close()

    @property
    def alive(self) -> bool:
        return not self.connection.closed and self.process.poll() is None


class EvaluatorPool:
    """Evaluator processes for one set of limits; each caller thread takes one of its own."""

    def __init__(self, limits: ScriptLimits, *, prestart: int = 1) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self._idle = [_Evaluator(limits) for _ in range(prestart)]

    def run(self, request: Request, helpers: Mapping[str, Callable[..., Any]]) -> Any:
        """Evaluate ``request`` in an evaluator process and return its reply."""
        for attempt in (1, 2):
            evaluator = self._take()
            try:
                evaluator.wait_ready()
                return evaluator.serve(request, helpers)
            except _Gone:
                if attempt == 2:
                    raise LiaisonError("the script evaluators keep stopping") from None
            finally:
                if not evaluator.alive:  # killed, dead or retired: start its replacement now
                    evaluator.stop()
                    evaluator = _Evaluator(self.limits)
                self._give_back(evaluator)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for evaluator in idle:
            evaluator.stop()

    def _take(self) -> _Evaluator:
        with self._lock:
            if self._owner != os.getpid():  # forked: those connections belong to the parent
                self._idle, self._owner = [], os.getpid()
            while self._idle:
                evaluator = self._idle.pop()
                if evaluator.alive:
                    return evaluator
        return _Evaluator(self.limits)

    def _give_back(self, evaluator: _Evaluator) -> None:
        with self._lock:
            if self._owner == os.getpid() and evaluator.alive and len(self._idle) < KEEP_IDLE:
                self._idle.append(evaluator)
                return
        evaluator.stop()


_POOLS: dict[tuple[float, int], EvaluatorPool] = {}
_POOLS_LOCK = threading.Lock()


def evaluator_pool(limits: ScriptLimits) -> EvaluatorPool:
    """The pool for these CPU and memory limits, shared by every runtime in this process."""
    key = (limits.seconds, limits.memory_mb)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None or pool._owner != os.getpid():
            pool = _POOLS[key] = EvaluatorPool(ScriptLimits(limits.seconds, limits.memory_mb))
        return pool


@atexit.register
def _stop_evaluators() -> None:
    for pool in list(_POOLS.values()):
        if pool._owner == os.getpid():
            pool.close()
