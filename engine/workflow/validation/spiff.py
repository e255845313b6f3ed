"""Translate what SpiffWorkflow and the BPMN XML schema say about a diagram.

SpiffWorkflow's parser knows what it cannot execute, but it words it for its
developers (and sometimes just shows a Python exception), rarely gives a line
and stops at the first error in a process. Here its findings and the XSD's are
re-worded for process owners and located by the element id in our own tree.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Mapping

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD, SpiffBpmnParser

from engine.common.errors import Problem
from engine.workflow.validation.scripts import BPMN_NS, NS, SPIFF_NS, owner_of

CALLED_MISSING = "this call activity does not say which process it calls (calledElement)"
DECISION_MISSING = ("this business rule task does not say which decision it calls; set its "
                    "decision id (spiffworkflow:calledDecisionId)")
MALFORMED_OUTPUT = "an output of this decision table is not a valid expression"
# Its parser names an unknown data store only by name, and stops reading the file there.
_NO_STORE = r"Data Store with name (?P<store>.*?) has no implementation"
_MAX_SCHEMA_ERRORS = 20  # per file: past that, more of the same helps nobody

# SpiffWorkflow's own wording, rewritten for process owners ({name} = regex group).
_SPIFF_WORDING = [
    (r"When looking for a task spec.*\((?P<target>.*)\)",
     "this sequence flow leads to '{target}', which is not in this process"),
    (r"Non-default exclusive outgoing sequence flow without condition",
     "this flow out of a gateway has no condition and is not the gateway's default flow; "
     "give it a condition or make it the default"),
    (r"No start event found", "this process has no start event"),
    (r"Multiple outgoing flows are not supported",
     "this task has more than one outgoing flow; split the path with a gateway instead"),
    (r"There is no support implemented for this task type",
     "Liaison cannot run this kind of element"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<n>\d+)",
     "a subprocess needs exactly one start event; this one has {n}"),
    (r"A SubWorkflow Must contain an End event", "a subprocess needs an end event"),
    (r'No "calledElement" attribute', CALLED_MISSING),
    (r"Duplicate process ID: (?P<id>.*)",
     "process id '{id}' is used by more than one process in this upload"),
    (r"A loopMaximum or loopCondition must be specified",
     "a looping task needs a maximum number of loops or a loop condition"),
    (r"A multiinstance task must specify a cardinality or",
     "a multi-instance task needs a number of instances or a list to go through"),
    (r"A multiinstance task must specify exactly one of",
     "a multi-instance task takes a number of instances or a list to go through, not both"),
    (r"The loop (input|output) data reference is missing",
     "the list this multi-instance task goes through is not declared on the task"),
    (r"Time Specification Error|Unknown Time Specification",
     "this timer has no date, duration or cycle"),
    (r'No DMN Diagram available with id "None"', DECISION_MISSING),
    (r'No DMN Diagram available with id "(?P<id>[^"]*)"',
     "this business rule task calls decision '{id}', which is not among the uploaded decisions"),
    (r"Cannot resolve data(Input|Output)Association",
     "this element reads or writes a data object that does not exist"),
    (r"Expected an? (?P<kind>Message|Signal|Error|Escalation) node",
     "this event refers to a {kind} that is not defined in the file"),
    (r"(?P<kind>Message|Signal|Error|Escalation|Data Store|Correlation) identifier is missing",
     "a {kind} in this file has no id"),
    (r"Conditional event definition with missing condition",
     "this conditional event has no condition"),
    (r"Cancel Events may only be used with transactions",
     "a cancel event may only be attached to a transaction"),
    (r"A Service Task must have an operator",
     "this service task does not say which service it calls"),
    (_NO_STORE, "Liaison has no data store named '{store}'; keep the data in process "
                "variables instead"),
    (r"No decisions found", "this file holds no decision"),
    (r"Multiple decision tables are not current",
     "a decision file may hold only one decision table"),
    (r"Unknown type in decision table",
     "this decision table contains an element Liaison cannot read"),
    (r"Malformed Output Expression", MALFORMED_OUTPUT),
    (r"RecursionError|maximum recursion depth",
     "this process is too long a chain of steps for the engine to read; "
     "move part of it into a called process"),
]
_PYTHON_REPR = re.compile(r"^\s*\w*(Error|Exception|Exit|Interrupt)\b")
_local = threading.local()


def check_schema(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Report where the file departs from the BPMN 2.0 XML schema."""
    schema = getattr(_local, "schema", None)
    if schema is None:  # XMLSchema keeps its error log on itself: one per thread
        schema = _local.schema = BpmnValidator(imports={"spiffworkflow": SPIFF_XSD}).validator
    copied = copy.deepcopy(tree)
    # bpmn-js writes correlation expressions in a shape the XSD rejects; SpiffWorkflow
    # accepts them by renaming the tag before validating, and so do we (on a copy).
    for expression in copied.xpath(
            "//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", namespaces=NS):
        expression.tag = f"{{{BPMN_NS}}}messagePath"
    if schema.validate(copied):
        return []
    by_line: dict[int, etree._Element] = {}
    for element in tree.iter(etree.Element):
        by_line.setdefault(element.sourceline, element)
    problems = []
    for error in list(schema.error_log)[:_MAX_SCHEMA_ERRORS]:
        message = error.message.replace(f"{{{BPMN_NS}}}", "bpmn:")
        message = message.replace(f"{{{SPIFF_NS}}}", "spiffworkflow:")
        element = by_line.get(error.line)
        problems.append(Problem(
            f"the diagram does not follow the BPMN 2.0 standard: {message}", file=file,
            element_id=owner_of(element).get("id") if element is not None else None,
            line=error.line or None))
    return problems


