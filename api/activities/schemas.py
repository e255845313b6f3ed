"""The festival calendar over REST."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.activities.festivals import FIRST_YEAR, LAST_YEAR


class FestivalArgs(Schema):
    year = fields.Integer(required=True, strict=False,
                          validate=validate.Range(FIRST_YEAR, LAST_YEAR),
                          metadata={"description": f"the year, {FIRST_YEAR} to {LAST_YEAR}"})


class FestivalRead(Schema):
    code = fields.String(required=True, metadata={"description": "e.g. mid_autumn"})
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    date = fields.Date(required=True, metadata={"description": "its Gregorian date that year"})
