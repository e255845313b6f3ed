"""``/api/v1/users/{username}``: an administrator ends a user's sessions, lists and revokes
their API tokens."""

from __future__ import annotations

from flask.views import MethodView

from api.rest import Resource
from api.rest.access import current_user, requires
from api.rest.schemas.auth import TokenRead
from api.rest.schemas.common import ErrorRead
from api.web.database import db, system
from engine.directory.accounts import sign_out_everywhere, user_named
from engine.directory.models import ApiToken
from engine.directory.tokens import list_tokens, revoke_any_token

ADMINISTRATOR = "administrator"

blueprint = Resource("users", __name__, path="/users",
                     description="Staff accounts: end a user's sessions; their API tokens.")


@blueprint.route("/<username>/sign-out")
class SignOut(MethodView):
    @requires(ADMINISTRATOR)
    @blueprint.response(204)
    @blueprint.alt_response(404, schema=ErrorRead, description="no such user")
    def post(self, username: str) -> None:
        """Sign the user out on every browser (their API tokens keep working)"""
        sign_out_everywhere(db(), system().rt, user=user_named(db(), username),
                            actor=current_user().username)


@blueprint.route("/<username>/tokens")
class Tokens(MethodView):
    @requires(ADMINISTRATOR)
    @blueprint.response(200, TokenRead(many=True))
    @blueprint.alt_response(404, schema=ErrorRead, description="no such user")
    def get(self, username: str) -> list[ApiToken]:
        """List the user's tokens, newest first, revoked ones included (never their secrets)"""
        return list_tokens(db(), user=user_named(db(), username))


@blueprint.route("/<username>/tokens/<id(bits=32):token_id>")
class Token(MethodView):
    @requires(ADMINISTRATOR)
    @blueprint.response(204)
    @blueprint.alt_response(404, schema=ErrorRead, description="no such user, or no such "
                            "token of theirs")
    def delete(self, username: str, token_id: int) -> None:
        """Revoke one of the user's tokens; revoking it again changes nothing"""
        revoke_any_token(db(), system().rt, token_id=token_id,
                         owner=user_named(db(), username), actor=current_user().username)
