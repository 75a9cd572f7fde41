"""Users' corrections: stored apart from the machine's output, applied to every listing,
and still applied after the same cables are ingested again."""

from __future__ import annotations

import shutil

import pytest

import cablescope
from cablescope.graph import corrections as fixes
from cablescope.graph.lookup import find_entity
from cablescope.graph.profile import entity_list
from cablescope.store import open_store


@pytest.fixture
def archive(seeds, tmp_path):
    path = tmp_path / "corrected.db"
    shutil.copy(seeds.db, path)
    return path


def _by_id(store):
    rows, _ = entity_list(store, None, cables=10)
    return {row["id"]: row for row in rows}


def test_store_keeps_corrections_in_order(archive) -> None:
    with open_store(archive) as store:
        assert store.corrections() == []
        store.add_correction({"op": "rename", "ids": ["person:kayani"], "name": "A"})
        store.add_correction({"op": "rename", "ids": ["person:kayani"], "name": "B"})
        got = store.corrections()
    assert [c["name"] for c in got] == ["A", "B"]
    assert got[0]["seq"] < got[1]["seq"] and got[0]["created_at"]
    with open_store(archive, read_only=True) as reader:
        assert [c["name"] for c in reader.corrections()] == ["A", "B"]
        with pytest.raises(PermissionError):
            reader.add_correction({"op": "rename", "ids": ["x"], "name": "y"})


def test_read_only_archive_never_corrected(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        assert store.corrections() == []


def test_corrections_leave_the_machine_output_alone(archive) -> None:
    with open_store(archive) as store:
        before = store.checksum()
        store.add_correction({"op": "rename", "ids": ["person:kayani"], "name": "K"})
        assert store.checksum() == before


def test_merge_rename_split_survive_reingest(archive, seeds_dir) -> None:
    with open_store(archive) as store:
        machine = _by_id(store)
        sharif = find_entity(store, "Nawaz Sharif").entity
        hussein = find_entity(store, "Altaf Hussein").entity
        store.add_correction(fixes.merge([sharif, hussein], "Sharif-Hussein"))
        store.add_correction(fixes.rename(find_entity(store, "Kayani").entity, "Ashfaq Kayani"))
        let = find_entity(store, "org:lashkar-e-taiba")
        store.add_correction(
            fixes.split(
                let.entity, ["LASHKAR E-TAIBA"], "LeT in capitals", [e.id for e in let.entities]
            )
        )
    for attempt in range(2):  # as corrected, then after ingesting the same cables again
        with open_store(archive) as store:
            rows = _by_id(store)
            merged = rows[sharif.id]
            assert merged["name"] == "Sharif-Hussein" and hussein.id not in rows
            assert (
                merged["mentions"]
                == machine[sharif.id]["mentions"] + machine[hussein.id]["mentions"]
            )
            assert rows["person:kayani"]["name"] == "Ashfaq Kayani"
            split = [r for r in rows.values() if r["name"] == "LeT in capitals"]
            assert len(split) == 1 and split[0]["aliases"] == ["LASHKAR E-TAIBA"]
            assert "LASHKAR E-TAIBA" not in rows["org:lashkar-e-taiba"]["aliases"]
            renamed = find_entity(store, "Ashfaq Kayani")
            assert renamed.entity is not None and renamed.entity.id == "person:kayani"
            if attempt == 0:
                result = store.write_batch(list(cablescope.read([seeds_dir])))
                assert result.cables == 2
            assert [c["op"] for c in store.corrections()] == ["merge", "rename", "split"]


def test_bad_corrections_are_refused(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        kayani = find_entity(store, "Kayani").entity
    with pytest.raises(ValueError):
        fixes.merge([kayani])
    with pytest.raises(ValueError):
        fixes.merge([kayani, kayani])
    with pytest.raises(ValueError):
        fixes.split(kayani, ["Nobody"])
    with pytest.raises(ValueError):
        fixes.split(kayani, list(kayani.aliases))
    with pytest.raises(ValueError):
        fixes.rename(kayani, "  ")


def test_round_trip_and_lookup_helpers() -> None:
    stored = {"op": "split", "ids": ["org:x"], "new_id": "org:y", "aliases": ["Y"], "name": "Y"}
    correction = fixes.from_dict(stored)
    assert correction.op == "split" and correction.aliases == frozenset({"Y"})
    assert fixes.from_dict({"op": "explode"}) is None
    items = [stored, {"op": "rename", "ids": ["org:x"], "name": "Ex", "hints": ["X Corp"]}]
    assert fixes.ids_named(items, "y") == ["org:y"]
    assert fixes.ids_named(items, "EX") == ["org:x"]
    assert set(fixes.hints_for(items, "org:x")) == {"Y", "X Corp"}
