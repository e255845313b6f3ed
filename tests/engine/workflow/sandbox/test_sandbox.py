"""The script sandbox: ordinary BPMN Python works, escapes are refused, runaways stop."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.common.errors import ScriptBudgetExceeded, ScriptError, ScriptRefused
from engine.workflow.sandbox.script_engine import (
    SandboxedScriptEngine,
    ScriptEnvironment,
    check_script,
    make_script_engine,
)


@pytest.fixture
def env() -> ScriptEnvironment:
    return ScriptEnvironment()


@pytest.fixture
def tight() -> ScriptEnvironment:
    """A small budget, so runaway scripts are stopped within milliseconds."""
    return ScriptEnvironment(step_budget=5_000, time_budget=0.5)


# --- ordinary scripts ---------------------------------------------------------------------


def test_script_sets_variables_and_leaves_plain_data(env: ScriptEnvironment,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = {"amount": 750, "unit": "B-12", "items": [3, 1, 2], "counts": {"leak": 1}}
    env.execute(
        "approved = amount < 1000\n"
        "level = 'manager' if amount > 500 else 'clerk'\n"
        "squares = [i * i for i in sorted(items)]\n"
        "pairs = {str(i): n for i, n in enumerate(items)}\n"
        "total = 0\n"
        "for a, b in zip(items, items):\n"
        "    total += a * b\n"
        "counts['leak'] += 2\n"
        "counts['noise'] = counts.get('noise', 0) + 1\n"
        "note = f'{unit}: {amount:,.2f}'\n"
        "double = lambda n: n * 2\n"
        "def half(n):\n"
        "    return n / 2\n"
        "sizes = [double(total), half(total)]\n"
        "print('debugging', total)\n"
        "seen = set(items)\n"
        "distinct = len(seen)\n"
        "del seen\n",
        data,
    )
    assert data == {
        "amount": 750, "unit": "B-12", "items": [3, 1, 2], "counts": {"leak": 3, "noise": 1},
        "approved": True, "level": "manager", "squares": [1, 4, 9],
        "pairs": {"0": 3, "1": 1, "2": 2}, "total": 14, "a": 2, "b": 2,
        "note": "B-12: 750.00", "sizes": [28, 7.0], "distinct": 3,
    }
    json.dumps(data)  # no functions, guards, builtins or modules left behind
    assert capsys.readouterr() == ("", "")  # print() goes nowhere


def test_expressions_return_values_and_leave_data_alone(env: ScriptEnvironment) -> None:
    data = {"decision": "escalate", "amount": 120, "tags": ["roof", "leak"]}
    before = copy.deepcopy(data)
    assert env.evaluate('decision == "escalate"', data) is True
    assert env.evaluate('decision == "close"', data) is False
    assert env.evaluate("amount * 2 + len(tags)", data) == 242
    assert env.evaluate("[t.upper() for t in tags if t != 'roof']", data) == ["LEAK"]
    assert env.evaluate("(doubled := amount * 2) > 100", data) is True
    assert data == before


def test_data_objects_are_readable_but_not_written_back(env: ScriptEnvironment) -> None:
    data = {"amount": 5}
    env.execute("total = amount + budget", data, {"budget": 10})
    assert data == {"amount": 5, "total": 15}
    assert env.evaluate("amount", {"amount": 1}, {"amount": 2}) == 1  # task data wins


def test_helpers_are_callable_by_name() -> None:
    env = ScriptEnvironment({"business_days": lambda days: days * 7 // 5})
    data: dict[str, object] = {}
    env.execute("deadline_days = business_days(10)", data)
    assert data == {"deadline_days": 14}


@pytest.mark.parametrize("name", ["_secret", "open", "not a name", "class"])
def test_helper_names_that_scripts_could_not_use_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="helper"):
        ScriptEnvironment({name: len})


def test_date_classes_are_available(env: ScriptEnvironment) -> None:
    data: dict[str, object] = {}
    env.execute(
        "visit = datetime.strptime('2024-03-01', '%Y-%m-%d')\n"
        "due = (visit + timedelta(days=3)).date().isoformat()\n"
        "weekday = date(2024, 3, 1).strftime('%A')\n"
        "today_known = date.today() > date(2020, 1, 1)\n",
        data,
    )
    assert data["due"] == "2024-03-04"
    assert data["weekday"] == "Friday"
    assert data["today_known"] is True


@pytest.mark.parametrize(("source", "hint"), [
    ("visit = date(2024, 3, 1)", "isoformat"),
    ("owners = {'a', 'b'}", "sorted"),
    ("raw = 'abc'.encode()", "bytes"),
    ("loop = [1]\nloop.append(loop)", "contains itself"),
    ("big = 10 ** 5000", "too large to store"),  # the serializer could not write it
    ("rows = [1, -10 ** 5000]", "too large to store"),
])
def test_values_process_data_cannot_store_are_refused(env: ScriptEnvironment, source: str,
                                                      hint: str) -> None:
    data = {"kept": 1}
    with pytest.raises(ScriptError, match=hint):
        env.execute(source, data)
    assert data == {"kept": 1}


def test_a_failing_script_changes_no_variable(env: ScriptEnvironment) -> None:
    data = {"amount": 5}
    with pytest.raises(ScriptError):
        env.execute("approved = True\namount = 6\nratio = amount / 0", data)
    assert data == {"amount": 5}


def test_check_script_accepts_good_scripts_and_expressions() -> None:
    assert check_script("approved = amount < 1000\ncounts['x'] += 1") == []
    assert check_script('decision == "escalate"', mode="eval") == []
    assert check_script("approved = True", mode="eval") == [(1, "syntax error: invalid syntax")]


# --- errors in plain words ------------------------------------------------------------------


@pytest.mark.parametrize(("source", "message"), [
    ("a = 1\nb = x + 1", "line 2: name 'x' is not defined"),
    ("a = 1\nb = a / 0", "line 2: division by zero"),
    ("a = {}\nb = a['missing']", "line 2: there is no key 'missing'"),
    ("a = 1\nassert a == 2", "line 2: an assert statement failed"),
    ("def f(n):\n    return n.nope\nf(1)", "line 2: 'int' object has no attribute 'nope'"),
])
def test_script_failures_become_script_errors_with_the_line(env: ScriptEnvironment,
                                                            source: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        env.execute(source, {})
    assert type(caught.value) is ScriptError
    assert caught.value.message == message
    assert caught.value.line == int(message.split(":")[0].removeprefix("line "))


def test_a_syntax_error_is_a_script_error_with_its_line(env: ScriptEnvironment) -> None:
    with pytest.raises(ScriptError) as caught:
        env.execute("a = 1\nb = (", {})
    assert type(caught.value) is ScriptError
    assert caught.value.line == 2
    assert check_script("a = 1\nb = (")[0][0] == 2


# --- escapes --------------------------------------------------------------------------------

ESCAPES = [
    ("__import__('os')", 1),
    ("import os", 1),
    ("from os import path", 1),
    ("().__class__.__base__.__subclasses__()", 1),
    ("getattr(x, '__class__')", 1),
    ("'{0.__class__}'.format(1)", 1),
    ("open('/tmp/x', 'w')", 1),
    ("eval('1')", 1),
    ("exec('1')", 1),
    ("type(1)", 1),
    ("globals()", 1),
    ("x.__dict__", 1),
    ("_secret = 1", 1),
    ("f = lambda: 0\ng = f.__globals__", 2),
    ("def f():\n    pass\nbuiltins = f.__globals__['__builtins__']", 3),
    ("[c for c in ().__class__.__mro__]", 1),
    ("classes = int.mro()", 1),
    ("def gen():\n    yield 1\nframe = gen().gi_frame", 3),
    ("class Sneaky:\n    pass", 1),
    ("vars(x)", 1),
    ("dir(x)", 1),
    ("locals()", 1),
    ("compile('1', 'f', 'eval')", 1),
    ("'{}'.format_map({})", 1),
    ("__builtins__['open']", 1),
    ("x.__init__.__globals__", 1),
    ("f = lambda: 0\ncode = f.__code__", 2),
    ("try:\n    1 / 0\nexcept Exception as e:\n    frame = e.__traceback__.tb_frame", 4),
    ("def gen():\n    yield 1\ncaller = gen().gi_frame.f_back", 3),
    ("text = f'{x.__class__}'", 1),
    ("text = f'{x.__init__.__globals__}'", 1),
    ("text = '{x.__init__.__globals__}'.format(x=x)", 1),
    ("text = str.format('{0.__class__}', x)", 1),
    ("text = getattr(x, '__subclasses__')", 1),
    ("ok = hasattr(x, 'real')", 1),
    ("breakpoint()", 1),
    ("found = builtins", 1),
]


@pytest.mark.parametrize(("source", "line"), ESCAPES)
def test_escape_is_refused_at_run_time(env: ScriptEnvironment, source: str, line: int) -> None:
    data = {"x": 1}
    with pytest.raises(ScriptRefused) as caught:
        env.execute(source, data)
    assert caught.value.line == line
    assert data == {"x": 1}


@pytest.mark.parametrize(("source", "line"), ESCAPES)
def test_escape_is_reported_at_deploy_time(source: str, line: int) -> None:
    problems = check_script(source)
    assert problems
    assert problems[0][0] == line
    assert all(reason for _, reason in problems)


@pytest.mark.parametrize(("source", "line"), [
    ("name = '__class__'\nk = getattr(x, name)", 2),
    ("method = 'form' + 'at'\nf = getattr('{0.__class__}', method)", 2),
    ("try:\n    k = getattr(x, '_' + '_class__')\nexcept Exception:\n    k = None", 2),
    ("name = 'm' + 'ro'\nclasses = getattr(int, name)()", 2),
    ("name = 'format_' + 'map'\nf = getattr('{0.__class__}', name)", 2),
    ("name = 'gi_' + 'frame'\nframe = getattr((i for i in [1]), name)", 2),
    ("name = 'join'\nf = getattr(str, name)", 2),  # unbound, it would skip the size check
    ("grow = getattr(list, 'extend')", 1),
    ("pack = getattr(int, 'to_bytes')", 1),
])
def test_dynamic_escapes_are_refused_even_when_caught(env: ScriptEnvironment, source: str,
                                                      line: int) -> None:
    with pytest.raises(ScriptRefused) as caught:
        env.execute(source, {"x": 1})
    assert caught.value.line == line


@pytest.mark.parametrize("name", ["os", "sys", "importlib", "operator", "bytearray", "bytes",
                                  "format", "object"])
def test_modules_and_risky_builtins_are_not_reachable_by_name(env: ScriptEnvironment,
                                                             name: str) -> None:
    with pytest.raises(ScriptError, match=f"name '{name}' is not defined"):
        env.execute(f"found = {name}", {})


def test_guards_cannot_be_shadowed_by_task_data(env: ScriptEnvironment) -> None:
    data = {"_getattr_": "not a guard", "_tick_": 0, "__builtins__": {"open": "x"}}
    env.execute("value = 'abc'.upper()", data)
    assert data["value"] == "ABC"
    assert data["_getattr_"] == "not a guard"


def test_no_escape_attempt_writes_a_file(env: ScriptEnvironment, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    attempts = [
        "open(path, 'w').write('x')",
        "with open(path, 'w') as f:\n    f.write('x')",
        "f = open\nf(path, 'w')",
        "import os\nos.system('touch ' + path)",
        "import pathlib\npathlib.Path(path).write_text('x')",
        "b = [c for c in ().__class__.__base__.__subclasses__()]",
        "g = getattr(open, '__call__')\ng(path, 'w')",
        "io = math.__loader__",
    ]
    for source in attempts:
        with pytest.raises(ScriptError):
            env.execute(source, {"path": str(target)})
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


# --- budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "while True:\n    pass",
    "for i in range(10**12):\n    pass",
    "total = sum(range(10**12))",
    "numbers = list(reversed(range(10**12)))",
    "numbers = [i for i in range(10**12)]",
    "r = range(4000)\nhit = any(a == b == c == -1 for a in r for b in r for c in r)",
    "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nf(60)",
    "def f(n):\n    return f(n + 1)\nf(0)",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nf(60)",
    "try:\n    while True:\n        pass\nexcept Exception:\n    survived = True",
    "text = 'x' * 10**10",
    "zeros = [0] * 10**9",
    "big = 2 ** 10**9",
    "big = 10**10**10",
    "big = pow(2, 10**9)",
    "big = 1 << 10**10",
    "text = 'x'\ntext *= 10**10",
    "box = {'t': 'x'}\nbox['t'] *= 10**10",
    "chunk = 'x' * 10**6\ntext = chunk + chunk",
    "chunk = 'x' * 10**6\nrows = [chunk] * 1000",
    "text = 'x'.ljust(10**10)",
    "text = f'{1:>10000000000}'",
    "text = '%10000000000d' % 1",
    "text = ''.join(['x' * 10**6] * 2)",
    "text = ''.join(str(i) * 1000 for i in range(10**3))",
    "text = ('x' * 1000).translate({120: 'y' * 10**6})",
    "packed = (0).to_bytes(10**10, 'big')",
    "rows = [0] * 10**6\nfor _ in range(40):\n    rows.extend(rows)",
    "rows = [0] * 10**6\nfor _ in range(40):\n    rows.extend(n for n in rows)",
    "rows = [0] * 10**6\nfor _ in range(40):\n    rows[:0] = rows",
    "rows = [0] * 10**6\nfor _ in range(40):\n    rows = [*rows, *rows]",
    "rows = [0] * 10**6\npair = (*rows, *rows)",
    "rows = [0] * 10**6\nprint(*rows, *rows)",
    "total = sum([[0]] * 10**6, [])",
    "rows = [10**4000] * 10**6\ntext = str(rows)",
    "row = [0] * 999\ntable = [row] * 999\ntext = repr([table] * 999)",
    "row = [0] * 999\ntable = [row] * 999\ntext = f'{table}'",
    "row = [0] * 999\ntable = [row] * 999\ntext = f'{table!r:>5}'",
    "row = [0] * 999\ntable = [row] * 999\ntext = '%s' % (table,)",
    "row = [0] * 999\ntable = [row] * 999\ntext = ascii({'t': table})",
    "big = pow(3, 2**20000, 2**20000 + 1)",
])
def test_runaway_scripts_are_stopped(tight: ScriptEnvironment, source: str) -> None:
    data: dict[str, object] = {}
    with pytest.raises(ScriptBudgetExceeded) as caught:
        tight.execute(source, data)
    assert caught.value.line is not None
    assert data == {}


def test_size_guards_leave_ordinary_scripts_alone(env: ScriptEnvironment) -> None:
    data = {"rows": [3, 1], "more": [2]}
    env.execute(
        "is_text = isinstance('a', str) and not isinstance(1, (str, float))\n"
        "shout = str.upper('a') + str(12) + repr([1]) + ascii('é')\n"
        "joined = [*rows, *more]\n"
        "pair = (*more, 9)\n"
        "biggest = max(*rows)\n"
        "flat = sum([rows, more], [])\n"
        "rows[1:1] = [7, 8]\n"
        "more.extend(n * 2 for n in [2])\n"
        "swapped = 'xax'.translate({120: 'yz'})\n"
        "packed = len((5).to_bytes(2, 'big'))\n"
        "remainder = pow(3, 5, 7)\n"
        "note = f'{rows} {more!r:>8}' + '%s' % (more,)\n",
        data)
    assert data == {
        "rows": [3, 7, 8, 1], "more": [2, 4], "is_text": True, "shout": "A12[1]'\\xe9'",
        "joined": [3, 1, 2], "pair": (2, 9), "biggest": 3, "flat": [3, 1, 2],
        "swapped": "yzayz", "packed": 2, "remainder": 5,
        "note": "[3, 7, 8, 1]   [2, 4][2, 4]",
    }


def test_an_error_carrying_a_huge_value_is_reported_briefly(env: ScriptEnvironment) -> None:
    with pytest.raises(ScriptError) as caught:
        env.execute("row = [0] * 999\ntable = [row] * 999\nraise ValueError(table)", {})
    assert caught.value.message == \
        "line 3: the script raised ValueError with a value too long to show"


def test_the_time_budget_stops_a_script_with_steps_to_spare() -> None:
    env = ScriptEnvironment(step_budget=10**12, time_budget=0.05)
    with pytest.raises(ScriptBudgetExceeded, match="longer than"):
        env.execute("while True:\n    pass", {})


def test_budget_works_outside_the_main_thread(tight: ScriptEnvironment) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(tight.execute, "while True:\n    pass", {})
        with pytest.raises(ScriptBudgetExceeded):
            future.result(timeout=10)


def test_ordinary_loops_fit_in_the_default_budget(env: ScriptEnvironment) -> None:
    data = {"rows": [{"unit": f"A-{i}", "cost": i} for i in range(2000)]}
    env.execute("total = 0\nfor row in rows:\n    total += row['cost']\n"
                "flags = [r['unit'] for r in rows if r['cost'] > 1990]", data)
    assert data["total"] == sum(range(2000))
    assert data["flags"] == [f"A-{i}" for i in range(1991, 2000)]


# --- services -------------------------------------------------------------------------------


def test_call_service_passes_evaluated_params_and_returns_the_result() -> None:
    env = ScriptEnvironment(services={"add": lambda a, b: {"sum": a + b}})
    result = env.call_service({}, operation_name="add",
                              operation_params={"a": {"value": 2, "type": "int"},
                                                "b": {"value": 3, "type": "int"}})
    assert json.loads(result) == {"sum": 5}  # JSON: SpiffWorkflow's ServiceTask json.loads it


def test_call_service_with_an_unknown_name_is_a_script_error() -> None:
    env = ScriptEnvironment(services={"add": lambda a, b: a + b})
    with pytest.raises(ScriptError, match="no service named 'subtract'"):
        env.call_service({}, operation_name="subtract", operation_params={})


def test_a_failing_service_is_a_script_error() -> None:
    def broken() -> None:
        raise RuntimeError("owner registry is down")

    env = ScriptEnvironment(services={"lookup": broken})
    with pytest.raises(ScriptError, match="owner registry is down"):
        env.call_service({}, operation_name="lookup", operation_params={})


# --- through SpiffWorkflow ------------------------------------------------------------------

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


def _workflow(elements: str, engine: SandboxedScriptEngine | None = None) -> BpmnWorkflow:
    xml = (f'<bpmn:definitions {NS} id="defs" targetNamespace="http://liaison.test">'
           f'<bpmn:process id="proc" isExecutable="true">{elements}</bpmn:process>'
           f'</bpmn:definitions>')
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml)
    return BpmnWorkflow(parser.get_spec("proc"), script_engine=engine or make_script_engine())


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>'
            f'</bpmn:sequenceFlow>')


def _script_process(script: str) -> BpmnWorkflow:
    return _workflow(
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:scriptTask id="compute"><bpmn:script>{escape(script)}</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:endEvent id="end"/>'
        + _flow("f1", "start", "compute") + _flow("f2", "compute", "end"))


def _task_data(workflow: BpmnWorkflow, bpmn_id: str) -> dict[str, object]:
    [task] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == bpmn_id]
    return dict(task.data)


def test_script_task_sets_data_in_a_real_workflow() -> None:
    workflow = _script_process("amount = 1200\napproved = amount < 1000\n"
                               "reviewers = [r for r in ['lisa', 'tom'] if r != 'tom']")
    workflow.do_engine_steps()
    assert workflow.is_completed()
    data = _task_data(workflow, "compute")
    assert data == {"amount": 1200, "approved": False, "reviewers": ["lisa"]}
    json.dumps(data)


def test_escaping_script_task_is_refused_with_its_element_and_line() -> None:
    workflow = _script_process("amount = 1\nleak = ().__class__.__base__.__subclasses__()")
    with pytest.raises(ScriptRefused) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "compute"
    assert caught.value.line == 2


def test_runtime_refusal_in_a_script_task_keeps_its_element_and_line() -> None:
    workflow = _script_process("name = '__globals__'\nf = lambda: 1\ng = getattr(f, name)")
    with pytest.raises(ScriptRefused) as caught:
        workflow.do_engine_steps()
    assert (caught.value.element_id, caught.value.line) == ("compute", 3)


def test_runaway_script_task_is_stopped_with_its_element() -> None:
    workflow = _workflow(
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="spin"><bpmn:script>while True:\n    pass</bpmn:script>'
        '</bpmn:scriptTask><bpmn:endEvent id="end"/>'
        + _flow("f1", "start", "spin") + _flow("f2", "spin", "end"),
        make_script_engine(step_budget=1_000, time_budget=0.5))
    with pytest.raises(ScriptBudgetExceeded) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "spin"


def _gateway_process(condition: str) -> BpmnWorkflow:
    return _workflow(
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="decide"><bpmn:script>decision = "escalate"</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:exclusiveGateway id="route" default="to_normal"/>'
        '<bpmn:scriptTask id="escalate"><bpmn:script>path = "escalated"</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:scriptTask id="normal"><bpmn:script>path = "normal"</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:endEvent id="end_escalated"/><bpmn:endEvent id="end_normal"/>'
        + _flow("f1", "start", "decide") + _flow("f2", "decide", "route")
        + _flow("to_escalate", "route", "escalate", condition)
        + _flow("to_normal", "route", "normal")
        + _flow("f3", "escalate", "end_escalated") + _flow("f4", "normal", "end_normal"))


def test_gateway_condition_routes_through_the_sandbox() -> None:
    workflow = _gateway_process('decision == "escalate"')
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert _task_data(workflow, "escalate")["path"] == "escalated"


def test_escaping_gateway_condition_is_refused_with_the_gateway_id() -> None:
    workflow = _gateway_process('decision == "escalate" and ().__class__.__bases__')
    with pytest.raises(ScriptRefused) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "route"
    assert caught.value.line == 1


def test_escaping_pre_script_is_refused_with_its_element() -> None:
    workflow = _workflow(
        '<bpmn:startEvent id="start"/>'
        '<bpmn:task id="prepare"><bpmn:extensionElements>'
        '<spiffworkflow:preScript>import os</spiffworkflow:preScript>'
        '</bpmn:extensionElements></bpmn:task>'
        '<bpmn:endEvent id="end"/>'
        + _flow("f1", "start", "prepare") + _flow("f2", "prepare", "end"))
    with pytest.raises(ScriptRefused) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "prepare"


def _service_process(param: str, engine: SandboxedScriptEngine) -> BpmnWorkflow:
    return _workflow(
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="setup"><bpmn:script>unit_no = "B-12"</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:serviceTask id="lookup"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="owner_lookup" resultVariable="owner">'
        '<spiffworkflow:parameters>'
        f'<spiffworkflow:parameter id="unit" type="str" value={quoteattr(param)}/>'
        '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
        '</bpmn:extensionElements></bpmn:serviceTask>'
        '<bpmn:endEvent id="end"/>'
        + _flow("f1", "start", "setup") + _flow("f2", "setup", "lookup")
        + _flow("f3", "lookup", "end"),
        engine)


def test_service_task_calls_the_registered_service() -> None:
    engine = make_script_engine(services={
        "owner_lookup": lambda unit: {"unit": unit, "owner": "Jansen"}})
    workflow = _service_process("unit_no", engine)
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert _task_data(workflow, "lookup")["owner"] == {"unit": "B-12", "owner": "Jansen"}


def test_service_task_with_an_unknown_service_names_its_element() -> None:
    workflow = _service_process("unit_no", make_script_engine())
    with pytest.raises(ScriptError, match="owner_lookup") as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "lookup"


def test_escaping_service_parameter_is_refused() -> None:
    engine = make_script_engine(services={"owner_lookup": lambda unit: unit})
    workflow = _service_process("unit_no.__class__", engine)
    with pytest.raises(ScriptRefused) as caught:
        workflow.do_engine_steps()
    assert caught.value.element_id == "lookup"
