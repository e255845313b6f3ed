"""``/api/v1/return-visits``: a month's round with its coverage and visits; open one by hand."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.rest import Resource
from api.rest.access import current_viewer, requires
from api.rest.schemas.common import ErrorRead
from api.return_visits.schemas import (
    MonthArgs,
    MonthRead,
    RoundCreate,
    RoundOpenedRead,
    month_json,
)
from api.web.database import db, system
from engine.return_visits.models import ReturnVisitRound
from engine.return_visits.orders import Month
from engine.return_visits.rounds import start_round
from engine.return_visits.views import month_view
from engine.workflow.viewer import SUPERVISOR

blueprint = Resource("return_visits", __name__, path="/return-visits",
                     description="Monthly return visits (procedure rule 3): coverage and "
                                 "visits of a month; open a month by hand.")


@blueprint.route("")
class ReturnVisits(MethodView):
    @blueprint.arguments(MonthArgs, location="query")
    @blueprint.response(200, MonthRead)
    @blueprint.alt_response(404, schema=ErrorRead, description="the month has no round")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The month's round: orders, sample, visits, coverage by department"""
        return month_json(month_view(db(), Month.parse(args["month"])))

    @requires(SUPERVISOR)
    @blueprint.arguments(RoundCreate)
    @blueprint.response(201, RoundOpenedRead)
    @blueprint.alt_response(409, schema=ErrorRead, description="the month was opened already")
    @blueprint.alt_response(422, schema=ErrorRead, description="a month not over yet")
    def post(self, body: dict[str, Any]) -> ReturnVisitRound:
        """Open a month's round by hand: draws the sample and starts the visits"""
        return start_round(db(), system().rt, month=Month.parse(body["month"]),
                           actor=current_viewer().username,
                           percent=f"{round(body['percent'], 2):g}")
