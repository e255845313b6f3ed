"""Every expression of a decision table is vetted at deploy like a script, and located."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from engine.common.errors import Problem
from engine.workflow.validation.definitions import validate_definitions
from tests.support.diagrams import line_of

PROJECT = Path(__file__).parents[4]
ROUTING = (PROJECT / "processes" / "case_routing.dmn").read_text(encoding="utf-8")
FILE = "case_routing.dmn"


def routing(old: str, new: str, count: int = 1) -> str:
    """The shipped routing table with ``count`` occurrences of one piece replaced."""
    assert old in ROUTING, old
    return ROUTING.replace(old, new, count)


def problems_of(table: str) -> list[Problem]:
    return validate_definitions({}, dmn={FILE: table.encode()})


def test_the_shipped_decision_tables_are_valid() -> None:
    tables = {p.name: p.read_bytes() for p in (PROJECT / "processes").glob("*.dmn")}
    assert len(tables) == 2
    assert validate_definitions({}, dmn=tables) == []


def test_an_input_entry_calling_import_is_refused_with_rule_and_column() -> None:
    hostile = escape('__import__("os").system("touch /tmp/owned")')
    table = routing('<text>"hygiene"</text>', f"<text>{hostile}</text>")
    [problem] = problems_of(table)
    assert (problem.file, problem.element_id, problem.line) == (
        FILE, "case_routing", line_of(table, "__import__"))
    assert problem.message.startswith("rule 3, input column 1 (Category): ")
    assert "__import__" in problem.message


def test_an_input_expression_spelling_a_private_attribute_is_refused() -> None:
    spelled = escape('getattr(category, "_" + "_class__")')
    table = routing("<text>category</text>", f"<text>{spelled}</text>")
    [problem] = problems_of(table)
    assert (problem.element_id, problem.line) == ("case_routing", line_of(table, "getattr"))
    assert problem.message == ("input column 1 (Category): the attribute '__class__' is private "
                               "(it starts with '_')")


def test_an_output_entry_is_checked_and_names_its_column() -> None:
    table = routing('<text>"cleaning"</text>', '<text>"{0.__class__}".format(category)</text>')
    [problem] = problems_of(table)
    assert (problem.element_id, problem.line) == ("case_routing", line_of(table, ".format"))
    assert problem.message.startswith("rule 3, output column 1 (Department): ")


def test_a_second_output_column_is_named_by_its_number() -> None:
    table = routing('<text>"cleaning"</text>', "<text>_secret</text>", count=2)
    found = problems_of(table)
    assert [p.message.split(":")[0] for p in found] == [
        "rule 3, output column 1 (Department)", "rule 3, output column 2 (Handling role)"]


def test_an_entry_with_its_operator_first_is_checked_with_the_input_before_it() -> None:
    accepted = routing('<text>"hygiene"</text>', "<text>!= 'noise'</text>")
    assert problems_of(accepted) == []
    refused = routing('<text>"hygiene"</text>', "<text>== ().__class__</text>")
    [problem] = problems_of(refused)
    assert problem.message.startswith("rule 3, input column 1 (Category): ")
    assert "__class__" in problem.message


def test_a_question_mark_stands_for_the_input_value() -> None:
    accepted = routing('<text>"hygiene"</text>', "<text>? in ('hygiene', 'pests')</text>")
    assert problems_of(accepted) == []
    refused = routing('<text>"hygiene"</text>', "<text>?.__dict__</text>")
    [problem] = problems_of(refused)
    assert problem.message.startswith("rule 3, input column 1 (Category): ")


def test_a_feel_entry_is_named_as_such() -> None:
    table = routing('<text>"hygiene"</text>', '<text>${category == "hygiene"}</text>')
    [problem] = problems_of(table)
    assert problem.message.startswith("rule 3, input column 1 (Category): this is a JUEL/FEEL")


def test_an_input_column_without_an_expression_is_refused_unless_its_label_names_a_variable(
        ) -> None:
    # The engine then reads the variable named like the label, as diagrams made elsewhere do.
    assert problems_of(routing("<text>category</text>", "<text> </text>")) == []
    table = routing("<text>category</text>", "<text> </text>").replace(
        'label="Category"', 'label="Case category"')
    [problem] = problems_of(table)
    assert problem.element_id == "case_routing"
    assert problem.message.startswith("input column 1 (Case category) has no input expression")


def test_a_syntax_error_in_an_output_is_reported_once() -> None:
    table = routing('<text>"cleaning"</text>', "<text>1 +</text>")
    [problem] = problems_of(table)
    assert (problem.element_id, problem.line) == ("case_routing", line_of(table, "1 +"))
    assert problem.message == "rule 3, output column 1 (Department): syntax error: invalid syntax"
