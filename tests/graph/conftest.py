"""Archives the graph tests read, built once per session: the two seeds, and the real dev
corpus from ../shared. Expected answers come from the parsed records (`cablescope.read`),
never from the store the graphs read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import cablescope
from cablescope.store import open_store

DEV_TARBALL = ("corpus", "cablegate-html-dev.tar.gz")


@dataclass
class Built:
    """An archive file and the default version of each cable in it, as parsed."""

    db: Path
    records: dict[str, dict[str, Any]]


def defaults(cables: list[Any]) -> dict[str, dict[str, Any]]:
    """One record per id by the store's documented rule: released last, then fewer
    redactions, then read last."""
    chosen: dict[str, tuple[tuple[str, int, int], Any]] = {}
    for order, cable in enumerate(cables):
        key = (cable.released or "", -cable.redactions, order)
        if cable.id not in chosen or key > chosen[cable.id][0]:
            chosen[cable.id] = (key, cable)
    return {cid: cable.to_dict() for cid, (_, cable) in chosen.items()}


def build(path: Path, sources: list[Path]) -> Built:
    cables = list(cablescope.read(sources))
    with open_store(path) as store:
        for start in range(0, len(cables), 500):
            store.write_batch(cables[start : start + 500])
    return Built(path, defaults(cables))


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Built:
    return build(tmp_path_factory.mktemp("graph-seeds") / "seeds.db", [seeds_dir])


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory, shared_path: Any) -> Built:
    tarball = shared_path(*DEV_TARBALL)
    return build(tmp_path_factory.mktemp("graph-dev") / "dev.db", [tarball])
