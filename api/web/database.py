"""One database session per request, and exactly one commit or rollback at its end."""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from engine.system import System


def system() -> System:
    system: System = current_app.extensions["liaison"]
    return system


def db() -> Session:
    """Return this request's session, opening it on first use."""
    if "db" not in g:
        g.db = system().sessions()
    session: Session = g.db
    return session


def init_database(app: Flask) -> None:
    @app.after_request
    def commit_on_success(response: Response) -> Response:
        # The engine only flushes; a request that answered < 400 has done its work.
        session = g.get("db")
        if session is not None:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        return response

    @app.teardown_request
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.rollback()  # no-op after a commit; undoes work cut short by an exception
            session.close()
