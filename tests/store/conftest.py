"""Fixtures shared by the store tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import cablescope
from cablescope import Cable
from cablescope.store import Store, open_store


@pytest.fixture()
def seeds(seeds_dir: Path, tmp_path: Path) -> Iterator[tuple[Store, list[Cable]]]:
    """A fresh archive holding the two seed cables, and the cables as parsed."""
    cables = list(cablescope.read(seeds_dir))
    with open_store(tmp_path / "seeds.db") as store:
        store.write_batch(cables)
        yield store, cables
