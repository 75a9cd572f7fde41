"""Fixtures of the command tests: the seeds in an archive of their own per test module, and
a fresh copy of it for a test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cablescope
from cablescope.store import open_store


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, dict]:
    """(the archive, the seeds' records by id)."""
    cables = list(cablescope.read([seeds_dir]))
    db = tmp_path_factory.mktemp("seeds-cli") / "seeds.db"
    with open_store(db) as store:
        store.write_batch(cables)
    return db, {c.id: c.to_dict() for c in cables}


@pytest.fixture
def fresh(seeds_db: tuple[Path, dict], tmp_path: Path) -> Path:
    """A copy of `seeds_db`'s archive, this test's alone."""
    path = tmp_path / "fresh.db"
    shutil.copy(seeds_db[0], path)
    return path
