"""Parsed process specs, cached in memory per set of deployed versions.

Parsing BPMN is the slow part of running a process; a deployed version
never changes, so its parsed spec is kept for the life of the process and
keyed by content hash (safe across databases and restarts).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonschema.protocols import Validator
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.task import Task

from engine.common.errors import DefinitionError, Problem
from engine.workflow.decisions import DecisionParser
from engine.workflow.forms import FormValidator
from engine.workflow.models import ProcessVersion
from engine.workflow.xmlsafe import parse_xml

# The data a process starts on, declared beside its task forms; optional.
START_FORM = "start.schema.json"


@dataclass
class CompiledSpec:
    """A top-level spec, the specs of the processes it calls, and their forms."""

    process_id: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, dict[str, Any]]  # "process_id/file name" -> JSON Schema or UI schema
    start_events: tuple[str, ...] = ()    # ids of the top-level start events
    timer_starts: frozenset[str] = frozenset()  # those of them that schedules fire
    # Spec name -> the deployed process its tasks belong to (their forms, the inbox's filter):
    # an embedded subprocess belongs to the process drawn around it, a called one to itself.
    owners: dict[str, str] = field(default_factory=dict)
    _validators: dict[str, Validator] = field(default_factory=dict)

    def form_validator(self, key: str) -> Validator | None:
        """Return a (cached) validator for the form ``process_id/file``, patterns run by RE2."""
        validator = self._validators.get(key)
        if validator is None and key in self.forms:
            validator = FormValidator(self.forms[key])
            self._validators[key] = validator
        return validator

    def owner_of(self, task: Task) -> str:
        """The id of the deployed process ``task`` belongs to (its forms are that process's)."""
        name: str = task.workflow.spec.name
        return self.owners.get(name, name)

    def start_validator(self) -> Validator | None:
        """Return the validator of this process's start data, if it declares one."""
        return self.form_validator(f"{self.process_id}/{START_FORM}")


def build_parser(versions: Sequence[ProcessVersion]) -> DecisionParser:
    parser = DecisionParser()
    for version in versions:
        tree = parse_xml(version.bpmn_xml.encode(), file=version.bpmn_file)
        parser.add_bpmn_xml(tree, filename=version.bpmn_file)
    # Decisions share one namespace and the last one added wins: the started
    # process's own tables go last, so a called process's copies never replace them.
    for version in reversed(versions):
        for name, text in version.dmn.items():
            parser.add_dmn_xml(parse_xml(text.encode(), file=name).getroot(), filename=name)
    return parser


def compile_versions(versions: Sequence[ProcessVersion]) -> CompiledSpec:
    """Parse the first version's process, with the processes it calls after it."""
    top = versions[0]
    parser = build_parser(versions)
    try:
        spec = parser.get_spec(top.process_id)
        subprocess_specs = parser.get_subprocess_specs(top.process_id)
    except Exception as error:  # SpiffWorkflow's parser raises many unrelated types
        raise DefinitionError([Problem(str(error), file=top.bpmn_file)],
                              process_id=top.process_id, version=top.version) from error
    forms: dict[str, dict[str, Any]] = {}
    for version in versions:
        for name, text in version.forms.items():
            forms[f"{version.process_id}/{name}"] = json.loads(text)
    starts = [t for t in spec.task_specs.values() if isinstance(t, StartEvent)]
    timer_starts = frozenset(_hand_timers_to_schedules(starts))
    return CompiledSpec(top.process_id, spec, subprocess_specs, forms,
                        start_events=tuple(sorted(t.bpmn_id for t in starts)),
                        timer_starts=timer_starts,
                        owners=_owners(top.process_id, spec, subprocess_specs))


def _owners(process_id: str, spec: BpmnProcessSpec,
            subprocess_specs: dict[str, BpmnProcessSpec]) -> dict[str, str]:
    """Map each spec's name to the process it was deployed in.

    SpiffWorkflow names an embedded subprocess's spec after the subprocess
    element (``inner``), yet its user tasks' forms were deployed with the
    process that draws it; a call activity's process brings its own.
    """
    owners = {spec.name: process_id}
    pending = [(spec, process_id)]
    while pending:
        current, owner = pending.pop()
        for task_spec in current.task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask):
                continue
            child = subprocess_specs.get(task_spec.spec)
            if child is None or child.name in owners:
                continue
            owners[child.name] = child.name if isinstance(task_spec, CallActivity) else owner
            pending.append((child, owners[child.name]))
    return owners


def _hand_timers_to_schedules(starts: list[StartEvent]) -> list[str]:
    """Make timer start events plain ones; return their ids.

    Left to SpiffWorkflow, a cycle start event adds a branch to the same instance
    at every occurrence, forever. Liaison's schedules start a new instance per
    occurrence instead, entering through that start event (``engine.workflow.timers.schedules``).
    """
    ids = []
    for start in starts:
        if isinstance(start.event_definition, TimerEventDefinition):
            start.event_definition = NoneEventDefinition()
            ids.append(start.bpmn_id)
    return ids


class SpecCache:
    """An LRU of compiled specs; thread-safe, shared by every request and worker."""

    def __init__(self, maxsize: int = 256) -> None:
        self._items: OrderedDict[tuple[str, ...], CompiledSpec] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, versions: Sequence[ProcessVersion]) -> CompiledSpec:
        key = tuple(v.content_hash for v in versions)
        with self._lock:
            compiled = self._items.get(key)
            if compiled is not None:
                self._items.move_to_end(key)
                return compiled
        compiled = compile_versions(versions)
        with self._lock:
            self._items[key] = compiled
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)
        return compiled

    def __len__(self) -> int:
        return len(self._items)
