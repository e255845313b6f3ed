"""``/api/v1/cases``: register an owner's case from any channel (starts P1), read one; and
``/api/v1/public``: what owners may read without an account, by tracking code."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.cases.schemas import CaseCreate, CaseRead, CaseRegisteredRead, PublicCaseRead
from api.rest import Resource
from api.rest.access import current_viewer, public, requires
from api.rest.schemas.common import ErrorRead
from api.web import throttle
from api.web.database import db, system
from engine.cases.models import Case
from engine.cases.registration import Complainant, register_case
from engine.cases.tracking import PublicCaseStatus, track_case
from engine.cases.views import CaseView, case_view

CUSTOMER_SERVICE = "customer_service"

blueprint = Resource("cases", __name__, path="/cases",
                     description="Owner cases: register from any channel, read.")


@blueprint.route("")
class Cases(MethodView):
    @requires(CUSTOMER_SERVICE)
    @blueprint.arguments(CaseCreate)
    @blueprint.response(201, CaseRegisteredRead)
    @blueprint.alt_response(422, schema=ErrorRead, description="field errors in `errors`, "
                            "e.g. a letter without a postal address")
    def post(self, body: dict[str, Any]) -> Case:
        """Register a case and start its handling; answers its number and tracking code"""
        viewer = current_viewer()
        return register_case(
            db(), system().rt, channel=body["channel"], type=body["type"],
            category=body["category"], description=body["description"],
            complainant=Complainant(**body["complainant"]), unit_id=body["unit"],
            received_at=body["received_at"], urgency=body["urgency"],
            estate_id=viewer.estate_id, actor=viewer.username, roles=viewer.roles)


@blueprint.route("/<code:number>")
class OneCase(MethodView):
    @blueprint.response(200, CaseRead)
    def get(self, number: str) -> CaseView:
        """Read a case: records, archive, letters, work orders, open tasks, timeline"""
        return case_view(db(), system().rt, number=number,
                         viewer=current_viewer())


public_blueprint = Resource("public", __name__, path="/public",
                     description="For owners, without a token: follow a case.")


@public_blueprint.route("/cases/<code:tracking_code>")
class TrackedCase(MethodView):
    @throttle.lookup
    @public
    @public_blueprint.doc(security=[])
    @public_blueprint.response(200, PublicCaseRead)
    @public_blueprint.alt_response(429, schema=ErrorRead,
                                   description="too many lookups from the caller's address")
    def get(self, tracking_code: str) -> PublicCaseStatus:
        """The status of a case by its tracking code: no personal data"""
        return track_case(db(), code=tracking_code)
