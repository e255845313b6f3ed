"""``/api/v1/auth/tokens``: trade a password for a bearer token; list and revoke one's tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, after_this_request
from flask.views import MethodView
from werkzeug.exceptions import TooManyRequests

from api.rest import Resource
from api.rest.access import any_user, current_user, public
from api.rest.schemas.auth import TokenCreate, TokenIssuedRead, TokenRead
from api.rest.schemas.common import ErrorRead
from api.web import throttle
from api.web.auth import client_address, retry_after, sign_in_blocked_until
from api.web.database import db, system
from engine.common.errors import NotAuthenticated
from engine.directory.models import ApiToken
from engine.directory.tokens import list_tokens, revoke_token, token_for_password

blueprint = Resource("auth", __name__, path="/auth",
                     description="Bearer tokens: issue for a password, list, revoke.")


@blueprint.route("/tokens")
class Tokens(MethodView):
    @throttle.sign_in
    @public
    @blueprint.doc(security=[])
    @blueprint.arguments(TokenCreate)
    @blueprint.response(201, TokenIssuedRead)
    @blueprint.alt_response(401, schema=ErrorRead, description="wrong user name or password")
    @blueprint.alt_response(429, schema=ErrorRead,
                            description="too many failed sign-ins from the caller's address")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Issue a token for a user name and password"""
        blocked_until = sign_in_blocked_until(body["username"])
        if blocked_until is not None:
            header = retry_after(blocked_until)
            # api/web/errors.py writes the answer; the header is added to whatever it writes.
            after_this_request(lambda response: _with_headers(response, header))
            raise TooManyRequests("too many failed sign-ins from this address; try again "
                                  f"after {blocked_until:%Y-%m-%d %H:%M} UTC")
        days = body["expires_in_days"]
        try:
            issued = token_for_password(
                db(), system().rt, username=body["username"], password=body["password"],
                name=body["name"], address=client_address(),
                expires_in=timedelta(days=days) if days else system().settings.token_lifetime)
        except NotAuthenticated:
            db().commit()  # the failed-attempt count must outlive the 401
            raise
        return {**_as_dict(issued.record), "token": issued.token}

    @any_user
    @blueprint.response(200, TokenRead(many=True))
    def get(self) -> list[ApiToken]:
        """List the caller's own tokens (never their secrets)"""
        return list_tokens(db(), user=current_user())


@blueprint.route("/tokens/<id(bits=32):token_id>")
class Token(MethodView):
    @any_user
    @blueprint.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke one of the caller's tokens"""
        revoke_token(db(), system().rt, token_id=token_id, user=current_user())


def _as_dict(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "expires_at": token.expires_at,
            "revoked_at": token.revoked_at}


def _with_headers(response: Response, headers: dict[str, str]) -> Response:
    response.headers.update(headers)
    return response
