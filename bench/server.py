"""A real Liaison server for the HTTP benchmarks, and clients that keep their connection.

The server is ``liaison serve`` (gunicorn, gthread) in its own process group
on a free port, with the timer worker off so that only requests load it. Its
peak memory is read from ``/proc`` (``VmHWM`` of the master and every web
process) before it stops.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.common.settings import PROJECT_ROOT


def web_processes(database_url: str) -> int:
    """SQLite: one web process, as ``liaison serve`` runs it; PostgreSQL: one per core."""
    return 1 if database_url.startswith("sqlite") else max(2, os.cpu_count() or 2)
READY_WITHIN = 60.0


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    peak_rss: dict[int, int] = field(default_factory=dict)  # pid -> peak kB

    def sample_memory(self) -> None:
        """Remember each process's high-water mark; a worker that exits keeps its last one."""
        for pid in [self.process.pid, *_children(self.process.pid)]:
            peak = _peak_kb(pid)
            if peak:
                self.peak_rss[pid] = max(peak, self.peak_rss.get(pid, 0))

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def peak_rss_mb(self) -> float:
        return sum(self.peak_rss.values()) / 1024


@contextmanager
def serving(database_url: str, instance_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "LIAISON_DATABASE_URL": database_url,
           "LIAISON_INSTANCE_PATH": str(instance_path), "LIAISON_EMBEDDED_WORKER": "0"}
    command = [str(Path(sys.executable).with_name("liaison")), "serve", "--port", str(port),
               "--workers", str(web_processes(database_url)), "--no-embedded-worker"]
    log = instance_path / f"server-{port}.log"
    with log.open("wb") as errors:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=errors)
    server = Server(port, process, log)
    try:
        _wait_ready(server)
        yield server
        server.sample_memory()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Client:
    """One keep-alive connection acting with one bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             expect: int = 200) -> tuple[Any, float]:
        """The JSON answer and the seconds it took; an unexpected status stops the run."""
        started = time.perf_counter()
        self.connection.request(method, "/api/v1" + path, headers=self.headers,
                                body=None if body is None else json.dumps(body))
        response = self.connection.getresponse()
        payload = response.read()
        took = time.perf_counter() - started
        if response.status != expect:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None, took

    def close(self) -> None:
        self.connection.close()


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{server.log_tail()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                connection.close()
                return
        except OSError:
            time.sleep(0.2)  # polling a starting server: there is no event to wait on
    raise RuntimeError(f"the server did not answer within {READY_WITHIN:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in listed]


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
