"""Deploy process definitions as new, immutable versions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator, SchemaError
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import DefinitionError, LiaisonError, Problem
from engine.workflow.form_overlays import LANGUAGES
from engine.workflow.models import ProcessVersion
from engine.workflow.runtime import Runtime
from engine.workflow.specs import START_FORM
from engine.workflow.timers.iso8601 import is_literal, recurrence
from engine.workflow.timers.schedules import sync_schedules
from engine.workflow.validation.definitions import validate_definitions
from engine.workflow.versions import deployed_process_ids, latest_version
from engine.workflow.xmlsafe import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class Bundle:
    """Files submitted together: BPMN and DMN by file name, forms by "process_id/file"."""

    bpmn: dict[str, bytes] = field(default_factory=dict)
    dmn: dict[str, bytes] = field(default_factory=dict)
    forms: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, paths: Iterable[Path], forms_root: Path | None = None) -> Bundle:
        """Collect BPMN/DMN files (or folders of them) and the forms of their processes.

        Forms are looked up in ``forms_root`` or, failing that, in the ``forms``
        folder beside the ``processes`` folder the file came from.
        """
        bundle = cls()
        for path in paths:
            files = sorted(path.glob("*.bpmn")) + sorted(path.glob("*.dmn")) \
                if path.is_dir() else [path]
            for file in files:
                if file.suffix == ".dmn":
                    bundle.dmn[file.name] = file.read_bytes()
                    continue
                bundle.bpmn[file.name] = file.read_bytes()
                root = forms_root or file.resolve().parent.parent / "forms"
                folder = root / file.stem
                if folder.is_dir():
                    for form in sorted(folder.glob("*.json")):
                        bundle.forms[f"{file.stem}/{form.name}"] = form.read_bytes()
        return bundle


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    created: bool  # False when the content was unchanged and the latest version stands


def validate(session: Session, rt: Runtime, bundle: Bundle) -> list[Problem]:
    """Return every problem with the bundle; [] when it can be deployed."""
    if not bundle.bpmn:
        return [Problem("no BPMN file was given")]
    problems = validate_definitions(bundle.bpmn, dmn=bundle.dmn, forms=bundle.forms,
                                    lane_roles=rt.lane_roles,
                                    known_process_ids=deployed_process_ids(session))
    if problems:
        return problems
    for file_name, data in sorted(bundle.bpmn.items()):
        try:
            _timer_starts(rt, data, file_name)
        except DefinitionError as error:
            problems += error.problems
    return problems + _start_form_problems(bundle.forms) + _overlay_problems(bundle.forms)


def _overlay_problems(forms: Mapping[str, bytes]) -> list[Problem]:
    """Require each language overlay (``<task>.zh.json``) to be a JSON object of words."""
    problems = []
    for key, data in sorted(forms.items()):
        if not any(key.endswith(f".{lang}.json") for lang in LANGUAGES):
            continue
        try:
            overlay = json.loads(bytes(data).decode("utf-8"))
        except (ValueError, RecursionError) as error:
            problems.append(Problem(f"the form's words are not valid JSON: {error}", file=key))
            continue
        if not isinstance(overlay, dict) or not isinstance(overlay.get("fields", {}), dict):
            problems.append(Problem('the form\'s words must be a JSON object with "title", '
                                    '"description" and "fields" by field name', file=key))
    return problems


def _start_form_problems(forms: Mapping[str, bytes]) -> list[Problem]:
    """Require each process's start data declaration to be a JSON Schema start_instance can use."""
    problems = []
    for key, data in sorted(forms.items()):
        if key.split("/", 1)[-1] != START_FORM:
            continue
        try:
            schema = json.loads(bytes(data).decode("utf-8"))
            Draft202012Validator.check_schema(schema)
        except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON
            problems.append(Problem(f"the start data form is not valid JSON: {error}", file=key))
        except SchemaError as error:
            where = "/".join(str(p) for p in error.path)
            problems.append(Problem("the start data form is not a valid JSON Schema"
                                    f"{f' (at {where!r})' if where else ''}: {error.message}",
                                    file=key))
    return problems


