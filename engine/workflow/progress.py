"""How far an instance has come, per diagram: the element ids done and the ones waiting.

A diagram viewer highlights these. The workflow is loaded once for it; the
audit log adds the user tasks it recorded, so a step stays marked done even
where SpiffWorkflow no longer keeps its task.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task, TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.workflow.form_labels import FormLabels, labels_by_language
from engine.workflow.instances import compiled_spec, load_workflow
from engine.workflow.models import ProcessInstance, ProcessVersion
from engine.workflow.runtime import Runtime
from engine.workflow.specs import CompiledSpec


@dataclass(frozen=True)
class ProcessProgress:
    """One run of one diagram: the instance's own, or a process it called."""

    process_id: str
    version: int | None
    status: str                  # running | completed | error
    bpmn_xml: str
    completed_ids: list[str]
    current_ids: list[str]       # open user tasks, waiting timers, running call activities
    # An element done before and waiting again (a re-opened triage) is only current.
    labels: dict[str, FormLabels] = field(default_factory=dict)  # its forms' words by language


def instance_progress(session: Session, rt: Runtime, instance: ProcessInstance
                      ) -> tuple[ProcessProgress, list[ProcessProgress]]:
    """Return the instance's progress and that of each process it called, in call order."""
    versions = {v.process_id: v for v in session.scalars(
        select(ProcessVersion).where(ProcessVersion.id.in_(
            [instance.process_version_id, *instance.called_version_ids])))}
    done = _recorded_done(session, instance.id)
    compiled = compiled_spec(session, rt, instance)
    workflow: BpmnWorkflow = load_workflow(session, rt, instance, compiled)
    # An embedded subprocess is drawn inside the diagram around it: its tasks count there.
    tasks: dict[int, list[Task]] = {id(workflow): list(workflow.tasks.values())}
    runs: list[BpmnSubWorkflow] = []
    for sub in workflow.subprocesses.values():
        drawn_in = _diagram_of(sub, compiled)
        if drawn_in is sub:
            runs.append(sub)
        tasks.setdefault(id(drawn_in), []).extend(sub.tasks.values())
    own = _progress(versions.get(instance.process_id), instance.process_id, instance.status,
                    tasks[id(workflow)], done.get(instance.process_id, set()))
    called = []
    for sub in runs:
        name = sub.spec.name
        if name not in versions:
            continue
        status = "completed" if sub.completed else (
            "error" if instance.status == "error" else "running")
        called.append(_progress(versions[name], name, status, tasks[id(sub)], set()))
    if called:
        # The audit log cannot tell two calls of one process apart: credit the latest.
        last = called[-1]
        extra = done.get(last.process_id, set()) - set(last.current_ids)
        called[-1] = ProcessProgress(**{**last.__dict__, "completed_ids": sorted(
            set(last.completed_ids) | extra)})
    return own, called


def _diagram_of(sub: BpmnSubWorkflow, compiled: CompiledSpec) -> BpmnWorkflow | BpmnSubWorkflow:
    """The run of a deployed process that draws ``sub``: itself if it was called."""
    current: BpmnWorkflow | BpmnSubWorkflow = sub
    while isinstance(current, BpmnSubWorkflow) and \
            compiled.owners.get(current.spec.name, current.spec.name) != current.spec.name:
        current = current.parent_workflow
    return current


def _progress(version: ProcessVersion | None, process_id: str, status: str, tasks: list[Task],
              recorded: set[str]) -> ProcessProgress:
    completed, current = set(recorded), set()
    for task in tasks:
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id is None:
            continue  # the engine's own start and end tasks
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif _is_current(task):
            current.add(bpmn_id)
    return ProcessProgress(process_id=process_id, version=version.version if version else None,
                           status=status, bpmn_xml=version.bpmn_xml if version else "",
                           completed_ids=sorted(completed - current),
                           current_ids=sorted(current),
                           labels=labels_by_language(version) if version else {})


def _is_current(task: Task) -> bool:
    if task.state == TaskState.READY:
        return bool(task.task_spec.manual)
    if task.state == TaskState.WAITING:
        definition = getattr(task.task_spec, "event_definition", None)
        return isinstance(definition, TimerEventDefinition)
    if task.state == TaskState.STARTED:
        return task.workflow.top_workflow.subprocesses.get(task.id) is not None
    return False


def _recorded_done(session: Session, instance_id: int) -> dict[str, set[str]]:
    done: dict[str, set[str]] = {}
    rows = session.execute(select(AuditEvent.process_id, AuditEvent.element_id).where(
        AuditEvent.instance_id == instance_id, AuditEvent.kind == "task_completed"))
    for process_id, element_id in rows:
        if process_id and element_id:
            done.setdefault(process_id, set()).add(element_id)
    return done
