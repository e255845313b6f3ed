"""Judge one BPMN or DMN file the way Liaison would: upload, validate, deploy, run.

Each file gets a database of its own (a copy of one migrated SQLite file), is
uploaded under its process id (Liaison's one naming rule, which its own
message tells a process owner to follow) together with the decision tables of
its folder, after the processes of its folder it calls have been deployed,
and, once deployed, is started with no data and run until it finishes or
waits. What happens is one ``Outcome``.
"""

from __future__ import annotations

import re
import shutil
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.common.clock import FrozenClock
from engine.common.db import make_engine, make_session_factory
from engine.common.errors import DefinitionError, LiaisonError, Problem
from engine.common.migrate import upgrade
from engine.common.settings import PROJECT_ROOT
from engine.system import assemble_runtime
from engine.workflow.catalog import bundle_of_uploads
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.instances import LIVE, load_workflow, start_instance
from engine.workflow.lanes import load_lane_roles
from engine.workflow.models import Incident, ProcessInstance
from engine.workflow.runtime import Runtime
from engine.workflow.validation.definitions import validate_definitions
from engine.workflow.validation.scripts import NS
from engine.workflow.xmlsafe import parse_xml

Status = Literal["ran", "deployed", "rejected", "failed"]
SUFFIXES = (".bpmn", ".dmn", ".xml")

# A rejection's reason class is that of its weightiest problem: the first class that matches.
REASONS: tuple[tuple[str, str], ...] = (
    (r"DOCTYPE", "DOCTYPE refused"),
    (r"not well-formed XML", "malformed XML"),
    (r"saved as UTF-8", "not UTF-8"),
    (r"larger than \d+ MB", "file too large"),
    (r"this is not a (BPMN|DMN) file", "not BPMN or DMN"),
    (r"contains no process", "no process"),
    (r"is not executable", "not executable"),
    (r"several executable processes", "several executable processes"),
    (r"JUEL/FEEL|expression language|script format", "non-Python expression language"),
    (r"cannot run this kind of element", "unsupported element"),
    (r"business rule task", "decision not found"),
    (r"decision", "unusable decision table"),
    (r"data store", "unknown data store"),
    (r"does not follow the BPMN 2\.0 standard", "not valid BPMN 2.0 XML"),
    (r"user task names no form|form '.*' was not uploaded|the form ", "user task without a form"),
    (r"lane", "lane maps to no role"),
    (r"call activity", "call activity target missing"),
    (r"timer", "unusable timer"),
    (r"no end event", "no end event"),
    (r"subprocess|multi-instance|looping task|start event",
     "incomplete subprocess, loop or event"),
    (r"script|expression|[Nn]ame '", "script refused by the sandbox"),
    (r".", "other structural problem"),
)
# Validation's wording for a parser error it has no words for: a raw exception in disguise.
UNEXPLAINED = "the process engine could not read this element"


@dataclass(frozen=True)
class Outcome:
    """What became of one file: a status, a short reason class and the located detail."""

    file: str
    status: Status
    reason: str = ""
    detail: str = ""

    @property
    def label(self) -> str:
        return {"ran": "ran to completion",
                "deployed": f"deployed ({self.reason})",
                "rejected": f"rejected: {self.reason}",
                "failed": f"FAILED: {self.reason}"}[self.status]


def corpus_files(root: Path) -> list[Path]:
    """Every BPMN and DMN file under ``root``, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def migrated_template(folder: Path) -> Path:
    """Create the empty, migrated SQLite database every file's run starts from."""
    path = folder / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def conformance_runtime() -> Runtime:
    """The production runtime with a frozen clock: a timer waits rather than fires."""
    return assemble_runtime(clock=FrozenClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
                            lane_roles=load_lane_roles(PROJECT_ROOT / "processes"))


