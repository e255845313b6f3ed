"""Schemathesis against /api/v1/openapi.json, in-process: no 5xx, every answer as documented.

Every operation of the document gets a bounded, derandomized run (the same
cases each time) of valid and of invalid requests, with a token whose user
holds every role, on a database with the shipped processes and one case.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.system import System
from tests.api.rest.test_access import ALL_ROLES
from tests.support.api import make_app, token_of
from tests.support.cases import CaseDriver
from tests.support.people import create_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 30  # per operation and mode: about a minute for the whole document


def test_the_api_keeps_to_its_document(shipped: System) -> None:
    create_user(shipped, "everyone", *ALL_ROLES)
    CaseDriver.register(shipped)
    bearer = {"Authorization": f"Bearer {token_of(shipped, 'everyone')}"}
    # Revoking runs as another user: were it to revoke our token, the rest would be 401s.
    create_user(shipped, "revoker", *ALL_ROLES)
    spare = {"Authorization": f"Bearer {token_of(shipped, 'revoker')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_app(shipped))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16

    for operation in operations:
        cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                          operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

        @given(case=cases)
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case: schemathesis.Case) -> None:
            # Schemathesis fills the bearer scheme with made-up tokens; ours must win.
            case.headers = {**(case.headers or {}),
                            **(spare if case.method == "DELETE" else bearer)}
            case.call_and_validate(checks=CHECKS)

        try:
            keeps_to_the_document()
        except Exception as failure:
            pytest.fail(f"{operation.label}: {failure}")
