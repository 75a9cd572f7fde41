"""A schema-driven fuzz run (schemathesis) over every operation of the OpenAPI schema the
app serves, on the seeds archive: no generated request, valid or not, may get a server
error, and every answer must match what the schema promises (status, content type, body).

schemathesis' own pytest loader (`from_fixture`) does not run under pytest 9.2 (it sets
the removed `Node._nodeid`), so each operation's strategy drives a Hypothesis test here."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cablescope.api import create_app
from cablescope.api.app import API_PREFIX, ROUTERS

from .conftest import Archive

#: Examples per operation and mode: enough for CI in well under a minute; set
#: CABLESCOPE_FUZZ_EXAMPLES for a longer, randomised run.
EXAMPLES = int(os.environ.get("CABLESCOPE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Every GET route of the API, known without an archive (collection must not build one).
OPERATIONS = sorted(
    (API_PREFIX + route.path, bool(route.dependant.query_params or route.dependant.path_params))
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
)
#: Valid requests to every operation, invalid ones to those with a parameter to spoil.
CASES = [
    (path, mode)
    for path, has_parameters in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if has_parameters or mode is GenerationMode.POSITIVE
]


@pytest.fixture(scope="module")
def api_schema(seeds_archive: Archive) -> Iterator[schemathesis.BaseSchema]:
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(seeds_archive.path))


def test_every_route_is_fuzzed(api_schema) -> None:
    served = {
        result.ok().path for result in api_schema.get_all_operations() if result.ok() is not None
    }
    assert served == {path for path, _ in OPERATIONS} and len(served) >= 13


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_no_server_error_and_answers_match_the_schema(
    api_schema, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize="CABLESCOPE_FUZZ_EXAMPLES" not in os.environ,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    fuzz()
