"""Vet every expression of a DMN decision table as the sandbox vets a script.

SpiffWorkflow's DMN engine hands input expressions, input entries and output
entries to the same script engine as BPMN scripts, so the same rules apply.
It also pieces an input entry together with its column's expression (``> 10``
becomes ``category> 10``; a ``?`` stands for the input's value), so entries are
checked in the shape the engine will run them. Problems name the file, the
decision, the rule and the column.
"""

from __future__ import annotations

import ast
import keyword
import re

from lxml import etree

from engine.common.errors import Problem
from engine.workflow.validation.scripts import python_problems

__all__ = ["check_decisions"]

# How SpiffWorkflow's DMNEngine finds a "?" outside quotes (DMNEngine.evaluate).
_QUESTION_MARK = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')
_INPUT_VALUE = "dmninputexpr"  # the name the engine gives the input's value in an entry


def check_decisions(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Return a problem for every decision table expression the sandbox would refuse."""
    problems: list[Problem] = []
    for decision in _children(tree.getroot(), "decision"):
        where = _Where(file, decision.get("id"))
        for table in _children(decision, "decisionTable"):
            inputs = _children(table, "input")
            outputs = _children(table, "output")
            used = bool(_children(table, "rule"))  # with no rule, no input is ever read
            for number, column in enumerate(inputs, 1):
                problems += _check_input(where, number, column, used=used)
            for index, rule in enumerate(_children(table, "rule"), 1):
                entries = zip(_children(rule, "inputEntry"), inputs, strict=False)
                for number, (entry, column) in enumerate(entries, 1):
                    problems += where.check(*_text_of(entry),
                                            f"rule {index}, {_column('input', number, column)}",
                                            entry=True)
                results = zip(_children(rule, "outputEntry"), outputs, strict=False)
                for number, (entry, column) in enumerate(results, 1):
                    problems += where.check(*_text_of(entry),
                                            f"rule {index}, {_column('output', number, column)}")
    return problems


class _Where:
    """The file and decision a problem is in, and how to word one."""

    def __init__(self, file: str, decision_id: str | None) -> None:
        self.file, self.decision_id = file, decision_id

    def problem(self, message: str, element: etree._Element, line: int | None = None) -> Problem:
        return Problem(message, file=self.file, element_id=self.decision_id,
                       line=line or element.sourceline)

    def check(self, source: str | None, element: etree._Element, place: str, *,
              entry: bool = False) -> list[Problem]:
        """Check one expression; an input ``entry`` in the shape the engine will run it."""
        if source is None:
            return []
        text = _as_run(source) if entry else source
        problems = []
        for script_line, reason in python_problems(text, "eval"):
            line = element.sourceline + script_line - 1 \
                if element.sourceline and script_line else None
            problems.append(self.problem(f"{place}: {reason}", element, line))
        return problems


def _check_input(where: _Where, number: int, column: etree._Element, *,
                 used: bool) -> list[Problem]:
    expressions = [text for e in _children(column, "inputExpression")
                   for text in _children(e, "text")]
    place = _column("input", number, column)
    if not expressions or not (expressions[0].text or "").strip():
        # With no expression the engine reads the variable named like the column's label, as
        # diagrams made elsewhere expect; that is safe only for a plain variable name.
        label = column.get("label") or ""
        if not used or (label.isidentifier() and not keyword.iskeyword(label)
                        and not label.startswith("_")):
            return []
        return [where.problem(f"{place} has no input expression; give it one, e.g. the name "
                              "of a process variable such as category", column)]
    return where.check(expressions[0].text, expressions[0], place)


def _as_run(entry: str) -> str:
    """Return an input entry as the engine runs it, the input's value named dmninputexpr."""
    if _QUESTION_MARK.search(entry):
        return _QUESTION_MARK.sub(_INPUT_VALUE, entry)
    try:
        ast.parse(entry.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return f"{_INPUT_VALUE} {entry}"  # an operator first, e.g. "> 10"
    return entry


def _text_of(entry: etree._Element) -> tuple[str | None, etree._Element]:
    """Return an entry's text (None when it matches anything: "-" or empty) and its element."""
    texts = _children(entry, "text")
    if not texts or texts[0].text is None or texts[0].text.strip() in ("", "-"):
        return None, entry
    return texts[0].text, texts[0]


def _column(kind: str, number: int, column: etree._Element) -> str:
    label = column.get("label") or column.get("name") or column.get("id")
    return f"{kind} column {number} ({label})" if label else f"{kind} column {number}"


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    """Children by local name: DMN 1.1, 1.2 and 1.3 each have a namespace of their own."""
    return [child for child in element
            if isinstance(child.tag, str) and etree.QName(child).localname == name]
