"""The OpenAPI document and the interactive reference page, served from local files only."""

from __future__ import annotations

import re

from flask import Flask

from engine.system import System
from tests.support.api import make_app


def test_the_document_describes_every_resource_with_the_error_shape(system: System) -> None:
    app: Flask = make_app(system)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/api/v1/auth/tokens", "/api/v1/processes", "/api/v1/processes/validate",
            "/api/v1/instances", "/api/v1/instances/{instance_id}", "/api/v1/tasks",
            "/api/v1/tasks/{task_id}/complete", "/api/v1/cases", "/api/v1/cases/{number}",
            "/api/v1/public/cases/{tracking_code}"} <= paths
    error = document["components"]["schemas"]["ErrorRead"]
    assert set(error["required"]) == {"code", "message", "errors"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    public = document["paths"]["/api/v1/public/cases/{tracking_code}"]["get"]
    assert public["security"] == []


def test_the_reference_page_loads_only_local_assets_and_no_inline_script(
        system: System) -> None:
    client = make_app(system).test_client()
    with client.get("/api/v1/reference") as page:  # files are streamed: close each answer
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert linked and not [url for url in linked if "//" in url]
    for url in linked:
        with client.get(f"/api/v1/{url}") as response:
            assert response.status_code == 200, url
            assert response.data
    assert client.get("/api/v1/reference/assets/package.json").status_code == 404
