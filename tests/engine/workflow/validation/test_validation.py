"""Safe XML reading and process-definition validation."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from lxml import etree

from engine.common.errors import DefinitionError, Problem
from engine.workflow import xmlsafe
from engine.workflow.sandbox import script_engine as sandbox
from engine.workflow.validation.definitions import validate_definitions
from engine.workflow.xmlsafe import MAX_XML_BYTES, parse_xml
from tests.support.diagrams import line_of

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "demo_request.bpmn").read_text(encoding="utf-8")
FORMS = {f"demo_request/{p.name}": p.read_bytes()
         for p in sorted((FIXTURES / "forms" / "demo_request").iterdir())}
LANES = {"Front desk": "front_desk"}
FILE = "demo_request.bpmn"
SCHEMA_KEY = "demo_request/review.schema.json"
CONDITION = "approved == True and amount &lt; 1000"
SCRIPT = "approved_by = reviewer\napproved_count = len(items)"
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def variant(old: str, new: str, base: str = VALID) -> str:
    """Return the valid diagram with one piece of it replaced."""
    assert old in base, old
    return base.replace(old, new, 1)


def validate(xml: str | bytes, *, file: str = FILE, forms: dict[str, bytes] = FORMS,
             lane_roles: dict[str, str] | None = LANES, **options: object) -> list[Problem]:
    data = xml.encode() if isinstance(xml, str) else xml
    return validate_definitions({file: data}, forms=forms, lane_roles=lane_roles,
                                **options)  # type: ignore[arg-type]


def only(problems: list[Problem], phrase: str) -> Problem:
    """Return the single problem whose message contains the phrase."""
    found = [p for p in problems if phrase in p.message]
    assert len(found) == 1, problems
    return found[0]


def minimal(body: str, process_id: str = "demo_request") -> str:
    """Return a bare diagram around the given process body."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
            'id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">\n'
            f'  <bpmn:process id="{process_id}" isExecutable="true">\n{body}\n'
            "  </bpmn:process>\n</bpmn:definitions>\n")


# --- the happy path ---------------------------------------------------------

def test_valid_process_has_no_problems() -> None:
    assert validate(VALID) == []


def test_parse_xml_keeps_line_numbers() -> None:
    tree = parse_xml(VALID.encode(), file=FILE)
    task = tree.xpath("//*[@id='Task_review']")[0]
    assert task.sourceline == line_of(VALID, '<bpmn:userTask id="Task_review"')


# --- XML safety -------------------------------------------------------------

def test_malformed_xml_is_located() -> None:
    xml = variant("</bpmn:userTask>", "</bpmn:userTsk>")
    [problem] = validate(xml)
    line = line_of(xml, "</bpmn:userTsk>")
    assert (problem.file, problem.element_id, problem.line) == (FILE, None, line)
    assert "the file is not well-formed XML" in problem.message
    assert f"at line {line}" in problem.message


def test_doctype_is_refused() -> None:
    xml = variant("?>\n", "?>\n<!DOCTYPE bpmn:definitions>\n")
    assert validate(xml) == [Problem("DOCTYPE declarations are not allowed in process files",
                                     file=FILE, line=2)]


