"""Call the REST API in-process, as an integration would, with a bearer token per user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from api import create_app
from engine.directory.models import User
from engine.directory.passwords import hash_password
from engine.directory.tokens import issue_token
from engine.system import System
from tests.support.people import create_user

API = "/api/v1"


def make_app(system: System) -> Flask:
    return create_app({"TESTING": True}, system=system)


def set_password(system: System, username: str, password: str) -> None:
    with system.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        user.password_hash = hash_password(password)
        session.commit()


def token_of(system: System, username: str) -> str:
    """A fresh token for an existing user, issued by the engine (no password needed)."""
    with system.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        token = issue_token(session, system.rt, user=user, name="tests", actor="tests").token
        session.commit()
    return token


@dataclass
class Caller:
    """One API client acting with one token; ``token=None`` sends none."""

    client: FlaskClient
    token: str | None

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None,
             **kwargs: Any) -> TestResponse:
        sent = dict(headers or {})
        if self.token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(API + path, method=method, headers=sent, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """Call and insist on ``status``; return the JSON body."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code,
                                                response.get_data(as_text=True))
        return response.get_json() if response.data else None


def caller(system: System, app: Flask, username: str, *roles: str,
           estate_id: int | None = None) -> Caller:
    """Create a staff member holding ``roles`` and a client with their token."""
    create_user(system, username, *roles, estate_id=estate_id)
    return Caller(app.test_client(), token_of(system, username))


def check_error(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """Check the one error shape and return the body."""
    assert response.status_code == status, (response.status_code, response.get_json())
    body: dict[str, Any] = response.get_json()
    assert {"code", "message", "errors"} <= set(body)
    assert isinstance(body["errors"], list)
    if code is not None:
        assert body["code"] == code, body
    return body
