"""Every backend on real cables: counts match an independent parse, writes are idempotent,
changed texts become versions, records round-trip, problems and exports come back in order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import cablescope
from cablescope.model import Cable, Paragraph
from cablescope.search import parse_query
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


def _ingest(cables: list[Cable], db: str, batch: int = 50) -> dict[str, int]:
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
def test_counts_match_an_independent_parse(shared_path, new_archive, parts) -> None:
    cables = list(cablescope.read(shared_path(*parts)))
    assert cables
    counts = _ingest(cables, new_archive("counts"))
    expected = _expected_counts(cables)
    assert {k: counts[k] for k in expected} == expected
    assert counts["sources"] == len(cables)


def test_same_input_twice_changes_nothing(seeds_dir: Path, new_archive) -> None:
    cables = list(cablescope.read(seeds_dir))
    with open_store(new_archive("twice")) as store:
        first = store.write_batch(cables)
        before = (store.counts(), store.checksum())
        again = store.write_batch(cables)
        assert (store.counts(), store.checksum()) == before
    assert first.new_versions == len(cables) and first.new_sources == len(cables)
    assert first.new_cables == len(cables)
    assert (again.new_versions, again.new_cables, again.new_sources) == (0, 0, 0)


def test_records_round_trip(seeds_dir: Path, new_archive) -> None:
    cables = list(cablescope.read(seeds_dir))
    with open_store(new_archive("round")) as store:
        store.write_batch(cables)
        for cable in cables:
            assert cable.id is not None
            assert store.get(cable.id) == cable.to_dict(include_raw=True)
        assert store.get("99NOWHERE1") is None


def test_altered_text_becomes_a_second_version(seeds_dir: Path, new_archive) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    extra = Paragraph(number=99, text="An added paragraph in the later release.")
    altered = replace(
        original,
        raw=original.raw + "\n99. An added paragraph in the later release.\n",
        paragraphs=[*original.paragraphs, extra],
        released="2011-08-30",
    )
    with open_store(new_archive("altered")) as store:
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


def test_an_older_release_never_displaces_the_default(seeds_dir: Path, new_archive) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    later = replace(original, raw=original.raw + "\nlater\n", released="2011-08-30")
    earlier = replace(original, raw=original.raw + "\nearlier\n", released="2010-11-28")
    with open_store(new_archive("order")) as store:
        store.write_batch([later])
        store.write_batch([earlier, original])  # both after, both released before (or never)
        versions = store.versions("08LONDON3062")
        assert [(v["version"], v["released"], v["default"]) for v in versions] == [
            (1, "2011-08-30", True),
            (2, "2010-11-28", False),
            (3, original.released, False),
        ]
        assert store.counts()["cables"] == 1
        record = store.get("08LONDON3062")
        assert record is not None and record["raw"] == later.raw


def test_problems_are_listed_by_cable_and_field(shared_path, new_archive) -> None:
    cables = list(cablescope.read(shared_path("corpus", "raw-text")))
    expected = sorted(
        (c.id, p.field, p.message) for c in cables for p in c.problems if c.id is not None
    )
    assert expected
    with open_store(new_archive("problems")) as store:
        store.write_batch(cables)
        listed = list(store.problems())
        assert sorted((p["id"], p["field"], p["message"]) for p in listed) == expected
        assert [p["id"] for p in listed] == sorted(p["id"] for p in listed)
        assert all(p["default"] is True and p["version"] == 1 for p in listed)
        field = expected[0][1]
        assert {p["field"] for p in store.problems(field)} == {field}


def test_export_streams_default_versions_oldest_first(shared_path, new_archive) -> None:
    cables = list(cablescope.read(shared_path("corpus", "raw-text")))
    by_id = {c.id: c for c in cables}
    with open_store(new_archive("export")) as store:
        store.write_batch(cables)
        records = list(store.export(None, include_raw=True, batch_size=7))
        assert sorted(r["id"] for r in records) == sorted(by_id)
        keys = [(r["date"] is not None, r["date"] or "", r["id"]) for r in records]
        assert keys == sorted(keys)  # undated first, then by date, then by id
        for record in records:
            assert record == by_id[record["id"]].to_dict(include_raw=True)
        word = "embassy"
        matching = list(store.export(parse_query(word), batch_size=3))
        assert {r["id"] for r in matching} == {
            hit.id for hit in store.search(parse_query(word), limit=10_000).hits
        }
        assert all("raw" not in r or r["raw"] is None for r in matching)
