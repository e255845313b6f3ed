"""The limits an installation sets for BPMN Python, read from its environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.common.settings import Settings
from engine.system import build_system, script_limits
from engine.workflow.sandbox.limits import ScriptLimits


def test_an_installation_sets_its_script_limits_through_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "LIAISON_INSTANCE_PATH": str(tmp_path), "LIAISON_SCRIPT_SECONDS": "0.5",
        "LIAISON_SCRIPT_MEMORY_MB": "128", "LIAISON_INSTANCE_DATA_LIMIT_KB": "64"})
    assert script_limits(settings) == ScriptLimits(seconds=0.5, memory_mb=128,
                                                   data_limit_kb=64)
    environment = build_system(settings).rt.script_engine.environment
    assert environment.evaluators.limits.seconds == 0.5
    assert environment.evaluators.limits.memory_mb == 128
    assert environment.data_limit == 64 * 1024


def test_without_settings_a_script_gets_two_seconds_256_mb_and_1_mb_of_data() -> None:
    assert script_limits(Settings.from_env({})) == ScriptLimits(seconds=2.0, memory_mb=256,
                                                                data_limit_kb=1024)


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("LIAISON_SCRIPT_SECONDS", "soon", "LIAISON_SCRIPT_SECONDS must be a number"),
    ("LIAISON_SCRIPT_SECONDS", "0", "LIAISON_SCRIPT_SECONDS must be more than 0"),
    ("LIAISON_SCRIPT_MEMORY_MB", "1.5", "LIAISON_SCRIPT_MEMORY_MB must be a number"),
    ("LIAISON_SCRIPT_MEMORY_MB", "16", "LIAISON_SCRIPT_MEMORY_MB must be at least 32"),
    ("LIAISON_INSTANCE_DATA_LIMIT_KB", "-1", "must be more than 0"),
])
def test_a_limit_that_makes_no_sense_is_refused_by_name(name: str, value: str,
                                                       reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Settings.from_env({name: value})
