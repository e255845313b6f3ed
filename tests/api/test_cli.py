"""The ``liaison`` command, run as a new user would, against its own SQLite file."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.common.settings import PROJECT_ROOT

LIAISON = str(Path(sys.executable).with_name("liaison"))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"LIAISON_INSTANCE_PATH": str(tmp_path / "instance")}
    monkeypatch.delenv("LIAISON_DATABASE_URL", raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_db_upgrade_creates_the_sqlite_file_in_the_instance_folder(env: dict[str, str]) -> None:
    code, out = run("db", "upgrade")
    assert code == 0, out
    assert (Path(env["LIAISON_INSTANCE_PATH"]) / "liaison.sqlite3").exists()
    assert run("db", "upgrade")[0] == 0  # again: nothing to do, no error


def test_every_shipped_process_validates(env: dict[str, str]) -> None:
    run("db", "upgrade")
    code, out = run("processes", "validate", str(PROJECT_ROOT / "processes"))
    assert code == 0, out
    assert "valid" in out


def test_validate_names_element_line_and_reason(env: dict[str, str], tmp_path: Path) -> None:
    run("db", "upgrade")
    folder = tmp_path / "processes"
    folder.mkdir()
    shutil.copy(PROJECT_ROOT / "processes" / "routine_repair.bpmn", folder)
    bad = (folder / "routine_repair.bpmn").read_text().replace(
        'priority = "high"', 'import os\npriority = "high"')
    (folder / "routine_repair.bpmn").write_text(bad)
    shutil.copytree(PROJECT_ROOT / "forms", tmp_path / "forms")
    code, out = run("processes", "validate", str(folder / "routine_repair.bpmn"))
    assert code == 1
    assert "set_priority" in out and "import" in out.lower()
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "import os" in text)
    assert f":{line}" in out


def test_deploy_twice_keeps_one_version(env: dict[str, str]) -> None:
    run("db", "upgrade")
    path = str(PROJECT_ROOT / "processes")
    code, first = run("processes", "deploy", path, "--note", "first")
    assert code == 0 and "routine_repair: version 1 (deployed)" in first
    assert "routine_repair: version 1 (unchanged)" in run("processes", "deploy", path)[1]


def test_demo_loads_once_and_prints_the_sign_ins(env: dict[str, str]) -> None:
    run("db", "upgrade")
    code, out = run("demo")
    assert code == 0 and "demo data loaded" in out
    assert "clerk-demo" in out and "supervisor-demo" in out
    assert "demo data already present" in run("demo")[1]


def test_return_visits_open_last_month_on_the_demo_data_once(env: dict[str, str]) -> None:
    from datetime import UTC, datetime

    from engine.common.clock import office_zone
    from engine.return_visits.orders import Month

    run("db", "upgrade")
    assert "work orders completed last month" in run("demo")[1]
    last = str(Month.of(datetime.now(UTC), office_zone()).previous)
    code, out = run("return-visits", "open", "--month", last, "--json")
    assert code == 0, out
    opened = json.loads(out.strip().splitlines()[-1])
    assert set(opened) == {"month", "completed_orders", "sampled"}
    assert opened["month"] == last and opened["completed_orders"] >= 60
    assert opened["sampled"] >= -(-9 * opened["completed_orders"] // 10)
    code, out = run("return-visits", "open", "--month", last)
    assert code == 2 and "opened already" in out
    code, out = run("return-visits", "open", "--month", "2026-13")
    assert code == 2 and "YYYY-MM" in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(env: dict[str, str]) -> Iterator[str]:
    """``make run``'s three steps as subprocesses; yields the base URL."""
    port = _free_port()
    full_env = {**os.environ, **env, "LIAISON_PORT": str(port)}
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([LIAISON, *step], env=full_env, check=True, capture_output=True)
    server = subprocess.Popen([LIAISON, "serve"], env=full_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # waiting for a real server to start listening
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode() if server.stderr else "died")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=15)  # also closes the stderr pipe


