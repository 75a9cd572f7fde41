"""A schema-driven fuzz run (schemathesis) over every operation of the OpenAPI schema the
app serves, every method, on a copy of the seeds archive with users in it: no generated
request, valid or not, may get a server error, and every answer must match what the schema
promises (status, content type, body).

The operations that need an account are run twice: anonymous, where every answer must be
the documented 401 (before any parameter is even looked at), and signed in with a real API
token of a user who already has a note, a tag, a collection and a collection shared with
them by someone else (so that small generated ids meet real things, theirs and not). The
administrator's operations are run a third time, with an administrator's token; the user
who is not one must get the documented 403 whatever the request.

schemathesis' own pytest loader (`from_fixture`) does not run under pytest 9.2 (it sets
the removed `Node._nodeid`), so each operation's strategy drives a Hypothesis test here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from fastapi.openapi.utils import get_openapi
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cablescope.accounts import open_accounts
from cablescope.api import create_app
from cablescope.api.app import api_router
from cablescope.api.auth import AccountSettings

from .conftest import Archive

#: Examples per operation, mode and caller: enough for CI in well under a minute; set
#: CABLESCOPE_FUZZ_EXAMPLES for a longer, randomised run.
EXAMPLES = int(os.environ.get("CABLESCOPE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
LONDON, STATE = "08LONDON3062", "09STATE65183"
ANONYMOUS, SIGNED_IN, ADMIN = "anonymous", "signed-in", "admin"
ADMIN_PATHS = "/api/v1/admin/"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    has_parameters: bool
    secured: bool


def _operations() -> list[Operation]:
    """Every operation of the schema, from the routers alone (collection builds no
    archive); `test_every_operation_is_fuzzed` checks that the app serves the same."""
    router = api_router()
    schema = get_openapi(title="Cablescope", version="1", routes=router.routes)
    return sorted(
        (
            Operation(
                method.upper(),
                path,
                bool(spec.get("parameters") or spec.get("requestBody")),
                bool(spec.get("security")),
            )
            for path, methods in schema["paths"].items()
            for method, spec in methods.items()
        ),
        # deletions last, so that the other operations still meet the user's things, and
        # the administrator's last of all (were a generated name to hit one of the users)
        key=lambda op: (op.method == "DELETE", op.path.startswith(ADMIN_PATHS), op.path, op.method),
    )


OPERATIONS = _operations()


def _callers(op: Operation) -> tuple[str, ...]:
    if not op.secured:
        return (ANONYMOUS,)
    return (
        (ANONYMOUS, SIGNED_IN, ADMIN) if op.path.startswith(ADMIN_PATHS) else (ANONYMOUS, SIGNED_IN)
    )


#: Valid requests to every operation, invalid ones to those with a parameter or body to
#: spoil; those that need an account anonymous and signed in, the others anonymous.
CASES = [
    pytest.param(op, mode, who, id=f"{op.method} {op.path} {mode.value} {who}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if op.has_parameters or mode is GenerationMode.POSITIVE
    for who in _callers(op)
]


@dataclass(frozen=True)
class Fuzzed:
    schema: Any
    token: str
    admin_token: str


@pytest.fixture(scope="module")
def fuzzed(seeds_archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """The app over a copy of the seeds archive (the fuzz run writes), where `fuzzer` (with
    the token) owns note 1, a tag and collection 2, and reads collection 1 of `owner`."""
    db = tmp_path_factory.mktemp("fuzz") / "seeds.db"
    shutil.copy(seeds_archive.path, db)
    with open_accounts(db, hasher=HASHER) as accounts:
        owner = accounts.add_user("owner", "owner-password")
        fuzzer = accounts.add_user("fuzzer", "fuzzer-password")
        secret, _ = accounts.create_token("fuzzer", "fuzz")
        accounts.add_user("boss", "boss-password", admin=True)
        admin_secret, _ = accounts.create_token("boss", "fuzz")
        shared = accounts.create_collection(owner, "Shared")
        accounts.add_item(owner, shared.id, STATE)
        assert accounts.share(owner, shared.id, "fuzzer")
        accounts.add_note(fuzzer, LONDON, "a note", paragraph=2)
        accounts.add_tag(fuzzer, LONDON, "follow-up")
        mine = accounts.create_collection(fuzzer, "Mine")
        accounts.add_item(fuzzer, mine.id, LONDON)
        assert (shared.id, mine.id) == (1, 2)  # ids generated requests often name
    app = create_app(db, accounts=AccountSettings(hasher=HASHER))
    yield Fuzzed(schemathesis.openapi.from_asgi("/api/v1/openapi.json", app), secret, admin_secret)


def test_every_operation_is_fuzzed(fuzzed: Fuzzed) -> None:
    served = {
        (result.ok().method.upper(), result.ok().path)
        for result in fuzzed.schema.get_all_operations()
        if result.ok() is not None
    }
    assert served == {(op.method, op.path) for op in OPERATIONS}
    assert len(served) >= 30 and {"POST", "PATCH", "PUT", "DELETE"} <= {m for m, _ in served}
    # every operation that needs an account says so, and nothing else does
    secured = {(op.method, op.path) for op in OPERATIONS if op.secured}
    assert {path for _, path in secured} == {
        path
        for _, path in served
        if path.startswith(("/api/v1/me", "/api/v1/notes", "/api/v1/coll", ADMIN_PATHS))
    }


def _header(response: Any, name: str) -> str | None:
    values = response.headers.get(name)
    return values[0] if isinstance(values, list) and values else values


def _anonymous(case: schemathesis.Case) -> None:
    """No credentials at all (the schema's security schemes make schemathesis send some)."""
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.cookies = {}


@pytest.mark.parametrize(("op", "mode", "who"), CASES)
def test_no_server_error_and_answers_match_the_schema(
    fuzzed: Fuzzed, op: Operation, mode: GenerationMode, who: str
) -> None:
    operation = fuzzed.schema[op.path][op.method]
    token = {SIGNED_IN: fuzzed.token, ADMIN: fuzzed.admin_token}.get(who)
    headers = {"Authorization": f"Bearer {token}"} if token else None

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize="CABLESCOPE_FUZZ_EXAMPLES" not in os.environ,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        if who == ANONYMOUS and op.secured:
            _anonymous(case)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if op.secured:  # a user's things, or the refusal to show them: never cached
            assert _header(response, "cache-control") == "no-store"
            if who == ANONYMOUS:  # whatever else is wrong with the request
                assert response.status_code == 401, response.text
            elif who == SIGNED_IN and op.path.startswith(ADMIN_PATHS):  # not an administrator
                sent = response.request.headers.get("Authorization")  # spoiled in negative mode
                expected = 403 if headers and sent == headers["Authorization"] else 401
                assert response.status_code == expected, response.text

    fuzz()
