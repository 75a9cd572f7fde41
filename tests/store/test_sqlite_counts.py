"""Rows per table are kept by every write, and always equal what count(*) says."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import cablescope
from cablescope.store import open_store
from cablescope.store.sqlite import COUNTED_TABLES


def _counted(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        return {
            t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES
        }


def test_kept_counts_follow_every_write(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    cables = list(cablescope.read(seeds_dir))
    with open_store(db) as store:
        assert set(store.counts().values()) == {0}
        store.write_batch(cables[:1])
        assert store.counts() == _counted(db)
        store.write_batch(cables)  # one new, one already stored
        store.write_batch(cables)  # nothing new
        kept = store.counts()
    assert kept == _counted(db)
    assert kept["cables"] == kept["versions"] == 2 and kept["paragraphs"] > 10


def test_an_archive_without_kept_counts_is_counted_on_open(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with open_store(db) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
    with sqlite3.connect(db) as connection:  # as an archive from before the counts were kept
        connection.execute("DELETE FROM table_rows")
        connection.execute("DELETE FROM meta WHERE key = 'table_rows'")
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with open_store(db, read_only=True) as store:
        assert store.counts() == _counted(db)
