"""Redirect targets: local paths only."""

from __future__ import annotations

import pytest

from api.web.urls import safe_next


@pytest.mark.parametrize("target", ["/", "/inbox", "/inbox?filter=overdue&page=2",
                                    "/cases/C-2026-000001#timeline"])
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    None, "", "inbox", "https://evil.example/", "//evil.example", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\r\nLocation: x",
    "javascript:alert(1)", "http:/inbox", " /inbox",
])
def test_anything_that_could_leave_the_site_is_refused(target: str | None) -> None:
    assert safe_next(target) is None
