"""The pages' cache of store reads: remembered until the archive changes on disk."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

import cablescope
from cablescope.api.app import create_app
from cablescope.store import open_store
from cablescope.web.cache import ArchiveCache


def _calls() -> tuple[list[int], Any]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_remembered_until_the_archive_changes(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "a.db"
    cables = list(cablescope.read(seeds_dir))
    with open_store(db) as store:
        store.write_batch(cables[:1])
    cache = ArchiveCache(str(db))
    calls, compute = _calls()
    assert cache.get("k", compute) == 1
    assert cache.get("k", compute) == 1 and len(calls) == 1
    with open_store(db) as store:
        store.write_batch(cables[1:])
    assert cache.get("k", compute) == 2


def test_bounded_and_least_recently_used_first(tmp_path: Path) -> None:
    cache = ArchiveCache(str(tmp_path / "none.db"), max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # a is now the most recent
    cache.get("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get("a", lambda: -1) == 1 and cache.get("b", lambda: -2) == -2


def test_one_computation_for_readers_asking_at_once(tmp_path: Path) -> None:
    cache = ArchiveCache(str(tmp_path / "none.db"))
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        return "done"

    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == ["done", "done"] and len(calls) == 1


def test_pages_show_an_ingest_made_while_serving(
    tmp_path: Path, archive: Any, seeds_dir: Path
) -> None:
    db = tmp_path / "live.db"
    shutil.copy(archive.db, db)
    with TestClient(create_app(db)) as client:
        before = client.get("/").text
        count = int(re.search(r"<dt>Cables</dt><dd>([\d,]+)</dd>", before).group(1))
        assert client.get("/").text == before  # served again from the cache
        new = cablescope.parse(
            (seeds_dir / "08LONDON3062.txt").read_text().replace("08LONDON3062", "08LONDON3063")
        )
        with open_store(db) as store:
            store.write_batch([new])
        after = client.get("/").text
        assert f"<dt>Cables</dt><dd>{count + 1:,}</dd>" in after
