"""Check process definitions before they are deployed.

``validate_definitions`` reads a batch of BPMN and DMN files with their forms
and returns every problem it finds, each located by file, element id and line
and worded for the process owner who drew the diagram. It layers Liaison's
own rules (one executable process per file named after it, Python only,
forms and lanes that resolve) over what SpiffWorkflow's parser refuses.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from engine.common.errors import DefinitionError, Problem
from engine.workflow.forms import pattern_problems
from engine.workflow.validation.decisions import check_decisions
from engine.workflow.validation.scripts import BPMN_NS, NS, check_python
from engine.workflow.validation.spiff import (
    CALLED_MISSING,
    MALFORMED_OUTPUT,
    check_schema,
    check_with_spiff,
)
from engine.workflow.xmlsafe import parse_xml

__all__ = ["validate_definitions"]

_NOTHING: Mapping[str, bytes] = MappingProxyType({})


def validate_definitions(bpmn: Mapping[str, bytes], *, dmn: Mapping[str, bytes] = _NOTHING,
                         forms: Mapping[str, bytes] = _NOTHING,
                         lane_roles: Mapping[str, str] | None = None,
                         known_process_ids: Collection[str] = (),
                         require_id_matches_file: bool = True) -> list[Problem]:
    """Return every problem with a batch of definitions; [] when it can be deployed."""
    problems: list[Problem] = []
    trees = _read_all(bpmn, problems, kind="BPMN")
    dmn_trees = _read_all(dmn, problems, kind="DMN")
    in_batch = {p.get("id") for tree in trees.values() for p in _processes(tree)}
    callable_ids = in_batch | set(known_process_ids)
    checked_forms: set[str] = set()
    for name, tree in trees.items():
        problems += _check_processes(tree, name, require_id_matches_file)
        problems += check_python(tree, name)
        problems += _check_user_tasks(tree, name, forms, checked_forms)
        if lane_roles is not None:
            problems += _check_lanes(tree, name, lane_roles)
        problems += _check_calls(tree, name, callable_ids)
        problems += _check_gateways(tree, name)
        problems += _check_end_events(tree, name)
        problems += check_schema(tree, name)
    in_tables = [p for name, tree in dmn_trees.items() for p in check_decisions(tree, name)]
    # SpiffWorkflow refuses a malformed output too, less precisely: say it once, ours.
    vetted = {p.file for p in in_tables}
    problems += in_tables + [p for p in check_with_spiff(trees, dmn_trees)
                             if not (p.message == MALFORMED_OUTPUT and p.file in vetted)]
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file or "", p.line or 0))


def _read_all(files: Mapping[str, bytes], problems: list[Problem], *,
              kind: str) -> dict[str, etree._ElementTree]:
    """Parse each file safely, keeping those that are UTF-8 XML of the right kind."""
    trees = {}
    for name, data in files.items():
        try:
            tree = parse_xml(data, file=name)
        except DefinitionError as error:
            problems += error.problems
            continue
        try:
            # Deployment stores definitions as text, so other encodings cannot be kept.
            bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            line = bytes(data)[:error.start].count(b"\n") + 1
            problems.append(Problem("the file must be saved as UTF-8 text", file=name, line=line))
            continue
        top = etree.QName(tree.getroot())
        namespace = top.namespace or ""
        if top.localname != "definitions" or (
                namespace != BPMN_NS if kind == "BPMN" else "/DMN/" not in namespace.upper()):
            problems.append(Problem(
                f"this is not a {kind} file: it starts with <{top.localname}> instead of "
                f"{kind} definitions", file=name, line=tree.getroot().sourceline))
            continue
        trees[name] = tree
    return trees


def _processes(tree: etree._ElementTree) -> list[etree._Element]:
    return tree.getroot().findall("bpmn:process", NS)


def _at(element: etree._Element, file: str, message: str) -> Problem:
    return Problem(message, file=file, element_id=element.get("id"), line=element.sourceline)


def _check_processes(tree: etree._ElementTree, file: str, id_matches_file: bool) -> list[Problem]:
    """Require exactly one executable process per file, named like the file."""
    processes = _processes(tree)
    if not processes:
        return [Problem("this file contains no process", file=file, line=tree.getroot().sourceline)]
    problems = []
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    for process in processes:
        if process not in executable:
            problems.append(_at(process, file, (
                f"process '{process.get('id')}' is not executable; tick 'Executable' in the "
                "modeler (isExecutable=\"true\")")))
    if len(executable) > 1:
        ids = ", ".join(f"'{p.get('id')}'" for p in executable)
        problems += [_at(p, file, f"this file holds several executable processes ({ids}); "
                                  "put each process in its own file") for p in executable[1:]]
    stem = Path(file).stem
    for process in executable:
        process_id = process.get("id")
        if not process_id:
            problems.append(_at(process, file, f"this process has no id; give it the id {stem}"))
        elif id_matches_file and process_id != stem:
            problems.append(_at(process, file, (
                f"process id '{process_id}' does not match the file name '{file}'; name the "
                f"file {process_id}.bpmn or change the process id to {stem}")))
    return problems


def _check_user_tasks(tree: etree._ElementTree, file: str, forms: Mapping[str, bytes],
                      checked: set[str]) -> list[Problem]:
    """Require each user task to name a form that exists and is a valid JSON Schema."""
    problems = []
    for task in tree.xpath("//bpmn:userTask", namespaces=NS):
        process_id = task.xpath("ancestor::bpmn:process/@id", namespaces=NS)
        props = {p.get("name"): p for p in task.xpath(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
            namespaces=NS)}
        schema_prop = props.get("formJsonSchemaFilename")
        if schema_prop is None or not (schema_prop.get("value") or "").strip():
            problems.append(_at(task, file, (
                "this user task names no form; set its property formJsonSchemaFilename "
                "to the form's file name, e.g. review.schema.json")))
            continue
        for prop, is_schema in ((schema_prop, True), (props.get("formUiSchemaFilename"), False)):
            if prop is None or not (prop.get("value") or "").strip():
                continue
            key = f"{process_id[0] if process_id else ''}/{prop.get('value').strip()}"
            if key not in forms:
                problems.append(Problem(
                    f"form '{key}' was not uploaded; add it as forms/{key}",
                    file=file, element_id=task.get("id"), line=prop.sourceline))
            elif key not in checked:
                checked.add(key)
                problems += _check_form(key, forms[key], task.get("id"), is_schema=is_schema)
    return problems


def _check_form(key: str, data: bytes, task_id: str | None, *, is_schema: bool) -> list[Problem]:
    """Require a JSON object and, for the data form, a JSON Schema whose patterns RE2 runs."""
    def problem(message: str, line: int | None = None) -> list[Problem]:
        return [Problem(message, file=key, element_id=task_id, line=line)]

    try:
        document = json.loads(bytes(data).decode("utf-8"))
    except UnicodeDecodeError:
        return problem("the form must be saved as UTF-8 text")
    except json.JSONDecodeError as error:
        return problem(f"the form is not valid JSON: {error.msg} at line {error.lineno}",
                       error.lineno)
    except RecursionError:
        return problem("the form is nested too deeply to read")
    if not isinstance(document, dict):
        return problem("the form must be a JSON object")
    if not is_schema:
        return []
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as error:
        where = "/".join(str(p) for p in error.path)
        at = f" (at '{where}')" if where else ""
        return problem(f"the form is not a valid JSON Schema{at}: {error.message}")
    except RecursionError:
        return problem("the form is nested too deeply to read")
    return [Problem(f"{reason} (at {pointer})", file=key,
                    element_id=task_id) for pointer, reason in pattern_problems(document)]


def _check_lanes(tree: etree._ElementTree, file: str,
                 lane_roles: Mapping[str, str]) -> list[Problem]:
    """Require every lane to map to a role, looked up the way the runtime does."""
    problems = []
    for lane in tree.xpath("//bpmn:lane", namespaces=NS):
        name = (lane.get("name") or "").strip()
        if not name:
            problems.append(_at(lane, file, "this lane has no name, so it maps to no role; "
                                            "name it and add it to processes/lanes.json"))
        elif not (lane_roles.get(lane.get("name")) or lane_roles.get(name.lower())):
            problems.append(_at(lane, file, f"lane '{name}' maps to no role; "
                                            "add it to processes/lanes.json"))
    return problems


def _check_calls(tree: etree._ElementTree, file: str, callable_ids: set[str]) -> list[Problem]:
    """Require each call activity to call a process in this upload or already deployed."""
    problems = []
    for call in tree.xpath("//bpmn:callActivity", namespaces=NS):
        called = (call.get("calledElement") or "").strip()
        if not called:
            problems.append(_at(call, file, CALLED_MISSING))
        elif called not in callable_ids:
            problems.append(_at(call, file, f"this call activity calls process '{called}', "
                                            "which is neither in this upload nor deployed"))
    return problems


def _check_gateways(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Refuse gateways with no way out: SpiffWorkflow accepts them and then stalls."""
    sources = set(tree.xpath("//bpmn:sequenceFlow/@sourceRef", namespaces=NS))
    gateways = [element for element in tree.iter(f"{{{BPMN_NS}}}*")
                if etree.QName(element).localname.endswith("Gateway")]
    return [_at(g, file, "this gateway has no outgoing flow, so the process would get stuck here")
            for g in gateways if g.get("id") not in sources]


def _check_end_events(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Refuse a process with no end event: SpiffWorkflow finishes an instance only at one.

    Without it an instance stops at its last step, neither finished nor waiting,
    and nothing says why. (A side path that just stops is fine when another path
    reaches an end event, so only the process as a whole is checked.)
    """
    return [_at(process, file, "this process has no end event, so none of its instances "
                               "could ever finish; end each path with an end event")
            for process in _processes(tree)
            if process.get("isExecutable") == "true"
            and not process.xpath("bpmn:endEvent", namespaces=NS)]
