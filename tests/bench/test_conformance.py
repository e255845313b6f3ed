"""The conformance run over a few synthesised files, one for each kind of outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.conformance import main, run_corpus
from bench.conformance_check import Outcome
from tests.support.diagrams import chain, line_of, script_task

TIMER = ('<bpmn:intermediateCatchEvent id="{id}"><bpmn:timerEventDefinition>'
         "<bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>"
         "</bpmn:intermediateCatchEvent>")
FILES = {
    "runs.bpmn": chain("runs", script_task("count", "total = 1 + 1")),
    "waits.bpmn": chain("waits", TIMER.format(id="an_hour", duration="PT1H")),
    "modeler/not_executable.bpmn": chain("not_executable").replace(
        'isExecutable="true"', 'isExecutable="false"'),
    "modeler/juel.bpmn": chain("juel", TIMER.format(id="juel_delay", duration="${delay}")),
    "malformed.bpmn": chain("malformed").replace("</bpmn:process>", "</bpmn:proces>"),
    "self_calling.bpmn": chain(
        "self_calling", '<bpmn:callActivity id="again" calledElement="self_calling"/>'),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, xml in FILES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(xml, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outcomes(corpus: Path) -> dict[str, Outcome]:
    return {outcome.file: outcome for outcome in run_corpus(corpus)}


def test_every_file_ends_in_exactly_one_outcome(outcomes: dict[str, Outcome]) -> None:
    assert {name: outcome.label for name, outcome in outcomes.items()} == {
        "malformed.bpmn": "rejected: malformed XML",
        "modeler/juel.bpmn": "rejected: non-Python expression language",
        "modeler/not_executable.bpmn": "rejected: not executable",
        "runs.bpmn": "ran to completion",
        "self_calling.bpmn": "deployed (stopped by the step budget)",
        "waits.bpmn": "deployed (waits for a timer)",
    }


@pytest.mark.parametrize(("name", "element", "marker", "phrase"), [
    ("modeler/juel.bpmn", "juel_delay", 'id="juel_delay"', "JUEL/FEEL expression"),
    ("modeler/not_executable.bpmn", "not_executable", "<bpmn:process ", "is not executable"),
])
def test_rejection_names_file_element_line_and_reason(
        outcomes: dict[str, Outcome], name: str, element: str, marker: str,
        phrase: str) -> None:
    line = line_of(FILES[name], marker)
    assert outcomes[name].detail.startswith(f"{name}:{line} [{element}]: ")
    assert phrase in outcomes[name].detail


def test_malformed_file_is_located_by_line(outcomes: dict[str, Outcome]) -> None:
    line = line_of(FILES["malformed.bpmn"], "</bpmn:proces>")
    assert outcomes["malformed.bpmn"].detail.startswith(
        f"malformed.bpmn:{line}: the file is not well-formed XML")


def test_self_calling_process_is_stopped_by_the_step_budget(
        outcomes: dict[str, Outcome]) -> None:
    assert "ran more than 500 steps" in outcomes["self_calling.bpmn"].detail


def test_waiting_process_says_where(outcomes: dict[str, Outcome]) -> None:
    line = line_of(FILES["waits.bpmn"], 'id="an_hour"')
    assert outcomes["waits.bpmn"].detail == f"waits at an_hour (line {line})"


def test_main_prints_the_table_and_passes(corpus: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(corpus)]) == 0
    printed = capsys.readouterr().out
    assert "6 files: 3 deployed (of which 1 ran to completion), 3 rejected, 0 failed" in printed
    assert "    1  deployed (waits for a timer)\n" in printed


def test_main_fails_on_an_empty_or_missing_corpus(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 1
    assert main([str(tmp_path / "nowhere")]) == 2
