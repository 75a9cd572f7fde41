"""What only the SQLite backend has: a file that plain sqlite3 reads (views, FTS5 indexes),
``sqlite:///`` URLs, and archives of an older schema upgraded on first open. What every
backend shares is tested in `test_store` and the other conformance modules."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

import cablescope
from cablescope.model import Cable
from cablescope.store import open_store


def _ingest(cables: list[Cable], db: Path, batch: int = 50) -> dict[str, int]:
    with open_store(db) as store:
        for start in range(0, len(cables), batch):
            store.write_batch(cables[start : start + batch])
        return store.counts()


def test_plain_sqlite3_reads_views_and_full_text(seeds_dir: Path, tmp_path: Path) -> None:
    cables = list(cablescope.read(seeds_dir))
    db = tmp_path / "a.db"
    _ingest(cables, db)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, tags, paragraphs FROM cable_summary ORDER BY id").fetchall()
    assert [r[0] for r in rows] == sorted(c.id for c in cables)
    by_id = {c.id: c for c in cables}
    for cable_id, tags, paragraphs in rows:
        assert tags == ", ".join(by_id[cable_id].tags)
        assert paragraphs == len(by_id[cable_id].paragraphs)
    hits = con.execute(
        "SELECT cable_id, number FROM paragraph_fts WHERE paragraph_fts MATCH 'Boucher'"
    ).fetchall()
    expected = Counter(
        (c.id, p.number) for c in cables for p in c.paragraphs if "Boucher" in p.text
    )
    assert hits and Counter(hits) == expected
    con.execute("INSERT INTO cable_fts (cable_fts) VALUES ('integrity-check')")
    con.execute("INSERT INTO paragraph_fts (paragraph_fts) VALUES ('integrity-check')")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_store_urls(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'u.db'}") as store:
        assert store.counts()["cables"] == 0
    with pytest.raises(ValueError):
        open_store("ftp://x/y")


def test_an_older_archive_is_upgraded_on_first_open(seeds_dir: Path, tmp_path: Path) -> None:
    from cablescope.search import parse_query

    db = tmp_path / "old.db"
    with open_store(db) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
    with sqlite3.connect(db) as con:  # what version 1 had: none of these
        con.execute("DROP INDEX current_cover")
        con.execute("DROP TABLE party_fts")
        con.execute("DELETE FROM meta WHERE key = 'party_fts'")
        con.execute("DROP TABLE subject_fts")  # before version 4
        con.execute("DELETE FROM meta WHERE key = 'subject_fts'")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(db, read_only=True) as store:
        assert [hit.id for hit in store.search(parse_query("from:London")).hits] == ["08LONDON3062"]
    with sqlite3.connect(db) as con:
        subjects = con.execute(
            "SELECT rowid FROM subject_fts WHERE subject_fts MATCH 'lashkar' ORDER BY rowid"
        ).fetchall()
        expected = con.execute(
            "SELECT id FROM versions WHERE lower(subject) LIKE '%lashkar%' ORDER BY id"
        ).fetchall()
    assert subjects == expected and len(expected) >= 1


def test_big_full_text_indexes_merge_sixteen_segments_a_level(tmp_path: Path) -> None:
    """Set on a new archive, and again on the next writable open of one that lost it."""
    path = tmp_path / "fts.db"
    open_store(str(path)).close()

    def config() -> dict[str, dict[str, int]]:
        with sqlite3.connect(path) as db:
            return {
                index: dict(db.execute(f"SELECT k, v FROM {index}_config WHERE k != 'version'"))
                for index in ("cable_fts", "paragraph_fts")
            }

    expected = {"automerge": 16, "hashsize": 32 << 20}
    assert config() == {"cable_fts": expected, "paragraph_fts": expected}
    with sqlite3.connect(path) as db:  # as an archive from before the setting
        db.execute("INSERT INTO cable_fts (cable_fts, rank) VALUES ('automerge', 4)")
    assert config()["cable_fts"]["automerge"] == 4
    open_store(str(path), read_only=True).close()
    assert config()["cable_fts"]["automerge"] == 4  # a reader never writes
    open_store(str(path)).close()
    assert config() == {"cable_fts": expected, "paragraph_fts": expected}
