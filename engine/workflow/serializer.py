"""Workflow state without the process spec.

SpiffWorkflow's default serialization embeds the whole spec in every
instance, and rebuilding it dominates load time. We store only the task
tree and data; the spec comes from the in-memory cache of deployed
versions (``engine.workflow.specs``), so loading never re-parses or rebuilds one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.common.errors import LiaisonError
from engine.workflow.specs import CompiledSpec

# Ours, then SpiffWorkflow's own format version: either moving needs a migration.
SERIALIZER_VERSION = "L1/1.5"

# One function per old version, each turning its dict into the next version's.
MIGRATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Leave the spec out when saving; take it from the cache when loading."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        # Skip BpmnWorkflowConverter.to_dict, which would convert the spec too.
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct: dict[str, Any], compiled: CompiledSpec) -> BpmnWorkflow:
        workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Turn a workflow into a JSON string and back, against a cached spec."""

    def __init__(self) -> None:
        self._registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
        self._converter = _SpecFreeWorkflowConverter(BpmnWorkflow, self._registry)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        return json.dumps(self._registry.convert(workflow), separators=(",", ":"))

    def loads(self, state: str, version: str, compiled: CompiledSpec,
              script_engine: Any) -> BpmnWorkflow:
        dct = json.loads(state)
        while version != SERIALIZER_VERSION:
            migrate = MIGRATIONS.get(version)
            if migrate is None:
                raise LiaisonError(f"stored state has format {version!r}, which this "
                                   f"version of Liaison cannot read")
            dct = migrate(dct)
            version = dct.pop("_version")
        workflow = self._converter.restore(dct, compiled)
        workflow.script_engine = script_engine
        return workflow
