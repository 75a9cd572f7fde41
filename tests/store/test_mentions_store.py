"""Stored entity mentions on every backend: rows come back as written with offsets that
index the stored text, extraction is incremental, a new default version replaces its
predecessor's mentions, corrections apply at read time, and "which SECRET paragraphs
mention ISI" is answered as the parsed paragraphs say."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import cablescope
from cablescope.commands.enrich import enrich
from cablescope.graph.stored import mention_rows, selection, selects_for
from cablescope.store import open_store
from cablescope.store.mentions import COLUMNS, MarkingFilter, Select, marking_filter

ISI = re.compile(r"\bISI\b|Inter-Services Intelligence")
LONDON = "08LONDON3062"


def _paragraphs(cables: list[Any], pattern: re.Pattern[str], level: str | None = None) -> set:
    """(cable id, paragraph number) of the parsed paragraphs whose text matches, at
    `level` (None: any) — computed from the parser's output, not from the store."""
    return {
        (c.id, p["number"])
        for c in cables
        for p in c.to_dict()["paragraphs"]
        if pattern.search(p["text"] or "") and (level is None or p["classification"] == level)
    }


@pytest.fixture()
def enriched(seeds_dir: Path, new_archive) -> tuple[str, list[Any]]:
    db = new_archive("mentions")
    cables = list(cablescope.read(seeds_dir))
    with open_store(db) as store:
        store.write_batch(cables)
        assert not store.has_mentions()
        assert store.mention_progress() == (0, 2)
        report = enrich(store)
        assert report.cables == 2 and report.mentions > 0
    return db, cables


def test_rows_round_trip_with_offsets_into_the_stored_text(enriched) -> None:
    db, cables = enriched
    with open_store(db, read_only=True) as store:
        assert store.has_mentions() and store.mention_progress() == (2, 2)
        for cable in cables:
            record = store.get(cable.id)
            expected = mention_rows(cable.to_dict())
            entities = sorted({row[COLUMNS.index("entity")] for row in expected})
            page = store.mentions(entities, limit=None)
            got = [r for r in page.rows if r["cable_id"] == cable.id]
            assert len(got) == len(expected)
            assert sorted(
                (r["field"], r["position"] or -1, r["start"], r["end"], r["text"]) for r in got
            ) == sorted((row[0], row[1] or -1, row[3], row[4], row[5]) for row in expected)
            for row in got:
                if row["field"] == "text":
                    text = record["paragraphs"][row["position"]]["text"]
                    assert text[row["start"] : row["end"]] == row["text"]
                    assert row["marking"] == record["paragraphs"][row["position"]]["marking"]


def test_which_secret_paragraphs_mention_isi(enriched) -> None:
    db, cables = enriched
    with open_store(db, read_only=True) as store:
        chosen = selection(store, "ISI")
        assert chosen is not None
        entity_id, selects = chosen
        for letter, level in (("S", "SECRET"), ("C", "CONFIDENTIAL"), ("SECRET", "SECRET")):
            page = store.mentions(selects, marking=letter, limit=None)
            assert {(r["cable_id"], r["paragraph"]) for r in page.rows} == _paragraphs(
                cables, ISI, level
            )
            assert page.total == len(page.rows) and all(r["level"] == level for r in page.rows)
        everywhere = store.mentions(selects, limit=None)
        in_text = {(r["cable_id"], r["paragraph"]) for r in everywhere.rows if r["field"] == "text"}
        assert in_text == _paragraphs(cables, ISI)
        counts = store.mention_counts(selects)
        assert counts["mentions"] == everywhere.total
        secret = [g for g in counts["markings"] if g["level"] == "SECRET"]
        assert sum(g["paragraphs"] for g in secret) == len(_paragraphs(cables, ISI, "SECRET"))
        assert store.mention_entities([entity_id, "org:no-such-thing"]) == {
            entity_id: everywhere.total
        }
        one = store.mentions(selects, marking="S", limit=1, offset=1)
        assert one.total == store.mentions(selects, marking="S").total and len(one.rows) == 1


def test_a_second_run_extracts_nothing(enriched) -> None:
    db, _ = enriched
    with open_store(db) as store:
        before = store.mention_progress()
        again = enrich(store)
        assert (again.cables, again.mentions) == (0, 0)
        assert list(store.pending_mentions()) == []
        assert store.mention_progress() == before


