"""``/api/v1/processes``: what is deployed; validate or deploy uploaded BPMN, DMN and forms."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask.views import MethodView
from werkzeug.datastructures import FileStorage

from api.rest import Resource
from api.rest.access import current_user, requires
from api.rest.schemas.common import ErrorRead
from api.web.database import db, system
from api.workflow.schemas.processes import (
    DeployCreate,
    DeployedRead,
    ProcessRead,
    UploadCreate,
    ValidationRead,
)
from engine.common.errors import DefinitionError, Problem
from engine.workflow.catalog import DeployedProcess, bundle_of_uploads, list_processes
from engine.workflow.deployments import Bundle, Deployed, deploy, validate

PROCESS_OWNER = "process_owner"

blueprint = Resource("processes", __name__, path="/processes",
                     description="Deployed processes and versions; validate and deploy.")

DEFINITION_PROBLEMS = {"description": "the files cannot be deployed: `errors` lists "
                                      "`{file, element_id, line, message}`"}


@blueprint.route("")
class Processes(MethodView):
    @blueprint.response(200, ProcessRead(many=True))
    def get(self) -> list[DeployedProcess]:
        """List the deployed processes with their versions"""
        return list_processes(db())

    @requires(PROCESS_OWNER)
    @blueprint.arguments(DeployCreate, location="multipart")
    @blueprint.response(201, DeployedRead(many=True))
    @blueprint.alt_response(422, schema=ErrorRead, **DEFINITION_PROBLEMS)
    def post(self, upload: dict[str, Any]) -> list[Deployed]:
        """Deploy a new version of every uploaded process whose content changed"""
        return deploy(db(), system().rt, _bundle(upload["files"]),
                      actor=current_user().username, note=upload["note"])


@blueprint.route("/validate")
class Validation(MethodView):
    @requires(PROCESS_OWNER)
    @blueprint.arguments(UploadCreate, location="multipart")
    @blueprint.response(200, ValidationRead)
    @blueprint.alt_response(422, schema=ErrorRead, **DEFINITION_PROBLEMS)
    def post(self, upload: dict[str, Any]) -> dict[str, Any]:
        """Check uploaded files as a deployment would, without deploying"""
        bundle = _bundle(upload["files"])
        problems = validate(db(), system().rt, bundle)
        if problems:
            raise DefinitionError(problems)
        return {"valid": True, "processes": sorted(PurePosixPath(f).stem for f in bundle.bpmn)}


def _bundle(files: list[FileStorage | str]) -> Bundle:
    uploads = [f for f in files if isinstance(f, FileStorage)]
    if not uploads:
        raise DefinitionError([Problem("upload one or more files in the form field 'files'")])
    return bundle_of_uploads((f.filename or "", f.read()) for f in uploads)
