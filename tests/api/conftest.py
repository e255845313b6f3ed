"""The app on the test database, a browser-like client, and signing in through the real form."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from engine.common.clock import FrozenClock
from engine.directory.models import User
from engine.system import System
from tests.support.api import Caller, caller
from tests.support.staff import create_user

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(system: System) -> Flask:
    return create_app({"TESTING": True}, system=system)


@pytest.fixture
def clerk(system: System, app: Flask) -> Caller:
    """A customer-service user calling the REST API with a token of their own."""
    return caller(system, app, "clerk", "customer_service")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def add_user(system: System, clock: FrozenClock, username: str = "clerk", **values: object
             ) -> User:
    """Create and commit a user whose password is ``<username>-pw``."""
    with system.sessions() as session:
        user = create_user(session, clock, username, **values)  # type: ignore[arg-type]
        session.commit()
    return user


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The token a page's forms carry, as a browser would find it."""
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, username: str = "clerk", password: str | None = None,
            **form: str) -> TestResponse:
    return client.post("/login", data={"username": username,
                                       "password": password or f"{username}-pw",
                                       "csrf_token": csrf_token(client), **form})


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
