"""Run the app under gunicorn, with the timer worker embedded in each web process."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import message

from engine.common.settings import Settings

# Request lines up to 16 KiB reach the app, so a long pasted link (a 10,000-character
# /track?code=) gets our own page in the reader's language, not gunicorn's bare 414.
MAX_REQUEST_LINE = 16 * 1024


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any], settings: Settings, embedded_worker: bool) -> None:
        self.options = options
        self.settings = settings
        self.embedded_worker = embedded_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from api import create_app

        app = create_app({"SETTINGS": self.settings})
        if self.embedded_worker:
            worker = app.extensions["liaison"].worker()
            worker.start_thread()
            app.extensions["liaison.worker"] = worker
        return app


def run_server(settings: Settings, *, host: str, port: int, workers: int,
               embedded_worker: bool) -> None:
    # SQLite has one writer at a time: a single timer worker is the only safe choice there.
    sqlite = settings.database_url.startswith("sqlite")
    # gunicorn caps limit_request_line at this module-level ceiling (8190 bytes) unless raised;
    # the workers it forks inherit the raised one.
    message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, MAX_REQUEST_LINE)
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": 8,
               "worker_class": "gthread", "timeout": 60, "graceful_timeout": 10,
               "accesslog": "-", "preload_app": False,
               "limit_request_line": MAX_REQUEST_LINE}
    _Gunicorn(options, settings, embedded_worker and (not sqlite or workers == 1)).run()
