"""Bearer tokens: what a caller sends to get one, and what is shown of it afterwards."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.rest.schemas.common import Text, WholeNumber


class TokenCreate(Schema):
    username = Text(required=True, validate=validate.Length(1, 150))
    password = fields.String(required=True, validate=validate.Length(1, 1000),
                             load_only=True)
    name = Text(load_default="api", validate=validate.Length(1, 100),
                metadata={"description": "what the token is for, e.g. the integration's name"})
    expires_in_days = WholeNumber(
        load_default=None, allow_none=True, validate=validate.Range(1, 3650),
        metadata={"description": "how long the token works; by default the deployment's "
                                 "lifetime (LIAISON_TOKEN_DAYS, 90 days unless set)"})


class TokenRead(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the token stops working; null: it works until revoked"})
    revoked_at = fields.AwareDateTime(allow_none=True)


class TokenIssuedRead(TokenRead):
    token = fields.String(required=True, metadata={
        "description": "send it as `Authorization: Bearer <token>`; it is shown only this once"})
