"""``/api/v1/festivals``: the festivals the office marks and their dates in a year."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.activities.schemas import FestivalArgs, FestivalRead
from api.rest import Resource
from api.rest.access import public
from api.rest.schemas.common import ErrorRead
from api.web import throttle
from api.web.database import system
from engine.activities.festivals import chosen_festivals, festival_dates

blueprint = Resource("festivals", __name__, path="/festivals",
                     description="The traditional festivals the office marks with a community "
                                 "activity (procedure rule 2), and their dates in a year.")


@blueprint.route("")
class Festivals(MethodView):
    # Festival dates are no secret: anyone may read them, at the pace of the other public reads.
    @throttle.lookup
    @public
    @blueprint.doc(security=[])
    @blueprint.arguments(FestivalArgs, location="query")
    @blueprint.response(200, FestivalRead(many=True))
    @blueprint.alt_response(429, schema=ErrorRead,
                            description="too many reads from the caller's address")
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The office's festivals in a year, earliest first"""
        dates = festival_dates(chosen_festivals(system().settings), args["year"])
        return [{"code": each.festival.code, "name_zh": each.festival.name_zh,
                 "name_en": each.festival.name_en, "date": each.date} for each in dates]
