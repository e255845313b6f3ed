"""What is deployed, version by version, and bundles built from uploaded files."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import DefinitionError, Problem
from engine.workflow.deployments import Bundle
from engine.workflow.models import ProcessVersion

__all__ = ["DeployedProcess", "VersionSummary", "bundle_of_uploads", "list_processes"]


@dataclass(frozen=True)
class VersionSummary:
    version: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str | None
    note: str


@dataclass(frozen=True)
class DeployedProcess:
    process_id: str
    name: str
    latest_version: int
    calls: list[str]
    versions: list[VersionSummary]  # newest first


def list_processes(session: Session) -> list[DeployedProcess]:
    """Every deployed process with its versions, by process id."""
    rows = session.execute(select(
        ProcessVersion.process_id, ProcessVersion.name, ProcessVersion.version,
        ProcessVersion.content_hash, ProcessVersion.deployed_at, ProcessVersion.deployed_by,
        ProcessVersion.note, ProcessVersion.calls)
        .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
    processes: dict[str, DeployedProcess] = {}
    for pid, name, version, digest, at, by, note, calls in rows:
        if pid not in processes:  # the newest version comes first and names the process
            processes[pid] = DeployedProcess(pid, name, version, list(calls), [])
        processes[pid].versions.append(VersionSummary(version, digest, at, by, note))
    return list(processes.values())


def bundle_of_uploads(files: Iterable[tuple[str, bytes]]) -> Bundle:
    """Sort uploaded files into a bundle by name: ``*.bpmn``, ``*.dmn``, form ``*.json``.

    A form is named ``<process_id>/<file>.json``; a bare ``<file>.json`` belongs
    to the only BPMN file of the upload.
    """
    bundle, loose, problems = Bundle(), [], []
    for raw_name, data in files:
        name = raw_name.replace("\\", "/").strip()
        parts = name.split("/")
        if not name or name != posixpath.normpath(name) or name.startswith("/") or \
                ".." in parts or len(parts) > 2:
            problems.append(Problem("use a plain file name, or <process_id>/<form>.json "
                                    "for a form", file=raw_name or None))
        elif name.endswith(".bpmn") and len(parts) == 1:
            bundle.bpmn[name] = data
        elif name.endswith(".dmn") and len(parts) == 1:
            bundle.dmn[name] = data
        elif name.endswith(".json"):
            if len(parts) == 2:
                bundle.forms[name] = data
            else:
                loose.append((name, data))
        else:
            problems.append(Problem("only .bpmn, .dmn and form .json files can be uploaded",
                                    file=name))
    if loose and len(bundle.bpmn) != 1:
        problems += [Problem("with several BPMN files, name a form <process_id>/<form>.json",
                             file=name) for name, _ in loose]
    elif loose:
        process_id = posixpath.splitext(next(iter(bundle.bpmn)))[0]
        bundle.forms.update({f"{process_id}/{name}": data for name, data in loose})
    if problems:
        raise DefinitionError(problems)
    return bundle
