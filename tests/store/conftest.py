"""Fixtures shared by the store tests: every store, search, facet and version test runs once
per backend (the conformance suite), on SQLite files and on databases of a throw-away
PostgreSQL cluster started for the test session.

``backend`` is "sqlite" or "postgresql"; ``new_archive(name)`` gives the location of a fresh
empty archive on it (a file path or a database URL) for `open_store`. A test that concerns
one backend only pins it: ``@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import cablescope
from cablescope import Cable
from cablescope.store import Store, open_store

BACKENDS = ("sqlite", "postgresql")


def _load_pg_server() -> ModuleType:
    """`pg_server` beside this file (tests are not a package: import it by path)."""
    spec = importlib.util.spec_from_file_location(
        "cablescope_tests_pg_server", Path(__file__).with_name("pg_server.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pg_server = _load_pg_server()


def require_postgres() -> Path:
    """The directory of initdb/pg_ctl; skips without PostgreSQL, fails under CI."""
    bindir = pg_server.find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL's server programs (initdb, pg_ctl) are missing")
        pytest.skip("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    return bindir


@pytest.fixture(scope="session")
def make_cluster() -> Callable[[], Any]:
    """``make_cluster()``: a new throw-away cluster, not started (`pg_server.Cluster`); the
    caller destroys it."""
    bindir = require_postgres()
    return lambda: pg_server.Cluster(bindir)


@pytest.fixture(scope="session")
def pg_cluster(make_cluster: Callable[[], Any]) -> Iterator[Any]:
    """A throw-away PostgreSQL cluster for the whole session (`pg_server.Cluster`)."""
    cluster = make_cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: each test using it runs on both."""
    return str(request.param)


ArchiveFactory = Callable[[str], str]


@pytest.fixture(scope="session")
def new_archive(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ArchiveFactory:
    """``new_archive("name")``: where a fresh, empty archive of `backend` goes."""
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        return lambda name: str(cluster.create_db(name.replace("-", "_")))
    return lambda name: str(tmp_path_factory.mktemp(name) / f"{name}.db")


@pytest.fixture()
def seeds(seeds_dir: Path, new_archive: ArchiveFactory) -> Iterator[tuple[Store, list[Cable]]]:
    """A fresh archive holding the two seed cables, and the cables as parsed."""
    cables = list(cablescope.read(seeds_dir))
    with open_store(new_archive("seeds")) as store:
        store.write_batch(cables)
        yield store, cables
