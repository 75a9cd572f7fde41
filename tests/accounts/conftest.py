"""Fixtures for the account tests: an archive of the seeds on each backend (a SQLite file,
a database of a throw-away PostgreSQL cluster — `tests/store/pg_server.py`), a cheap
Argon2 hasher (the defaults take 64 MiB and a noticeable time per hash) and a clock the
tests move by hand, for session expiry."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from argon2 import PasswordHasher

import cablescope
from cablescope.accounts import AccountStore, SessionPolicy, open_accounts
from cablescope.store import open_store

BACKENDS = ("sqlite", "postgresql")


def _load_pg_server() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cablescope_tests_accounts_pg_server",
        Path(__file__).parents[1] / "store" / "pg_server.py",
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pg_server = _load_pg_server()


class Clock:
    """Seconds since the epoch that only move when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    bindir = pg_server.find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL's server programs (initdb, pg_ctl) are missing")
        pytest.skip("PostgreSQL's server programs are not installed")
    cluster = pg_server.Cluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(params=BACKENDS)
def new_archive(
    request: pytest.FixtureRequest, tmp_path: Path, seeds_dir: Path
) -> Callable[[], str]:
    """``new_archive()``: a fresh archive of the seeds on the backend under test."""

    def make() -> str:
        if request.param == "postgresql":
            location = str(request.getfixturevalue("pg_cluster").create_db("accounts"))
        else:
            location = str(tmp_path / f"archive-{len(list(tmp_path.iterdir()))}.db")
        with open_store(location) as store:
            store.write_batch(list(cablescope.read(seeds_dir)))
        return location

    return make


@pytest.fixture()
def accounts(
    new_archive: Callable[[], str], fast_hasher: PasswordHasher, clock: Clock
) -> Iterator[AccountStore]:
    """The account store of a fresh seeds archive, on each backend, with the test clock
    and sessions of 1 h idle, 8 h at most."""
    policy = SessionPolicy(idle=3600, lifetime=8 * 3600)
    with open_accounts(new_archive(), hasher=fast_hasher, clock=clock, policy=policy) as store:
        yield store
