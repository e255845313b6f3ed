"""``/api/v1/public``: what owners may read without an account, by tracking code."""

from __future__ import annotations

from flask.views import MethodView

from api.database import db
from api.rest import Resource
from api.rest.access import public
from api.rest.schemas.cases import PublicCaseRead
from engine.tracking import PublicCaseStatus, track_case

blueprint = Resource("public", __name__, path="/public",
                     description="For owners, without a token: follow a case.")


@blueprint.route("/cases/<code:tracking_code>")
class TrackedCase(MethodView):
    @public
    @blueprint.doc(security=[])
    @blueprint.response(200, PublicCaseRead)
    def get(self, tracking_code: str) -> PublicCaseStatus:
        """The status of a case by its tracking code: no personal data"""
        return track_case(db(), code=tracking_code)
