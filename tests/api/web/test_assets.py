"""Front-end packages served from node_modules: whitelisted files only, cached for a year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.web.assets import asset_url
from engine.system import System


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    root = tmp_path / "node_modules"
    (root / "htmx.org" / "dist").mkdir(parents=True)
    (root / "htmx.org" / "dist" / "htmx.min.js").write_text("/* htmx */")
    (root / "htmx.org" / "dist" / "htmx.js").write_text("/* not listed */")
    (root / "htmx.org" / "package.json").write_text(json.dumps({"version": "2.0.99"}))
    (root / "bpmn-js" / "dist" / "assets" / "bpmn-font" / "css").mkdir(parents=True)
    (root / "bpmn-js" / "dist" / "assets" / "bpmn-font" / "css" / "bpmn.css").write_text("x{}")
    (tmp_path / "secret.txt").write_text("do not serve")
    return root


@pytest.fixture
def app(system: System, packages: Path) -> Flask:
    return create_app({"TESTING": True, "LIAISON_ASSETS_PATH": packages}, system=system)


def test_a_listed_file_is_served_with_a_year_of_caching(client: FlaskClient) -> None:
    with client.get("/assets/htmx.org/dist/htmx.min.js") as response:
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "/* htmx */"
        assert response.mimetype in {"text/javascript", "application/javascript"}
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable


def test_files_under_a_listed_folder_are_served(client: FlaskClient) -> None:
    with client.get("/assets/bpmn-js/dist/assets/bpmn-font/css/bpmn.css") as response:
        assert response.status_code == 200


@pytest.mark.parametrize("path", [
    "/assets/htmx.org/dist/htmx.js",                   # in the package, not listed
    "/assets/htmx.org/package.json",
    "/assets/left-pad/index.js",                       # not a listed package
    "/assets/htmx.org/dist/../package.json",
    "/assets/htmx.org/dist/%2e%2e/%2e%2e/secret.txt",
    "/assets/htmx.org/..%2f..%2fsecret.txt",
    "/assets/bpmn-js/dist/assets/../../../secret.txt",
    "/assets/htmx.org//etc/passwd",
])
def test_anything_else_is_not_found(client: FlaskClient, path: str) -> None:
    with client.get(path, follow_redirects=True) as response:  # "//" redirects to "/" first
        assert response.status_code == 404
        assert "do not serve" not in response.get_data(as_text=True)


def test_asset_urls_carry_the_package_version(app: Flask) -> None:
    with app.test_request_context():
        url = asset_url("htmx.org", "dist/htmx.min.js")

    assert url == "/assets/htmx.org/dist/htmx.min.js?v=2.0.99"


def test_the_real_htmx_is_installed_and_linked_from_every_page(system: System) -> None:
    client = create_app({"TESTING": True}, system=system).test_client()
    page = client.get("/login").get_data(as_text=True)

    assert '<script src="/assets/htmx.org/dist/htmx.min.js?v=' in page
    with client.get("/assets/htmx.org/dist/htmx.min.js") as response:
        assert response.status_code == 200