def test_external_entity_is_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    handed_to_libxml2: list[bytes] = []
    real_fromstring = etree.fromstring

    def spy(data: bytes, *args: object, **kwargs: object) -> etree._Element:
        handed_to_libxml2.append(data)
        return real_fromstring(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(xmlsafe.etree, "fromstring", spy)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        xml = variant("?>\n", (
            "?>\n<!DOCTYPE bpmn:definitions [\n"
            '  <!ENTITY passwd SYSTEM "file:///etc/passwd">\n'
            f'  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/canary">\n]>\n'))
        xml = variant("<bpmn:startEvent", "<bpmn:documentation>&passwd;&remote;"
                      "</bpmn:documentation>\n    <bpmn:startEvent", xml)
        problems = validate(xml)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody ever connected to fetch the remote entity
    assert [p.message for p in problems] == [
        "DOCTYPE declarations are not allowed in process files"]
    assert handed_to_libxml2 == []  # refused before any parser could open /etc/passwd
    assert not any("root:" in str(p) for p in problems)


def test_billion_laughs_is_refused_before_expansion() -> None:
    entities = ['  <!ENTITY lol0 "lol">'] + [
        f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    xml = variant("?>\n", "?>\n<!DOCTYPE lolz [\n" + "\n".join(entities) + "\n]>\n")
    xml = variant('name="Demo request" isExecutable', 'name="&lol9;" isExecutable', xml)
    [problem] = validate(xml)
    assert (problem.file, problem.line) == (FILE, 2)
    assert "DOCTYPE declarations are not allowed" in problem.message


def test_doctype_hidden_in_utf16_is_refused() -> None:
    xml = variant('encoding="UTF-8"?>\n', 'encoding="UTF-16"?>\n<!DOCTYPE x>\n')
    with pytest.raises(DefinitionError) as caught:
        parse_xml(xml.encode("utf-16"), file=FILE)
    assert caught.value.problems[0].line == 2
    assert "DOCTYPE" in caught.value.problems[0].message


def test_oversize_file_is_refused() -> None:
    xml = VALID + "<!--" + "x" * MAX_XML_BYTES + "-->"
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (FILE, None, None)
    assert problem.message == "file is larger than 5 MB"


def test_file_must_be_utf8() -> None:
    xml = variant('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        'name="Done"', 'name="Terminé"')
    [problem] = validate(xml.encode("latin-1"))
    assert (problem.file, problem.line) == (FILE, line_of(xml, "Terminé"))
    assert "UTF-8" in problem.message


# --- processes --------------------------------------------------------------

@pytest.mark.parametrize("flag", ['isExecutable="false"', ""])
def test_non_executable_process_is_refused(flag: str) -> None:
    xml = variant('isExecutable="true"', flag)
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "demo_request", line_of(xml, "<bpmn:process "))
    assert "is not executable" in problem.message


def test_process_id_must_match_file_name() -> None:
    problem = only(validate(VALID, file="owner_case.bpmn"), "does not match the file name")
    assert (problem.file, problem.element_id, problem.line) == (
        "owner_case.bpmn", "demo_request", line_of(VALID, "<bpmn:process "))
    assert validate(VALID, file="owner_case.bpmn", require_id_matches_file=False) == []


def test_file_without_process_is_refused() -> None:
    xml = minimal("").replace(
        '  <bpmn:process id="demo_request" isExecutable="true">\n\n  </bpmn:process>\n', "")
    [problem] = validate(xml)
    assert (problem.file, problem.line) == (FILE, 2)
    assert "contains no process" in problem.message


def test_two_executable_processes_in_one_file_are_refused() -> None:
    second = ('<bpmn:process id="other" isExecutable="true">'
              '<bpmn:startEvent id="S2"/></bpmn:process>')
    xml = variant("</bpmn:definitions>", f"  {second}\n</bpmn:definitions>")
    problem = only(validate(xml), "several executable processes")
    assert (problem.element_id, problem.line) == ("other", line_of(xml, 'id="other"'))


# --- scripts and expressions -------------------------------------------------

def test_juel_condition_is_refused() -> None:
    xml = variant(CONDITION, "${approved}")
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Flow_yes", line_of(xml, "<bpmn:conditionExpression"))
    assert problem.message.startswith("this is a JUEL/FEEL expression; Liaison runs Python")
    assert "e.g. approved" in problem.message


def test_feel_language_attribute_is_refused() -> None:
    xml = variant('xsi:type="bpmn:tFormalExpression"',
                  'xsi:type="bpmn:tFormalExpression" '
                  'language="http://www.omg.org/spec/FEEL/20140401"')
    [problem] = validate(xml)
    assert (problem.element_id, problem.line) == ("Flow_yes", line_of(xml, "language="))
    assert "JUEL/FEEL expression" in problem.message


def test_camunda_expression_attribute_is_refused() -> None:
    xml = variant('<bpmn:userTask id="Task_review"',
                  '<bpmn:userTask xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
                  'camunda:assignee="${initiator}" id="Task_review"')
    problem = only(validate(xml), "JUEL/FEEL")
    assert (problem.element_id, problem.line) == ("Task_review", line_of(xml, "camunda:assignee"))


def test_javascript_script_format_is_refused() -> None:
    xml = variant('scriptFormat="python"', 'scriptFormat="javascript"')
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Task_record", line_of(xml, "<bpmn:scriptTask"))
    assert "script format 'javascript' is not supported" in problem.message


def _sandbox_problems(xml: str, source: str, mode: str, element_id: str,
                      marker: str) -> tuple[list[Problem], list[Problem]]:
    """Return (what validation reported, what the sandbox says about the source)."""
    refusals = sandbox.check_script(source, mode=mode)
    assert refusals, f"the sandbox should refuse {source!r}"
    first_line = line_of(xml, marker)
    expected = [Problem(message, file=FILE, element_id=element_id,
                        line=first_line + line - 1 if line else first_line)
                for line, message in refusals]
    return [p for p in validate(xml) if p.element_id == element_id], expected


def test_script_importing_os_is_refused_at_its_line() -> None:
    source = "approved_by = reviewer\nimport os\nos.system('id')"
    xml = variant(SCRIPT, source)
    reported, expected = _sandbox_problems(xml, source, "exec", "Task_record", "<bpmn:script>")
    assert reported == expected
    assert any(p.line == line_of(xml, "import os") for p in reported)


def test_script_reaching_for_subclasses_is_refused() -> None:
    source = "found = ().__class__.__base__.__subclasses__()"
    xml = variant(SCRIPT, source)
    reported, expected = _sandbox_problems(xml, source, "exec", "Task_record", "<bpmn:script>")
    assert reported == expected
    assert all(p.line == line_of(xml, "__subclasses__") for p in reported)


def test_condition_using_dunder_import_is_refused() -> None:
    source = "__import__('os').system('id') == 0"
    xml = variant(CONDITION, source)
    reported, expected = _sandbox_problems(xml, source, "eval", "Flow_yes",
                                           "<bpmn:conditionExpression")
    assert reported == expected


def test_a_private_attribute_pieced_together_for_getattr_is_refused() -> None:
    xml = variant(SCRIPT, 'kind = getattr(reviewer, "_" + f"_class{\'__\'}")')
    [problem] = [p for p in validate(xml) if p.element_id == "Task_record"]
    assert problem.line == line_of(xml, "getattr")
    assert problem.message == "the attribute '__class__' is private (it starts with '_')"
    assert [p for p in validate(variant(SCRIPT, "kind = getattr(reviewer, name)"))
            if p.element_id == "Task_record"] == []


def test_pre_script_goes_through_the_sandbox() -> None:
    source = "import subprocess"
    xml = variant("<spiffworkflow:properties>",
                  f"<spiffworkflow:preScript>{source}</spiffworkflow:preScript>\n"
                  "        <spiffworkflow:properties>")
    reported, expected = _sandbox_problems(xml, source, "exec", "Task_review",
                                           "<spiffworkflow:preScript>")
    assert reported == expected


def test_empty_script_task_is_refused() -> None:
    xml = variant(f"<bpmn:script>{SCRIPT}</bpmn:script>", "<bpmn:script />")
    problem = only(validate(xml), "has no script")
    assert (problem.element_id, problem.line) == ("Task_record", line_of(xml, "<bpmn:scriptTask"))


def _with_timer(tag: str, text: str) -> str:
    """Put a timer between the script task and the end event."""
    timer = (f'    <bpmn:intermediateCatchEvent id="Timer_wait">\n'
             f"      <bpmn:incoming>Flow_to_end</bpmn:incoming>\n"
             f"      <bpmn:outgoing>Flow_after_wait</bpmn:outgoing>\n"
             f'      <bpmn:timerEventDefinition id="TimerEventDefinition_wait">\n'
             f'        <bpmn:{tag} {XSI} xsi:type="bpmn:tFormalExpression">{text}</bpmn:{tag}>\n'
             f"      </bpmn:timerEventDefinition>\n"
             f"    </bpmn:intermediateCatchEvent>\n"
             f'    <bpmn:sequenceFlow id="Flow_after_wait" sourceRef="Timer_wait" '
             f'targetRef="EndEvent_done" />\n')
    xml = variant('sourceRef="Task_record" targetRef="EndEvent_done"',
                  'sourceRef="Task_record" targetRef="Timer_wait"')
    return variant("  </bpmn:process>", timer + "  </bpmn:process>", xml)


@pytest.mark.parametrize(("tag", "text"), [
    ("timeDuration", "PT24H"),
    ("timeDuration", "P1D"),
    ("timeCycle", "R/2027-01-01T09:00:00+08:00/P1Y"),
    ("timeDate", "2027-01-01T09:00:00Z"),
    ("timeDuration", '"PT" + str(hours) + "H"'),
])
def test_timer_iso_literal_or_python_is_accepted(tag: str, text: str) -> None:
    assert validate(_with_timer(tag, text)) == []


@pytest.mark.parametrize(("text", "phrase"), [
    ("P1DT", "not a valid ISO 8601"),
    ("2027-06-31", "not a valid ISO 8601"),
    ("${reminder_delay}", "JUEL/FEEL expression"),
])
def test_bad_timer_is_refused(text: str, phrase: str) -> None:
    xml = _with_timer("timeDuration", text)
    problem = only(validate(xml), phrase)
    assert (problem.element_id, problem.line) == ("Timer_wait", line_of(xml, "<bpmn:timeDuration"))


# --- user tasks and forms ----------------------------------------------------

def test_user_task_without_form_is_refused() -> None:
    xml = variant('<spiffworkflow:property name="formJsonSchemaFilename" '
                  'value="review.schema.json" />', "")
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Task_review", line_of(xml, "<bpmn:userTask"))
    assert "names no form" in problem.message


def test_missing_form_file_is_refused() -> None:
    forms = {k: v for k, v in FORMS.items() if k != SCHEMA_KEY}
    [problem] = validate(VALID, forms=forms)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Task_review", line_of(VALID, "formJsonSchemaFilename"))
    assert f"form '{SCHEMA_KEY}' was not uploaded" in problem.message


def test_form_that_is_not_json_is_refused() -> None:
    forms = {**FORMS, SCHEMA_KEY: b'{"type": "object",\n "properties": }'}
    [problem] = validate(VALID, forms=forms)
    assert (problem.file, problem.element_id, problem.line) == (SCHEMA_KEY, "Task_review", 2)
    assert "the form is not valid JSON" in problem.message


def test_form_that_is_not_a_json_schema_is_refused() -> None:
    forms = {**FORMS, SCHEMA_KEY: b'{"type": "nope"}'}
    [problem] = validate(VALID, forms=forms)
    assert (problem.file, problem.element_id) == (SCHEMA_KEY, "Task_review")
    assert "the form is not a valid JSON Schema (at 'type')" in problem.message


def test_form_pattern_with_a_backreference_is_refused_with_its_pointer() -> None:
    schema = (b'{"type": "object", "properties": {"amount": {"type": "string",'
              b' "pattern": "^(\\\\d)\\\\1$"}}}')
    [problem] = validate(VALID, forms={**FORMS, SCHEMA_KEY: schema})
    assert (problem.file, problem.element_id) == (SCHEMA_KEY, "Task_review")
    assert "cannot be checked in linear time" in problem.message
    assert problem.message.endswith("(at /properties/amount/pattern)")


def test_form_pattern_that_backtracks_in_python_is_accepted_for_re2() -> None:
    schema = (b'{"type": "object", "properties": {"amount": {"type": "string",'
              b' "pattern": "^(a+)+$"}}}')
    assert validate(VALID, forms={**FORMS, SCHEMA_KEY: schema}) == []


def test_ui_schema_must_be_json() -> None:
    key = "demo_request/review.uischema.json"
    [problem] = validate(VALID, forms={**FORMS, key: b"ui:widget: radio"})
    assert (problem.file, problem.element_id) == (key, "Task_review")
    assert "not valid JSON" in problem.message


# --- lanes and call activities -----------------------------------------------

def test_lane_without_role_is_refused() -> None:
    [problem] = validate(VALID, lane_roles={"Caretakers": "caretaker"})
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Lane_front_desk", line_of(VALID, "<bpmn:lane "))
    assert problem.message == ("lane 'Front desk' maps to no role; "
                               "add it to processes/lanes.json")
    assert validate(VALID, lane_roles=None) == []
    assert validate(VALID, lane_roles={"front desk": "front_desk"}) == []


def _calling(process_id: str) -> str:
    xml = variant('<bpmn:scriptTask id="Task_record" name="Record the approval" '
                  'scriptFormat="python">',
                  f'<bpmn:callActivity id="Task_record" calledElement="{process_id}">')
    xml = variant(f"      <bpmn:script>{SCRIPT}</bpmn:script>\n", "", xml)
    return variant("</bpmn:scriptTask>", "</bpmn:callActivity>", xml)


def test_call_activity_to_unknown_process_is_refused() -> None:
    xml = _calling("repair_order")
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Task_record", line_of(xml, "<bpmn:callActivity"))
    assert "calls process 'repair_order', which is neither in this upload nor deployed" \
        in problem.message
    assert validate(xml, known_process_ids={"repair_order"}) == []


def test_call_activity_to_process_in_the_same_upload_is_accepted() -> None:
    callee = minimal(
        '    <bpmn:startEvent id="S"><bpmn:outgoing>F</bpmn:outgoing></bpmn:startEvent>\n'
        '    <bpmn:endEvent id="E"><bpmn:incoming>F</bpmn:incoming></bpmn:endEvent>\n'
        '    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" />', process_id="repair_order")
    problems = validate_definitions({FILE: _calling("repair_order").encode(),
                                     "repair_order.bpmn": callee.encode()},
                                    forms=FORMS, lane_roles=LANES)
    assert problems == []


# --- structure, as SpiffWorkflow sees it ---------------------------------------

def test_flow_to_missing_element_is_translated() -> None:
    xml = variant('targetRef="Task_record"', 'targetRef="Task_missing"')
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Flow_yes", line_of(xml, 'id="Flow_yes"'))
    assert problem.message == ("this sequence flow leads to 'Task_missing', "
                               "which is not in this process")


def test_gateway_flow_without_condition_is_translated() -> None:
    xml = variant(' default="Flow_no"', "")
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Flow_no", line_of(xml, 'id="Flow_no"'))
    assert "has no condition and is not the gateway's default flow" in problem.message
    assert "Non-default" not in problem.message


def test_gateway_without_outgoing_flow_is_refused() -> None:
    xml = minimal('    <bpmn:startEvent id="S"><bpmn:outgoing>F</bpmn:outgoing></bpmn:startEvent>\n'
                  '    <bpmn:exclusiveGateway id="G"><bpmn:incoming>F</bpmn:incoming>'
                  "</bpmn:exclusiveGateway>\n"
                  '    <bpmn:endEvent id="E" />\n'
                  '    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="G" />')
    [problem] = validate(xml)
    assert (problem.element_id, problem.line) == ("G", line_of(xml, "<bpmn:exclusiveGateway"))
    assert "has no outgoing flow" in problem.message


def test_python_exceptions_inside_the_parser_are_not_shown() -> None:
    # SpiffWorkflow reads property values with ["value"], so this surfaces as KeyError('value').
    xml = variant("<spiffworkflow:properties>",
                  '<spiffworkflow:properties>\n<spiffworkflow:property name="priority" />')
    [problem] = validate(xml)
    assert (problem.element_id, problem.line) == ("Task_review", line_of(xml, "<bpmn:userTask"))
    assert "could not read this element" in problem.message
    assert "KeyError" not in problem.message


def _with_business_rule(decision_id: str) -> str:
    xml = variant('<bpmn:scriptTask id="Task_record" name="Record the approval" '
                  'scriptFormat="python">',
                  '<bpmn:businessRuleTask id="Task_record"><bpmn:extensionElements>'
                  f"<spiffworkflow:calledDecisionId>{decision_id}</spiffworkflow:calledDecisionId>"
                  "</bpmn:extensionElements>")
    xml = variant(f"      <bpmn:script>{SCRIPT}</bpmn:script>\n", "", xml)
    return variant("</bpmn:scriptTask>", "</bpmn:businessRuleTask>", xml)


def test_business_rule_task_with_its_decision_is_accepted() -> None:
    dmn = {"price.dmn": (FIXTURES / "price.dmn").read_bytes()}
    xml = _with_business_rule("repair_price")
    assert validate(xml, dmn=dmn) == []


def test_business_rule_task_without_decision_is_translated() -> None:
    xml = _with_business_rule("price")
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "Task_record", line_of(xml, "<bpmn:businessRuleTask"))
    assert "calls decision 'price', which is not among the uploaded decisions" in problem.message


def test_decision_file_must_be_dmn() -> None:
    [problem] = validate(VALID, dmn={"price.dmn": VALID.encode()})
    assert (problem.file, problem.line) == ("price.dmn", 2)
    assert "this is not a DMN file" in problem.message


def test_bpmn_schema_violation_is_located() -> None:
    xml = variant('<bpmn:userTask id="Task_review"', '<bpmn:userTask colour="red" id="Task_review"')
    [problem] = validate(xml)
    assert (problem.element_id, problem.line) == ("Task_review", line_of(xml, "<bpmn:userTask"))
    assert "does not follow the BPMN 2.0 standard" in problem.message
    assert "attribute 'colour'" in problem.message


def test_every_problem_is_reported_not_just_the_first() -> None:
    xml = variant(CONDITION, "${approved}")
    xml = variant(SCRIPT, "import os", xml)
    problems = validate(xml, forms={}, lane_roles={})
    assert {p.element_id for p in problems} >= {
        "Flow_yes", "Task_record", "Task_review", "Lane_front_desk"}
    assert all(p.file == FILE and p.line for p in problems)


# --- what the outside corpus showed (bench/conformance.py) ---------------------

START_TO_END = ('    <bpmn:startEvent id="S" />\n    <bpmn:endEvent id="E" />\n'
                '    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" />')


def test_process_without_end_event_is_refused() -> None:
    # SpiffWorkflow finishes an instance only at an end event; without one it just stops.
    xml = minimal('    <bpmn:startEvent id="S" />')
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "demo_request", line_of(xml, "<bpmn:process "))
    assert "has no end event" in problem.message


def test_unknown_data_store_is_named_and_located() -> None:
    # The parser names the store only by its name (here split over two lines) and no line.
    xml = minimal(START_TO_END).replace(
        "  <bpmn:process", '  <bpmn:dataStore id="cabinet" name="Filing\n    cabinet" />\n'
        "  <bpmn:process", 1)
    [problem] = validate(xml)
    # libxml2 gives a start tag spread over lines the line where it ends.
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "cabinet", line_of(xml, 'cabinet" />'))
    assert problem.message.startswith("Liaison has no data store named 'Filing cabinet'")


def test_business_rule_task_naming_no_decision_is_translated() -> None:
    # A Camunda diagram names its decision in camunda:decisionRef, which Liaison does not read.
    xml = minimal(START_TO_END.replace(
        'targetRef="E" />', 'targetRef="R" />\n    <bpmn:businessRuleTask id="R" />\n'
        '    <bpmn:sequenceFlow id="F2" sourceRef="R" targetRef="E" />'))
    [problem] = validate(xml)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "R", line_of(xml, "<bpmn:businessRuleTask"))
    assert "does not say which decision it calls" in problem.message
    assert "None" not in problem.message
