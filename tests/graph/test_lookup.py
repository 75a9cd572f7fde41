"""Finding one entity in an archive by id or name, with the seeds as the archive: both
seed cables on the LeT entity, and Kayani's, Zardari's and the ISI's where they name them."""

from __future__ import annotations

import re

import pytest

from cablescope.graph.lookup import find_entity, gazetteer_spellings, name_of_id, query_text
from cablescope.graph.profile import profile
from cablescope.store import open_store


def _citing(records, pattern):
    return sorted(
        cid
        for cid, rec in records.items()
        if any(re.search(pattern, p["text"] or "") for p in rec["paragraphs"])
    )


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("org:lashkar-e-taiba", r"Lashkar|LASHKAR|\bLeT\b"),
        ("Lashkar e Taiba", r"Lashkar|LASHKAR|\bLeT\b"),
        ("Kayani", r"Kayani"),
        ("Zardari", r"Zardari"),
        ("ISI", r"\bISI\b"),
        ("org:inter-services-intelligence", r"\bISI\b"),
    ],
)
def test_seed_actors_and_their_cables(seeds, key, pattern) -> None:
    with open_store(seeds.db, read_only=True) as store:
        found = find_entity(store, key)
    assert found.entity is not None, found.terms
    assert sorted(found.entity.cables) == _citing(seeds.records, pattern)
    data = profile(found)
    assert sorted(c["id"] for c in data["cable_list"]) == _citing(seeds.records, pattern)


def test_both_seeds_on_the_let_page(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        data = profile(find_entity(store, "org:lashkar-e-taiba"))
    assert sorted(c["id"] for c in data["cable_list"]) == sorted(seeds.records)
    assert {"LeT", "Lashkar e Taiba"} <= set(data["aliases"])
    assert {t["month"] for t in data["timeline"]} == {"2008-12", "2009-06"}
    markings = {
        p["marking"]
        for rec in seeds.records.values()
        for p in rec["paragraphs"]
        if re.search(r"Lashkar|LASHKAR|\bLeT\b", p["text"])
    }
    assert set(data["paragraphs"]) == markings


def test_unknown_entity_is_none(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        assert find_entity(store, "Plugh Xyzzy").entity is None
        assert find_entity(store, "person:plugh-xyzzy").entity is None


def test_names_and_queries() -> None:
    assert name_of_id("org:lashkar-e-taiba-2") == "lashkar e taiba"
    assert name_of_id("org:let-caps-split3") == "let caps"
    assert "ISI" in gazetteer_spellings("Inter-Services Intelligence")
    assert "ISI" in gazetteer_spellings("ISI")
    assert query_text(['Her Majesty\'s "Government"', "LeT", "LeT"]) == (
        '"Her Majesty s Government" OR "LeT"'
    )


@pytest.mark.corpus
def test_dev_corpus_entity_cables_say_its_name(dev) -> None:
    with open_store(dev.db, read_only=True) as store:
        found = find_entity(store, "Zardari", limit=50)
    assert found.entity is not None
    for cid in found.entity.cables:
        text = " ".join(p["text"] or "" for p in dev.records[cid]["paragraphs"])
        text += " " + (dev.records[cid]["subject"] or "")
        assert re.search(r"zardari", text, re.I), cid
