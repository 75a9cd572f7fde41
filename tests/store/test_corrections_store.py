"""Users' entity corrections on every backend: kept in order, apart from the machine's output
(ingest and the checksum never touch them), refused on a read-only store."""

from __future__ import annotations

from pathlib import Path

import pytest

import cablescope
from cablescope.store import open_store


def test_corrections_are_kept_in_order_and_apart(seeds_dir: Path, new_archive) -> None:
    db = new_archive("corrections")
    cables = list(cablescope.read(seeds_dir))
    with open_store(db) as store:
        store.write_batch(cables)
        assert store.corrections() == []
        before = store.checksum()
        store.add_correction({"op": "merge", "ids": ["org:let", "org:lashkar-e-taiba"]})
        store.add_correction({"op": "rename", "ids": ["person:kayani"], "name": "A. P. Kayani"})
        store.write_batch(cables)  # a re-ingest leaves them alone
        assert store.checksum() == before
    with open_store(db, read_only=True) as reader:
        kept = reader.corrections()
        assert [c["op"] for c in kept] == ["merge", "rename"]
        assert kept[0]["ids"] == ["org:let", "org:lashkar-e-taiba"]
        assert kept[0]["seq"] < kept[1]["seq"] and kept[1]["created_at"][:2] == "20"
        with pytest.raises(PermissionError):
            reader.add_correction({"op": "rename", "ids": ["x"], "name": "y"})
