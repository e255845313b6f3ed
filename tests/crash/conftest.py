"""The crash suite: real server and worker processes on PostgreSQL, killed with SIGKILL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.system import System
from tests.support.process_groups import Launcher


@pytest.fixture
def liaison(system: System, tmp_path: Path) -> Iterator[Launcher]:
    """Start ``liaison`` commands on the test's database; whatever still runs is killed after."""
    launcher = Launcher(system, tmp_path / "logs")
    try:
        yield launcher
    finally:
        launcher.stop_all()  # before the tables are emptied: no process may outlive its test