def test_serve_answers_healthz_with_database_and_embedded_worker(served: str) -> None:
    import json

    deadline = time.monotonic() + 30
    while True:  # the embedded worker beats once its thread has made its first pass
        with urllib.request.urlopen(f"{served}/healthz", timeout=5) as response:
            body = json.loads(response.read())
            assert response.status == 200
        if body["worker"]["ok"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert body["database"]["ok"] is True
    assert body["worker"]["embedded"] is True and body["worker"]["ok"] is True
    assert body["worker"]["workers_alive"] == 1



def test_serve_answers_a_ten_thousand_character_tracking_link_with_our_own_page(
        served: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served}/track?code={'A' * 10_000}", timeout=10)

    assert refused.value.code == 400  # not gunicorn's bare 414 for a long request line
    page = refused.value.read().decode()
    assert "That is not a tracking code" in page and "<!doctype html>" in page.lower()


BROKEN = {
    "malformed XML": (('<bpmn:endEvent id="end_repaired" name="Repaired">', '<bpmn:endEvent id='),
                      "well-formed"),
    "DOCTYPE": (('<?xml version="1.0" encoding="UTF-8"?>',
                 '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                 '"file:///etc/passwd">]>'), "DOCTYPE"),
    "not executable": (('isExecutable="true"', 'isExecutable="false"'), "executable"),
    "JUEL condition": (('result == "repaired"', '${result == "repaired"}'), "JUEL/FEEL"),
    "dunder escape": (('priority = "high" if', 'x = ().__class__.__base__\npriority = "high" if'),
                      "set_priority"),
    "missing form": (('value="carry_out_repair.schema.json"', 'value="nowhere.schema.json"'),
                     "carry_out_repair"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_refuses_each_kind_of_broken_diagram(env: dict[str, str], tmp_path: Path,
                                                     case: str) -> None:
    (old, new), expected = BROKEN[case]
    folder = tmp_path / "processes"
    folder.mkdir()
    text = (PROJECT_ROOT / "processes" / "routine_repair.bpmn").read_text()
    assert old in text
    (folder / "routine_repair.bpmn").write_text(text.replace(old, new, 1))
    shutil.copytree(PROJECT_ROOT / "forms", tmp_path / "forms")
    code, out = run("processes", "validate", str(folder / "routine_repair.bpmn"))
    assert code == 1
    assert expected in out
    assert "routine_repair.bpmn:" in out  # file and line
    assert "Traceback" not in out


def test_validate_refuses_a_form_that_is_not_json_schema(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "processes", tmp_path / "processes")
    shutil.copytree(PROJECT_ROOT / "forms", tmp_path / "forms")
    (tmp_path / "forms" / "routine_repair" / "carry_out_repair.schema.json").write_text(
        '{"type": "nope"}')
    code, out = run("processes", "validate", str(tmp_path / "processes"))
    assert code == 1 and "carry_out_repair.schema.json" in out and "schema" in out.lower()


def test_schedules_and_incidents_are_listed_and_an_incident_retried(
        env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.diagrams import chain, script_task, user_task
    from tests.support.schedules import scheduled

    # An office far from UTC and from the default zone: every time printed is on its clock.
    monkeypatch.setenv("LIAISON_TIMEZONE", "America/New_York")
    run("db", "upgrade")
    folder = tmp_path / "processes"
    folder.mkdir()
    # The command runs on the wall clock: a cycle that starts far ahead keeps the test true.
    (folder / "yearly_survey.bpmn").write_text(
        scheduled("yearly_survey", "R/2099-01-01T09:00:00+08:00/P1Y"))
    (folder / "fees.bpmn").write_text(
        chain("fees", script_task("share", "share = total / households"), user_task("plan")))
    forms = tmp_path / "forms"
    for pid in ("yearly_survey", "fees"):
        (forms / pid).mkdir(parents=True)
        (forms / pid / "plan.schema.json").write_text('{"type": "object"}')
    assert run("processes", "deploy", str(folder))[0] == 0
    code, out = run("schedules")
    assert code == 0 and "yearly_survey/every_year" in out
    assert "next: 2098-12-31 20:00 -05:00 (America/New_York)" in out and "UTC" not in out

    assert run("incidents", "list") == (0, "no open incidents\n")
    from engine.common.settings import Settings
    from engine.system import build_system
    from engine.workflow.instances import start_instance

    system = build_system(Settings.from_env())
    with system.sessions() as session:
        start_instance(session, system.rt, process_id="fees", data={"total": 9, "households": 0})
        session.commit()
    code, out = run("incidents", "list")
    assert code == 0 and "#1  instance 1 at share" in out and "division by zero" in out
    assert re.search(r"  \d{4}-\d\d-\d\d \d\d:\d\d -0[45]:00 \(America/New_York\)\n", out), out

    code, out = run("incidents", "retry", "1", "--data", "[1]")
    assert code == 2 and "--data must be a JSON object" in out
    code, out = run("incidents", "retry", "1", "--data", '{"households": 3}')
    assert (code, out) == (0, "instance 1: running\n")
    code, out = run("incidents", "retry", "1")
    assert code == 1 and "already resolved by cli at " in out, out
    assert re.search(r"\d\d:\d\d -0[45]:00 \(America/New_York\)\.\n", out) and "UTC" not in out


def test_an_engine_incident_is_listed_in_the_language_asked_for(
        env: dict[str, str], tmp_path: Path) -> None:
    from engine.common.settings import Settings
    from engine.system import build_system
    from engine.workflow.instances import start_instance
    from tests.support.diagrams import chain, script_task, user_task

    run("db", "upgrade")
    folder = tmp_path / "processes"
    folder.mkdir()
    (folder / "tags.bpmn").write_text(
        chain("tags", script_task("collect", "tags = {'lift'}"), user_task("plan")))
    (tmp_path / "forms" / "tags").mkdir(parents=True)
    (tmp_path / "forms" / "tags" / "plan.schema.json").write_text('{"type": "object"}')
    assert run("processes", "deploy", str(folder))[0] == 0
    system = build_system(Settings.from_env())
    with system.sessions() as session:
        start_instance(session, system.rt, process_id="tags")
        session.commit()

    code, out = run("incidents", "list", "--language", "zh")
    assert code == 0 and "變數 tags 是 set，流程資料無法儲存" in out
    code, out = run("incidents", "list")
    assert code == 0 and "Variable tags holds a set, which process data cannot store" in out


def test_forms_check_passes_the_shipped_forms(env: dict[str, str]) -> None:
    code, output = run("forms", "check")
    assert code == 0, output
    assert "every label in every language" in output


def test_forms_split_then_check_asks_for_the_chinese_a_new_field_lacks(
        env: dict[str, str], tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms" / "owner_case", forms / "owner_case")
    triage = forms / "owner_case" / "triage.schema.json"
    schema = json.loads(triage.read_text(encoding="utf-8"))
    schema["properties"]["callback_at"] = {"type": "string", "format": "date-time",
                                           "title": "Call back at 回電時間"}
    triage.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")

    code, output = run("forms", "check", "--forms", str(forms))
    assert code == 1
    assert "liaison forms split owner_case/triage" in output

    code, output = run("forms", "split", "owner_case/triage", "--forms", str(forms))
    assert code == 0, output
    assert "owner_case/triage: moved 1 text(s)" in output
    assert "to do: owner_case/triage.zh.json: missing in Chinese: callback_at: title" in output
    english = json.loads((forms / "owner_case" / "triage.en.json").read_text(encoding="utf-8"))
    assert english["fields"]["callback_at"] == {"title": "Call back at"}

    code, output = run("forms", "check", "--forms", str(forms))
    assert code == 1
    assert output.splitlines()[0] == ("error: owner_case/triage.zh.json: missing in Chinese: "
                                      "callback_at: title")

    code, output = run("forms", "split", "owner_case/triage", "--forms", str(forms))
    assert code == 0 and "already split, nothing changed" in output


def test_forms_check_names_an_overlay_its_renamed_task_left_behind(
        env: dict[str, str], tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms" / "owner_case", forms / "owner_case")
    shutil.copy(forms / "owner_case" / "triage.zh.json", forms / "owner_case" / "sort.zh.json")

    code, output = run("forms", "check", "--forms", str(forms))
    assert code == 1
    assert output.splitlines() == [
        "error: owner_case/sort.zh.json: no form owner_case/sort.schema.json beside it: "
        "rename it with its task or delete it", "1 problem(s) found"]


def test_forms_split_names_a_form_that_does_not_exist(env: dict[str, str],
                                                      tmp_path: Path) -> None:
    code, output = run("forms", "split", "owner_case/nothing", "--forms", str(tmp_path))
    assert code == 1
    assert "error: owner_case/nothing: no form owner_case/nothing.schema.json" in output
