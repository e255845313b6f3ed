"""Run ``liaison`` commands as real processes on a test's database, and kill them hard.

Each command gets a process group of its own, so one SIGKILL takes down a
gunicorn master and all its workers at once, as a power cut would, and
nothing else on the machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

from engine.system import System

LIAISON = str(Path(sys.executable).with_name("liaison"))
# Starting gunicorn deploys the shipped processes first; a slow, shared machine needs time.
READY_WITHIN = 120.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class ProcessGroup:
    """One started command, the leader of its own process group, logging to a file."""

    popen: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL every process in the group and reap the leader."""
        # While the leader lives, the group id is ours and cannot name anyone else's group.
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Launcher:
    """Start ``liaison`` commands on ``system``'s database; ``stop_all`` kills what is left."""

    system: System
    logs: Path
    started: list[ProcessGroup] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ,
                "LIAISON_DATABASE_URL": self.system.db.url.render_as_string(False),
                "LIAISON_INSTANCE_PATH": str(self.system.settings.instance_path)}

    def start(self, *args: str) -> ProcessGroup:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"{len(self.started)}-{args[0]}.log"
        with log.open("wb") as sink:
            popen = subprocess.Popen([LIAISON, *args], env=self.env, stdout=sink,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        group = ProcessGroup(popen, log)
        self.started.append(group)
        return group

    def serve(self, port: int, *, workers: int) -> ProcessGroup:
        """Start gunicorn with ``workers`` web processes, no timer worker; wait for it."""
        group = self.start("serve", "--port", str(port), "--workers", str(workers),
                           "--no-embedded-worker")
        wait_until_healthy(group, f"http://127.0.0.1:{port}")
        return group

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a command to its end (killed if it overruns ``timeout``)."""
        return subprocess.run([LIAISON, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, start_new_session=True, check=False)

    def stop_all(self) -> None:
        for group in self.started:
            group.kill()


def wait_until_healthy(group: ProcessGroup, base: str) -> None:
    """Poll ``/healthz`` until it answers 200, failing at once if the server exits."""
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if group.popen.poll() is not None:
            raise AssertionError(f"the server exited with {group.popen.returncode}:\n"
                                 f"{group.output()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, HTTPException):
            pass  # not listening yet
        time.sleep(0.1)  # a readiness poll: there is nothing to wait on but the socket
    raise AssertionError(f"the server did not answer within {READY_WITHIN:.0f}s:\n"
                         f"{group.output()}")