def judge(path: Path, *, root: Path, template: Path, rt: Runtime) -> Outcome:
    """Upload, deploy and run one file; any exception Liaison did not word is a failure."""
    name = path.relative_to(root).as_posix()
    try:
        if path.suffix.lower() == ".dmn":
            return _judge_decision(path, name)
        database = template.with_name("run.sqlite3")  # one file at a time per template
        shutil.copyfile(template, database)
        engine = make_engine(f"sqlite:///{database}")
        try:
            return _judge_process(path, name, make_session_factory(engine), rt)
        finally:
            engine.dispose()
            database.unlink(missing_ok=True)
    except Exception as error:  # the finding this check exists for
        where = traceback.extract_tb(error.__traceback__)[-1]
        return Outcome(name, "failed", f"raw {type(error).__name__}",
                       f"{error} (raised at {Path(where.filename).name}:{where.lineno})")


def _judge_decision(path: Path, name: str) -> Outcome:
    """A decision table deploys only with a process: check it the way such a deploy would."""
    problems = validate_definitions({}, dmn={path.name: path.read_bytes()})
    if problems:
        return _rejected(name, problems, {path.name: name})
    return Outcome(name, "deployed", "decision table",
                   "valid; deployed with the processes of its folder that call it")


def _judge_process(path: Path, name: str, sessions: sessionmaker[Session],
                   rt: Runtime) -> Outcome:
    folder = _Folder(path.parent)
    for callee in folder.callees_of(path):
        with sessions() as session:  # a callee that fails is reported under its own name
            try:
                deploy(session, rt, folder.bundle(callee), actor="conformance")
                session.commit()
            except DefinitionError:
                session.rollback()
    bundle = folder.bundle(path)
    names = {upload: name for upload in bundle.bpmn}
    with sessions() as session:
        try:
            [deployed] = deploy(session, rt, bundle, actor="conformance")
        except DefinitionError as error:
            return _rejected(name, error.problems, names)
        session.commit()
    with sessions() as session:
        try:
            instance = start_instance(session, rt, process_id=deployed.process_id,
                                      actor="conformance")
        except LiaisonError as error:
            return Outcome(name, "failed", "deployed but could not start", error.message)
        session.commit()
        return _run_outcome(session, rt, instance, name, path)


def _run_outcome(session: Session, rt: Runtime, instance: ProcessInstance, name: str,
                 path: Path) -> Outcome:
    """Classify a started instance: completed, stopped at an incident, or waiting for what."""
    lines = _lines_by_id(path)
    if instance.status == "completed":
        return Outcome(name, "ran")
    if instance.status == "error":
        incident = session.scalars(select(Incident).where(
            Incident.instance_id == instance.id)).one()
        reason = _incident_reason(incident)
        line = lines.get(incident.element_id or "")  # the incident's own line is the script's
        return Outcome(name, "deployed", reason,
                       f"{name}:{line} [{incident.element_id}]: {incident.message}")
    waits = _waits(load_workflow(session, rt, instance))
    if not waits:
        return Outcome(name, "failed", "neither finished nor waiting",
                       f"instance status {instance.status!r} with nothing to wait for")
    kinds = sorted({kind for kind, _ in waits})
    where = ", ".join(f"{bpmn_id} (line {lines.get(bpmn_id)})" for _, bpmn_id in waits[:3])
    return Outcome(name, "deployed", "waits for " + " and ".join(kinds), f"waits at {where}")


def _incident_reason(incident: Incident) -> str:
    """Why the run stopped, in classes a reader can count."""
    if incident.kind == "script_budget_exceeded":
        return "stopped by the step budget"
    if re.search(r"name '.*' is not defined", incident.message):
        return "stopped: a script needs data it was not given"
    if "no service named" in incident.message:
        return "stopped: calls a service Liaison does not have"
    return "stopped at an incident: " + incident.kind.replace("_", " ")


def _waits(workflow: BpmnWorkflow) -> list[tuple[str, str]]:
    """What the instance waits for: people first, then events, boundary events last."""
    live = workflow.get_tasks(state=LIVE)
    people = [t for t in live if t.task_spec.manual]
    events = [t for t in live if getattr(t.task_spec, "event_definition", None) is not None]
    inner = [t for t in events if not isinstance(t.task_spec, BoundaryEvent)]
    return [(_waited_for(t), t.task_spec.bpmn_id or t.task_spec.name)
            for t in people or inner or events]


