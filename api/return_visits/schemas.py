"""The return visits over REST: a month's round read, and a round opened by hand."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.return_visits.models import METHODS, SATISFACTION, VISIT_STATES
from engine.return_visits.sample import MIN_PERCENT

MONTH = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error="give the month as YYYY-MM")


class MonthArgs(Schema):
    month = fields.String(required=True, validate=MONTH,
                          metadata={"description": "the month visited, YYYY-MM"})


class RoundCreate(Schema):
    month = fields.String(required=True, validate=MONTH,
                          metadata={"description": "a month that is over, YYYY-MM"})
    percent = fields.Float(load_default=MIN_PERCENT, validate=validate.Range(MIN_PERCENT, 100),
                           metadata={"description": "share of the orders sampled, to a hundredth; "
                                                    "at least 90 (procedure rule 3)"})


class RoundOpenedRead(Schema):
    month = fields.String(required=True)
    completed_orders = fields.Integer(required=True)
    sampled = fields.Integer(required=True)


class DepartmentRead(Schema):
    department = fields.String(required=True)
    completed_orders = fields.Integer(required=True)
    sampled = fields.Integer(required=True)
    visited = fields.Integer(required=True)
    coverage = fields.Float(required=True, allow_none=True)
    satisfaction = fields.Dict(keys=fields.String(validate=validate.OneOf(SATISFACTION)),
                               values=fields.Integer(), required=True)


class VisitRead(Schema):
    work_order = fields.String(required=True)
    case_number = fields.String(required=True, metadata={"description": "empty: no case"})
    unit = fields.String(required=True)
    department = fields.String(required=True)
    from_complaint = fields.Boolean(required=True)
    state = fields.String(required=True, validate=validate.OneOf(VISIT_STATES))
    method = fields.String(required=True, allow_none=True, validate=validate.OneOf(METHODS))
    attempts = fields.Integer(required=True)
    satisfaction = fields.String(required=True, allow_none=True)
    remarks = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True, allow_none=True)
    reopened_case = fields.String(required=True, allow_none=True)


class MonthRead(Schema):
    month = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("open", "closed")))
    completed_orders = fields.Integer(required=True)
    sampled = fields.Integer(required=True)
    visited = fields.Integer(required=True)
    unreachable = fields.Integer(required=True)
    coverage = fields.Float(required=True, allow_none=True,
                            metadata={"description": "visited / completed orders; null for a "
                                                     "month without completed orders"})
    target = fields.Float(required=True, metadata={"description": "the round's share, e.g. 0.9"})
    deadline = fields.AwareDateTime(required=True)
    by_department = fields.List(fields.Nested(DepartmentRead), required=True)
    visits = fields.List(fields.Nested(VisitRead), required=True)


def month_json(view: Any) -> dict[str, Any]:
    """The read model as the schema above expects it."""
    figures = view.figures
    return {
        "month": view.month, "state": view.state, "completed_orders": figures.completed,
        "sampled": figures.sampled, "visited": figures.visited,
        "unreachable": figures.unreachable,
        "coverage": None if figures.share is None else round(float(figures.share), 4),
        "target": float(view.percent) / 100, "deadline": view.deadline,
        "by_department": [{"department": d.department, "completed_orders": d.completed_orders,
                           "sampled": d.sampled, "visited": d.visited,
                           "coverage": None if d.coverage is None else round(float(d.coverage), 4),
                           "satisfaction": d.satisfaction} for d in view.by_department],
        "visits": [{"work_order": v.order_number, "case_number": v.case_number, "unit": v.unit,
                    "department": v.department, "from_complaint": v.from_complaint,
                    "state": v.state, "method": v.method, "attempts": v.attempts,
                    "satisfaction": v.satisfaction, "remarks": v.remarks,
                    "recorded_at": v.recorded_at, "reopened_case": v.reopened_case}
                   for v in view.visits],
    }
