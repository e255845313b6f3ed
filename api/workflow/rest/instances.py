"""``/api/v1/instances``: start a process, list instances, show one with its tasks and events."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.rest import Resource
from api.rest.access import current_viewer
from api.web.database import db, system
from api.workflow.schemas.instances import (
    InstanceCreate,
    InstanceListArgs,
    InstancePageRead,
    InstanceRead,
)
from engine.workflow.instance_view import (
    InstancePage,
    InstanceView,
    instance_view,
    list_instances,
    start_and_view,
)

blueprint = Resource("instances", __name__, path="/instances",
                     description="Process instances: start, list, inspect.")


@blueprint.route("")
class Instances(MethodView):
    @blueprint.arguments(InstanceCreate)
    @blueprint.response(201, InstanceRead)
    def post(self, body: dict[str, Any]) -> InstanceView:
        """Start the latest version of a process with the given data"""
        return start_and_view(db(), system().rt, process_id=body["process_id"],
                              data=body["data"], business_key=body["business_key"],
                              viewer=current_viewer())

    @blueprint.arguments(InstanceListArgs, location="query")
    @blueprint.response(200, InstancePageRead)
    def get(self, args: dict[str, Any]) -> InstancePage:
        """List instances, newest first"""
        return list_instances(db(), system().rt, viewer=current_viewer(), **args)


@blueprint.route("/<id:instance_id>")
class Instance(MethodView):
    @blueprint.response(200, InstanceRead)
    def get(self, instance_id: int) -> InstanceView:
        """Show an instance: status, version, open tasks, incidents, audit events"""
        return instance_view(db(), system().rt, instance_id=instance_id, viewer=current_viewer(),
                             now=system().rt.clock.now())