def _waited_for(task: Task) -> str:
    spec = task.task_spec
    if spec.manual:
        return {"UserTask": "a user task", "ManualTask": "a manual task"}.get(
            type(spec).__name__, "a plain task done by hand")
    return _event_name(spec.event_definition)


def _event_name(definition: object) -> str:
    if isinstance(definition, MultipleEventDefinition):
        return " or ".join(sorted({_event_name(d) for d in definition.event_definitions}))
    if isinstance(definition, TimerEventDefinition):
        return "a timer"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ",
                   type(definition).__name__.removesuffix("EventDefinition")).lower()
    return ("an " if words[0] in "aeiou" else "a ") + words


def _rejected(name: str, problems: list[Problem], names: dict[str, str]) -> Outcome:
    """A refused upload: the reason class of its weightiest problem, located in the corpus."""
    def rank(problem: Problem) -> int:
        return next(i for i, (pattern, _) in enumerate(REASONS)
                    if re.search(pattern, problem.message))

    def in_corpus(problem: Problem) -> Problem:
        return Problem(problem.message, file=names.get(problem.file or "", problem.file),
                       element_id=problem.element_id, line=problem.line)

    # Every problem must be plain and located, not only the one shown.
    for problem in problems:
        if UNEXPLAINED in problem.message:
            return Outcome(name, "failed", "unexplained parser error", str(in_corpus(problem)))
        if problem.file is None or problem.line is None:
            return Outcome(name, "failed", "rejection without a location",
                           str(in_corpus(problem)))
    first = min(problems, key=rank)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Outcome(name, "rejected", REASONS[rank(first)][1], f"{in_corpus(first)}{more}")


def _lines_by_id(path: Path) -> dict[str, int]:
    try:
        tree = parse_xml(path.read_bytes(), file=path.name)
    except DefinitionError:
        return {}
    return {e.get("id"): e.sourceline for e in tree.iter(etree.Element) if e.get("id")}


class _Folder:
    """The files beside one process file: the processes it may call, the decisions it uses."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: dict[Path, tuple[list[str], list[str]]] = {}  # executable ids, calls
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix.lower() in (".bpmn", ".xml"):
                self.processes[path] = _ids_and_calls(path)
        self.decisions = {p.name: p.read_bytes() for p in sorted(folder.rglob("*.dmn"))
                          if not validate_definitions({}, dmn={p.name: p.read_bytes()})}

    def callees_of(self, path: Path) -> list[Path]:
        """The other files of the folder ``path`` calls, callees before callers."""
        order: list[Path] = []

        def visit(current: Path, seen: set[Path]) -> None:
            for called in self.processes.get(current, ([], []))[1]:
                for other, (ids, _) in self.processes.items():
                    if called in ids and other not in seen and other != path:
                        seen.add(other)
                        visit(other, seen)
                        order.append(other)

        visit(path, {path})
        return order

    def bundle(self, path: Path) -> Bundle:
        """The upload a process owner would make: the file named after its process."""
        ids = self.processes.get(path, ([], []))[0]
        upload = f"{ids[0]}.bpmn" if len(ids) == 1 else path.name.split(".bpmn")[0] + ".bpmn"
        return bundle_of_uploads([(upload, path.read_bytes()), *self.decisions.items()])


def _ids_and_calls(path: Path) -> tuple[list[str], list[str]]:
    try:
        root = parse_xml(path.read_bytes(), file=path.name).getroot()
    except DefinitionError:
        return [], []
    ids = root.xpath("bpmn:process[@isExecutable='true']/@id", namespaces=NS)
    calls = root.xpath("//bpmn:callActivity/@calledElement", namespaces=NS)
    return [str(i) for i in ids], [str(c) for c in calls]


def summary_lines(outcomes: Iterable[Outcome]) -> list[tuple[str, int]]:
    """Outcome labels with their counts, the most common first."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.label] = counts.get(outcome.label, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