def check_with_spiff(trees: Mapping[str, etree._ElementTree],
                     dmn_trees: Mapping[str, etree._ElementTree]) -> list[Problem]:
    """Parse everything with SpiffWorkflow and translate what it cannot execute."""
    parser = SpiffBpmnParser()
    everything = {**dmn_trees, **trees}
    problems = []
    # Its parsers raise bare IndexError, KeyError, ... besides ValidationException,
    # hence the broad excepts: every one of them becomes a problem, none escapes.
    for name, tree in dmn_trees.items():
        try:
            parser.add_dmn_xml(tree.getroot(), filename=name)  # the root: it reads .nsmap
        except Exception as error:
            problems.append(_from_spiff(error, name, everything))
    for dmn_parser in {id(p): p for p in parser.dmn_parsers.values()}.values():
        try:
            dmn_parser.parse()
        except Exception as error:
            problems.append(_from_spiff(error, dmn_parser.filename, everything))
    for name, tree in trees.items():
        try:
            parser.add_bpmn_xml(tree, filename=name)
        except Exception as error:
            problems.append(_from_spiff(error, name, everything))
    # Parsing a process registers its embedded subprocesses: go round until none is new.
    done: set[str] = set()
    while pending := [p for p in parser.get_process_ids() if p not in done]:
        for process_id in pending:
            done.add(process_id)
            try:
                parser.get_spec(process_id)
            except Exception as error:
                file = parser.get_process_parser(process_id).filename
                problems.append(_from_spiff(error, file, everything))
    return problems


def _from_spiff(error: Exception, file: str | None,
                trees: Mapping[str, etree._ElementTree]) -> Problem:
    """Turn a SpiffWorkflow parser error into a located, plainly worded problem."""
    raw = str(error.args[0]) if error.args else ""
    file = getattr(error, "file_name", None) or file
    element_id = getattr(error, "id", None) or None
    element = None
    if element_id:
        # Its exceptions rarely carry a line (they look for a .line_number lxml never
        # sets), and DMN ones no file name, so find the element in our own trees.
        for name in [file, *(n for n in trees if n != file)]:
            found = _find(trees[name], element_id) if name and name in trees else None
            if found is not None:
                file, element = name, found
                break
    dangling = re.search(_SPIFF_WORDING[0][0], raw)
    if dangling and element is not None:
        # Point at the dangling flow itself rather than the element it leaves from.
        flows = element.getparent().xpath(
            "bpmn:sequenceFlow[@sourceRef=$s and @targetRef=$t]", namespaces=NS,
            s=element_id, t=dangling.group("target"))
        element = flows[0] if flows else element
    store = re.search(_NO_STORE, raw, re.DOTALL)
    if element is None and store and file is not None and file in trees:
        stores = trees[file].xpath("//bpmn:dataStore[@name=$n]", namespaces=NS,
                                   n=store.group("store"))
        element = stores[0] if stores else None
    if element is not None:
        return Problem(_reword(raw, error), file=file, element_id=element.get("id"),
                       line=element.sourceline)
    line = getattr(error, "line_number", None)
    return Problem(_reword(raw, error), file=file, element_id=element_id,
                   line=line if isinstance(line, int) and line > 0 else None)


def _reword(raw: str, error: Exception) -> str:
    """Return SpiffWorkflow's complaint in a process owner's words."""
    for pattern, wording in _SPIFF_WORDING:
        match = re.search(pattern, raw, re.DOTALL)
        if match:
            groups = {k: (v.lower() if k == "kind" else " ".join(v.split()))
                      for k, v in match.groupdict().items()}
            return wording.format(**groups)
    if isinstance(error, ValidationException) and raw and not _PYTHON_REPR.match(raw):
        return raw  # one of SpiffWorkflow's own sentences that we have no wording for
    # A Python exception from inside the parser: its text would mean nothing to the owner.
    return "the process engine could not read this element; check that it is complete"


def _find(tree: etree._ElementTree, element_id: str) -> etree._Element | None:
    found = tree.xpath("//*[@id=$id]", id=element_id)
    return found[0] if found else None
