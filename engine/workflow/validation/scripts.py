"""Find every piece of Python in a BPMN diagram and have the sandbox vet it.

Scripts, conditions, timer expressions, pre/post scripts, service parameters, loop and message
expressions all run in Liaison's Python sandbox, so each is checked before
deployment and reported at its XML line. Diagrams drawn for Camunda and
friends carry JUEL/FEEL or JavaScript instead; those are named as such so a
process owner knows what to rewrite, rather than seeing a syntax error.
"""

from __future__ import annotations

import ast
import re
from typing import Literal

from lxml import etree

from engine.common.errors import Problem
from engine.workflow.sandbox.script_engine import check_script
from engine.workflow.timers.iso8601 import is_literal
from engine.workflow.timers.values import timer_value_problem

Mode = Literal["exec", "eval"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# Namespaces of engines whose extension attributes hold JUEL/FEEL, never Python.
_FOREIGN_ENGINE_NS = ("camunda.org", "activiti.org", "flowable.org", "zeebe")
_FOREIGN_EXPRESSION_ATTRS = {"expression", "delegateExpression"}
_PYTHON_FORMATS = {"", "python", "python3", "text/python", "text/x-python",
                   "application/x-python"}
_CONTAINERS = {f"{{{BPMN_NS}}}{tag}"
               for tag in ("process", "subProcess", "adHocSubProcess", "transaction")}

# (XPath, how the engine runs it): "exec" for statements, "eval" for expressions.
_PYTHON_SITES: tuple[tuple[str, Mode], ...] = (
    ("//bpmn:scriptTask/bpmn:script", "exec"),
    ("//spiffworkflow:preScript", "exec"),
    ("//spiffworkflow:postScript", "exec"),
    ("//bpmn:conditionExpression", "eval"),
    ("//bpmn:conditionalEventDefinition/bpmn:condition", "eval"),
    ("//bpmn:completionCondition", "eval"),
    ("//bpmn:loopCondition", "eval"),
    ("//bpmn:loopCardinality", "eval"),
    ("//spiffworkflow:messagePayload", "eval"),
    ("//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", "eval"),
)
_TIMER_SITES = "//bpmn:timeDate | //bpmn:timeDuration | //bpmn:timeCycle"

# Text shaped like an attempt at an ISO literal (no spaces, names or calls) that
# fails to parse is reported as a bad literal, not as a Python syntax error.
_LOOKS_ISO = re.compile(r"(?:R\d*/|PT?\d|\d{4}-\d\d)[0-9A-Za-z:.+\-/,]*")
_JUEL_WHOLE = re.compile(r"\s*[$#]\{(.*)\}\s*", re.DOTALL)


def check_python(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Return a problem for every script or expression the sandbox would refuse."""
    problems = _check_languages(tree, file)
    for path, mode in _PYTHON_SITES:
        for element in tree.xpath(path, namespaces=NS):
            problems += _check_source(element, element.text, mode, file)
    for element in tree.xpath(_TIMER_SITES, namespaces=NS):
        problems += _check_timer(element, file)
    for element in tree.xpath("//spiffworkflow:parameter[@value]", namespaces=NS):
        problems += _check_source(element, element.get("value"), "eval", file)  # service input
    for task in tree.xpath("//bpmn:scriptTask", namespaces=NS):
        scripts = task.xpath("bpmn:script", namespaces=NS)
        if not scripts or not (scripts[0].text or "").strip():
            problems.append(_problem(task, file, "this script task has no script"))
    return problems


def owner_of(element: etree._Element) -> etree._Element:
    """Return the flow element (task, event, flow, ...) a nested element belongs to."""
    with_id = [node for node in (element, *element.iterancestors()) if node.get("id")]
    for node in with_id:
        parent = node.getparent()
        if parent is not None and parent.tag in _CONTAINERS:
            return node
    return with_id[0] if with_id else element


def _problem(element: etree._Element, file: str, message: str,
             line: int | None = None) -> Problem:
    return Problem(message, file=file, element_id=owner_of(element).get("id"),
                   line=line or element.sourceline)


def _check_languages(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Refuse script formats and expression languages other than Python."""
    problems = []
    for element in tree.iter(etree.Element):
        for name, value in element.attrib.items():
            qname = etree.QName(name)
            if qname.localname == "scriptFormat" and value.strip().lower() not in _PYTHON_FORMATS:
                problems.append(_problem(element, file, (
                    f"script format '{value}' is not supported; Liaison runs Python scripts "
                    "only (set the script format to python)")))
            elif qname.localname in {"language", "expressionLanguage"} \
                    and (reason := _language_problem(value)):
                problems.append(_problem(element, file, reason))
            elif qname.namespace and any(ns in qname.namespace for ns in _FOREIGN_ENGINE_NS) \
                    and (qname.localname in _FOREIGN_EXPRESSION_ATTRS or _is_juel(value)):
                problems.append(_problem(element, file, _juel_message(value)))
    return problems


def _check_timer(element: etree._Element, file: str) -> list[Problem]:
    """Accept an ISO 8601 literal as it is; anything else must be a Python expression."""
    text = (element.text or "").strip()
    if not text:
        return [_problem(element, file, "this timer has no date, duration or cycle")]
    if is_literal(text):
        problem = timer_value_problem(text)
        return [_problem(element, file, problem)] if problem else []
    if _LOOKS_ISO.fullmatch(text):
        return [_problem(element, file, (
            f"'{text}' is not a valid ISO 8601 date, duration or cycle; "
            "write e.g. PT24H, P1D, 2027-01-01T09:00:00+08:00 or R/2027-01-01T09:00:00+08:00/P1Y"))]
    return _check_source(element, element.text, "eval", file)


def _check_source(element: etree._Element, source: str | None, mode: Mode,
                  file: str) -> list[Problem]:
    """Run one piece of Python through the sandbox's static check."""
    found = []
    for script_line, message in python_problems(source, mode):
        # The text starts on the element's own line, so script line n is XML line sourceline+n-1.
        line = element.sourceline + script_line - 1 if element.sourceline and script_line else None
        found.append(_problem(element, file, message, line))
    return found


def python_problems(source: str | None, mode: Mode) -> list[tuple[int | None, str]]:
    """Return (script line, reason) for all the sandbox would refuse in one piece of Python."""
    if source is None or not source.strip():
        return []
    if _is_juel(source, mode) or (mode == "eval" and source.strip().startswith("=")):
        return [(None, _juel_message(source))]
    return check_script(source, mode=mode) or _private_names_spelled_out(source, mode)


def _private_names_spelled_out(source: str, mode: Mode) -> list[tuple[int | None, str]]:
    """Find getattr() names pieced together from literals, e.g. "_" + "_class__".

    The sandbox refuses them when the script runs; said at deploy, the owner
    learns it before an instance stops on it.
    """
    found: list[tuple[int | None, str]] = []
    for node in ast.walk(ast.parse(source, mode=mode)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "getattr" and len(node.args) > 1:
            name = _literal_text(node.args[1])
            if name is not None and name.startswith("_"):
                found.append((node.lineno, f"the attribute {name!r} is private "
                                           "(it starts with '_')"))
    return found


def _literal_text(node: ast.expr) -> str | None:
    """Return the text an expression of string literals, + and f-strings always makes."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [_literal_text(value) for value in node.values]
        return "".join(p for p in parts if p is not None) if None not in parts else None
    if isinstance(node, ast.FormattedValue) and node.format_spec is None:
        return _literal_text(node.value)
    return None


def _is_juel(source: str, mode: Mode = "eval") -> bool:
    """Tell whether text is a ${...}/#{...} expression rather than Python."""
    stripped = source.strip()
    if stripped.startswith(("${", "#{")):
        return True
    if "${" not in stripped:
        return False
    # "${" may sit inside a Python string; only call it JUEL if Python cannot read it.
    try:
        ast.parse(stripped, mode=mode)
    except (SyntaxError, ValueError):
        return True
    return False


def _language_problem(value: str) -> str | None:
    """Explain why an expression language other than Python is refused, if it is one."""
    lowered = value.lower()
    if re.search(r"\b(feel|juel|el)\b", lowered):
        return _juel_message(None)
    if re.search(r"\b(javascript|ecmascript|js|groovy|nashorn|ruby|kotlin|java)\b", lowered):
        return (f"expression language '{value}' is not supported; Liaison runs Python "
                "expressions, e.g. approved == True")
    return None  # Python, or a tool's harmless default such as XPath


def _juel_message(source: str | None) -> str:
    """Explain a JUEL/FEEL expression, suggesting its Python form when that is obvious."""
    example = "approved == True or amount > 1000"
    whole = _JUEL_WHOLE.fullmatch(source or "")
    if whole and whole.group(1).strip():
        inner = whole.group(1).strip()
        try:
            ast.parse(inner, mode="eval")
            example = inner
        except (SyntaxError, ValueError):
            pass
    return f"this is a JUEL/FEEL expression; Liaison runs Python expressions, e.g. {example}"
