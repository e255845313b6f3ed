"""A campaign's results for any signed-in staff member: charts, tables, and their export."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.surveys import charts, export
from api.surveys.blueprint import blueprint
from api.surveys.questions import words
from api.surveys.staff_pages import campaign_of, private_report
from api.web.auth import login_required, signed_in_viewer
from api.web.database import db, system
from engine.common.privacy import sees_personal_data
from engine.surveys.report import campaign_report, year_on_year


@blueprint.get("/surveys/<number>/results")
@login_required
def results(number: str) -> ResponseReturnValue:
    row = campaign_of(number)
    report = campaign_report(db(), row.id, zone=system().rt.office_zone)
    labels = _labels(report)
    rated = [(q, labels[q]) for q in export.rating_order(report, labels)]
    years = year_on_year(db(), estate_id=row.estate_id)
    drawn = {
        "rate": charts.rate_over_time(
            report["rate_over_time"], title=gettext("Return rate over time"),
            target_label=gettext("Target 75 %")),
        "distribution": charts.score_distribution(
            rated, report["tabulation"]["overall"],
            title=gettext("Scores per question, 1 to 5")),
        "buildings": charts.building_means(
            rated, report["tabulation"]["buildings"],
            title=gettext("Mean score per question and building")),
        "years": charts.year_on_year(
            [str(y["year"]) for y in years],
            [charts.Series(label, [(str(y["year"]), y["means"].get(q)) for y in years])
             for q, label in rated],
            title=gettext("Mean scores year on year")),
    }
    return render_template("surveys/results.html", campaign=row, report=report, rated=rated,
                           charts=drawn, years=years)


@blueprint.get("/surveys/<number>/results.csv")
@login_required
def results_csv(number: str) -> ResponseReturnValue:
    report = campaign_report(db(), campaign_of(number).id,
                                                    zone=system().rt.office_zone)
    return _download(export.as_csv(export.score_table(report, _labels(report))),
                     f"{number}-results.csv", "text/csv; charset=utf-8")


@blueprint.get("/surveys/<number>/results.xlsx")
@login_required
def results_xlsx(number: str) -> ResponseReturnValue:
    whole = sees_personal_data(signed_in_viewer().roles)
    report = private_report(campaign_report(db(), campaign_of(number).id,
                                                    zone=system().rt.office_zone), whole=whole)
    book = export.as_xlsx([(gettext("Scores"), export.score_table(report, _labels(report))),
                           (gettext("Return rate"), export.rate_table(report)),
                           (gettext("Opinions"), export.feedback_table(report))])
    return _download(book, f"{number}-results.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _labels(report: dict[str, Any]) -> dict[str, str]:
    return {q: words(texts) or q for q, texts in report["questions"].items()}


def _download(body: bytes, name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
