"""An evaluator process: run the sandboxed code it is sent, within limits the OS enforces.

``sandbox.pool`` starts it as ``python -m engine.workflow.sandbox.evaluator FD
SECONDS MEMORY_MB`` and talks to it over the socket FD. Its address space is
capped once at start (what it has then, plus MEMORY_MB); its processor time
is capped before each evaluation (what it has used, plus SECONDS). A script
that runs out of memory gets a MemoryError here; past the CPU limit the
kernel kills the process, and the pool starts another.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from engine.common.errors import ScriptBudgetExceeded, ScriptError
from engine.workflow.sandbox.limits import data_cap_exceeded
from engine.workflow.sandbox.pool import Request
from engine.workflow.sandbox.script_engine import ScriptEnvironment

_MISSING = object()
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_MB = 1024 * 1024


def _address_space() -> int:
    """Bytes of address space this process has mapped (Linux), else 0."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _limit_memory(memory_mb: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY
                                            else min(limit, hard), hard))


def _limit_cpu(seconds: float) -> None:
    # RLIMIT_CPU counts the whole life of the process, in whole seconds.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (limit if hard == resource.RLIM_INFINITY
                                             else min(limit, hard), hard))


def _call_back(connection: Connection, name: str) -> Callable[..., Any]:
    """A helper that runs in the parent process, inside its transaction."""
    def helper(*args: Any, **kwargs: Any) -> Any:
        connection.send_bytes(pickle.dumps(("call", name, args, kwargs)))
        kind, value = connection.recv()
        if kind == "raise":
            raise ScriptError(value)
        return value
    return helper


class Evaluator:
    """The loop of one evaluator process: a request in, a reply out."""

    def __init__(self, connection: Connection, seconds: float, memory_mb: int) -> None:
        self.connection = connection
        self.seconds = seconds
        self.out_of_memory = f"the script used more than {memory_mb} MB of memory"
        self.environments: dict[tuple[Any, ...], ScriptEnvironment] = {}
        self.retire_above = _address_space() + memory_mb * _MB // 4
        self.retiring = False

    def environment(self, request: Request) -> ScriptEnvironment:
        key = (request.step_budget, request.data_limit, request.helpers)
        env = self.environments.get(key)
        if env is None:
            env = self.environments[key] = ScriptEnvironment(
                {name: _call_back(self.connection, name) for name in request.helpers},
                step_budget=request.step_budget, time_budget=self.seconds,
                data_limit=request.data_limit, out_of_memory=self.out_of_memory)
        return env

    def answer(self, request: Request) -> Any:
        env = self.environment(request)
        if request.mode == "eval":
            value = env.evaluate(request.source, request.context, request.external)
            problem = (data_cap_exceeded(value, request.data_limit)
                       if request.data_limit is not None else None)
            if problem is not None:
                raise problem
            return value
        context = request.context
        before = dict(context)
        env.execute(request.source, context, request.external)
        removed = [key for key in before if key not in context]
        # Lists and dicts go back whole: the script may have changed them in place.
        updates = {key: value for key, value in context.items()
                   if before.get(key, _MISSING) is not value or type(value) not in _IMMUTABLE}
        return removed, updates

    def reply(self, request: Request) -> bytes:
        try:
            value = self.answer(request)
            return pickle.dumps(("ok", value, self.retire(self.worn_out())))
        except ScriptError as err:
            return self.error(err)
        except MemoryError:
            return self.error(ScriptBudgetExceeded(self.out_of_memory,
                                                   message_code="scripts.out_of_memory"))
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            return self.error(ScriptError(f"the value cannot be handed back: {err}"))

    def error(self, err: ScriptError) -> bytes:
        # After a MemoryError the process may be in any state: retire it.
        retire = self.retire(err.message.endswith(self.out_of_memory) or self.worn_out())
        # The code and its parameters go along, so the parent words the message for people.
        # Whether it retires stays last: the parent reads every reply's last item for it.
        return pickle.dumps(("error", err.code, err.message, err.line, err.message_code,
                             dict(err.params), retire))

    def retire(self, retiring: bool) -> bool:
        self.retiring = retiring
        return retiring

    def worn_out(self) -> bool:
        """Tell whether a script grew this process so much that later ones would have less.

        The allocator keeps much of what a large script freed, and RLIMIT_AS counts it.
        """
        return _address_space() > self.retire_above

    def run(self) -> None:
        self.connection.send_bytes(pickle.dumps(("ready",)))
        while True:
            try:
                request = Request(*self.connection.recv())
            except EOFError:
                return
            _limit_cpu(self.seconds)
            self.retiring = False
            self.connection.send_bytes(self.reply(request))
            if self.retiring:
                return


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a CPU overrun must not write a core file
    fd, seconds, memory_mb = int(argv[1]), float(argv[2]), int(argv[3])
    connection = Connection(fd)
    _limit_memory(memory_mb)
    Evaluator(connection, seconds, memory_mb).run()


if __name__ == "__main__":
    main(sys.argv)