def deploy(session: Session, rt: Runtime, bundle: Bundle, *, actor: str | None,
           note: str = "") -> list[Deployed]:
    """Validate the bundle and store a new version of each process whose content changed."""
    problems = validate(session, rt, bundle)
    if problems:
        raise DefinitionError(problems)
    results = []
    for file_name, data in sorted(bundle.bpmn.items()):
        process_id = Path(file_name).stem
        forms = {key.split("/", 1)[1]: value.decode() for key, value in bundle.forms.items()
                 if key.split("/", 1)[0] == process_id}
        dmn = {name: value.decode() for name, value in bundle.dmn.items()}
        digest = _content_hash(data, dmn, forms)
        latest = latest_version(session, process_id)
        if latest is not None and latest.content_hash == digest:
            results.append(Deployed(process_id, latest.version, created=False))
            continue
        name, calls = _describe(data, file_name)
        version = ProcessVersion(
            process_id=process_id, version=(latest.version + 1) if latest else 1, name=name,
            content_hash=digest, bpmn_file=file_name, bpmn_xml=data.decode(), dmn=dmn,
            forms=forms, calls=calls, timer_starts=_timer_starts(rt, data, file_name),
            deployed_by=actor, deployed_at=rt.clock.now(), note=note)
        session.add(version)
        session.flush()
        sync_schedules(session, rt, version)
        audit.record(session, rt, kind="process_deployed", actor=actor, process_id=process_id,
                     data={"version": version.version, "content_hash": digest, "note": note})
        results.append(Deployed(process_id, version.version, created=True))
    return results


def _content_hash(bpmn: bytes, dmn: Mapping[str, str], forms: Mapping[str, str]) -> str:
    digest = hashlib.sha256(bpmn)
    digest.update(json.dumps([sorted(dmn.items()), sorted(forms.items())]).encode())
    return digest.hexdigest()


def _timer_starts(rt: Runtime, data: bytes, file_name: str) -> list[dict[str, str]]:
    """The process's timer start events, each with its ISO 8601 date, duration or cycle.

    The value may be written as an expression; a start event has no process
    data yet, so it is worked out once, here, and must give an ISO 8601 text.
    """
    root = parse_xml(data, file=file_name).getroot()
    starts, problems = [], []
    for start in root.iterfind(f"{{{BPMN_NS}}}process/{{{BPMN_NS}}}startEvent"):
        for kind in ("timeCycle", "timeDate", "timeDuration"):
            node = start.find(f"{{{BPMN_NS}}}timerEventDefinition/{{{BPMN_NS}}}{kind}")
            if node is None:
                continue
            text = (node.text or "").strip()
            try:
                value = text if is_literal(text) else str(
                    rt.script_engine.environment.evaluate(text, {}, None))
                recurrence(value, anchor=rt.clock.now())
            except (LiaisonError, ValueError) as error:
                message = getattr(error, "message", str(error))
                problems.append(Problem(
                    f"this timer start event needs an ISO 8601 date, duration or cycle "
                    f"(e.g. R/2027-01-01T09:00:00+08:00/P1Y): {message}",
                    file=file_name, element_id=start.get("id"), line=node.sourceline))
                continue
            starts.append({"element_id": start.get("id") or "", "kind": kind,
                           "expression": value})
    if problems:
        raise DefinitionError(problems)
    return starts


def _describe(data: bytes, file_name: str) -> tuple[str, list[str]]:
    """Return the process name and the ids of the processes its call activities call."""
    root = parse_xml(data, file=file_name).getroot()
    process = root.find(f"{{{BPMN_NS}}}process")
    name = (process.get("name") or process.get("id") or "") if process is not None else ""
    calls = sorted({node.get("calledElement") for node in root.iter(f"{{{BPMN_NS}}}callActivity")
                    if node.get("calledElement")})
    return name, calls
