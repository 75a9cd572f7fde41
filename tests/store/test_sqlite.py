"""The SQLite store on real cables: counts match an independent parse, writes are idempotent,
changed texts become versions, records round-trip, and the file reads in plain sqlite3."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

import cablescope
from cablescope.model import Cable, Paragraph
from cablescope.store import open_store


def _expected_counts(cables: list[Cable]) -> dict[str, int]:
    """Row counts computed from the parsed records, without the store's flattening code."""
    distinct: dict[tuple[str, str], Cable] = {}
    for cable in cables:
        distinct.setdefault((cable.id or "", " ".join(cable.raw.split())), cable)
    kept = list(distinct.values())
    return {
        "cables": len({key[0] for key in distinct}),
        "versions": len(kept),
        "tags": sum(len(c.tags) for c in kept),
        "refs": sum(len(c.references) for c in kept),
        "captions": sum(len(c.captions) for c in kept),
        "signers": sum(len(c.signers) for c in kept),
        "paragraphs": sum(len(c.paragraphs) for c in kept),
        "problems": sum(len(c.problems) for c in kept),
        "recipients": sum(len(c.to) + len(c.info) + (c.sender is not None) for c in kept),
    }


def _ingest(cables: list[Cable], db: Path, batch: int = 50) -> dict[str, int]:
    with open_store(db) as store:
        for start in range(0, len(cables), batch):
            store.write_batch(cables[start : start + batch])
        return store.counts()


@pytest.mark.parametrize(
    "parts",
    [
        ("corpus", "seeds"),
        ("corpus", "raw-text"),
        ("corpus", "cables-csv", "cables_sample.csv"),
    ],
)
def test_counts_match_an_independent_parse(shared_path, tmp_path: Path, parts) -> None:
    cables = list(cablescope.read(shared_path(*parts)))
    assert cables
    counts = _ingest(cables, tmp_path / "a.db")
    expected = _expected_counts(cables)
    assert {k: counts[k] for k in expected} == expected
    assert counts["sources"] == len(cables)


def test_same_input_twice_changes_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    cables = list(cablescope.read(seeds_dir))
    db = tmp_path / "a.db"
    with open_store(db) as store:
        first = store.write_batch(cables)
        before = (store.counts(), store.checksum())
        again = store.write_batch(cables)
        assert (store.counts(), store.checksum()) == before
    assert first.new_versions == len(cables) and first.new_sources == len(cables)
    assert (again.new_versions, again.new_cables, again.new_sources) == (0, 0, 0)


def test_records_round_trip(seeds_dir: Path, tmp_path: Path) -> None:
    cables = list(cablescope.read(seeds_dir))
    with open_store(tmp_path / "a.db") as store:
        store.write_batch(cables)
        for cable in cables:
            assert cable.id is not None
            assert store.get(cable.id) == cable.to_dict(include_raw=True)
        assert store.get("99NOWHERE1") is None


def test_altered_text_becomes_a_second_version(seeds_dir: Path, tmp_path: Path) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    extra = Paragraph(number=99, text="An added paragraph in the later release.")
    altered = replace(
        original,
        raw=original.raw + "\n99. An added paragraph in the later release.\n",
        paragraphs=[*original.paragraphs, extra],
        released="2011-08-30",
    )
    with open_store(tmp_path / "a.db") as store:
        store.write_batch([original])
        result = store.write_batch([altered, original])  # the old text again: no third version
        assert (result.new_versions, result.new_cables) == (1, 0)
        versions = store.versions("08LONDON3062")
        assert [v["version"] for v in versions] == [1, 2]
        assert [v["default"] for v in versions] == [False, True]
        default = store.get("08LONDON3062")
        assert default is not None and default["paragraphs"][-1]["number"] == 99
        first = store.get("08LONDON3062", version=1)
        assert first is not None and len(first["paragraphs"]) == len(original.paragraphs)
        assert store.counts()["cables"] == 1


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
    with pytest.raises(NotImplementedError):
        open_store("postgresql://localhost/cables")
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
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(db, read_only=True) as store:
        assert [hit.id for hit in store.search(parse_query("from:London")).hits] == [
            "08LONDON3062"
        ]