def test_a_new_version_replaces_its_mentions(enriched, seeds_dir: Path) -> None:
    db, _ = enriched
    text = (seeds_dir / f"{LONDON}.txt").read_text(encoding="utf-8")
    changed = cablescope.parse(text.replace("ISI", "the service"), name="v2")
    with open_store(db) as store:
        _, selects = selection(store, "ISI") or ("", [])
        assert store.mentions(selects).total > 0
        store.write_batch([changed])
        assert store.versions(LONDON)[-1]["default"]
        # Until enrich runs, the old version's rows are not shown as the cable's.
        assert store.mentions(selects).total == 0
        assert [vid for vid, _ in store.pending_mentions()] != []
        report = enrich(store)
        assert report.cables == 1 and report.pruned == 1  # the old version's rows dropped
        assert store.mentions(selects).total == 0
        rows = store.mentions(sorted({r[7] for r in mention_rows(changed.to_dict())}), limit=None)
        ours = [r for r in rows.rows if r["cable_id"] == LONDON]
        assert ours and {r["version"] for r in ours} == {2}
        assert enrich(store).cables == 0


def test_corrections_apply_at_read_time(enriched) -> None:
    db, _ = enriched
    with open_store(db) as store:
        isi, _ = selection(store, "ISI") or ("", [])
        kayani, _ = selection(store, "Kayani") or ("", [])
        n_isi = store.mentions(isi).total
        n_kayani = store.mentions(kayani).total
        assert n_isi and n_kayani
        store.add_correction({"op": "merge", "ids": [isi, kayani]})
        merged = selects_for(isi, store.corrections())
        assert store.mentions(merged).total == n_isi + n_kayani
        assert selects_for(kayani, store.corrections()) == []
        store.add_correction(
            {"op": "split", "ids": [isi], "new_id": "person:gk", "aliases": ["General Kayani"]}
        )
        fixes = store.corrections()
        moved = store.mentions(selects_for("person:gk", fixes), limit=None)
        kept = store.mentions(selects_for(isi, fixes), limit=None)
        assert moved.total > 0 and {r["text"] for r in moved.rows} == {"General Kayani"}
        assert "General Kayani" not in {r["text"] for r in kept.rows}
        assert moved.total + kept.total == n_isi + n_kayani
        store.add_correction({"op": "rename", "ids": ["person:gk"], "name": "The General"})
        renamed = selection(store, "The General")
        assert renamed is not None and renamed[0] == "person:gk"
        assert store.mentions(renamed[1]).total == moved.total


def test_redo_forgets_and_extracts_again(enriched) -> None:
    db, _ = enriched
    with open_store(db) as store:
        total = store.mention_counts(selection(store, "ISI")[1])["mentions"]  # type: ignore[index]
        report = enrich(store, redo=True)
        assert report.pruned == 2 and report.cables == 2
        assert store.mention_counts(selection(store, "ISI")[1])["mentions"] == total  # type: ignore[index]


def test_read_only_store_refuses_writes_and_empty_archive_has_none(new_archive) -> None:
    db = new_archive("mentions-empty")
    open_store(db).close()
    with open_store(db, read_only=True) as store:
        assert not store.has_mentions()
        assert store.mentions("org:x").total == 0
        assert store.mention_counts("org:x")["mentions"] == 0
        with pytest.raises(PermissionError):
            store.write_mentions({1: []})


def test_marking_filter_reads_levels_exact_markings_and_unmarked() -> None:
    assert marking_filter("s") == MarkingFilter(level="SECRET")
    assert marking_filter("SECRET") == MarkingFilter(level="SECRET")
    assert marking_filter("s//nf") == MarkingFilter(level="SECRET", marking="S/NF")
    assert marking_filter("C/REL Pakistan") == MarkingFilter(
        level="CONFIDENTIAL", marking="C/REL PAKISTAN"
    )
    assert marking_filter("unmarked") == MarkingFilter(unmarked=True)
    assert marking_filter("=S") == MarkingFilter(level="SECRET", marking="S")
    assert marking_filter(None) is None and marking_filter(" ") is None
    assert selects_for("org:a", []) == [Select("org:a")]
