"""Entity co-occurrence, timelines and paragraphs by marking on the seeds, with expected
answers from the seeds' text read here (regular expressions of this test's own)."""

from __future__ import annotations

import re

import pytest

from cablescope.graph import build
from cablescope.graph.corpus import collect, entities_of
from cablescope.graph.entities import cooccurrence_graph, neighbours, passages, timeline
from cablescope.store import open_store

LET = re.compile(r"Lashkar[ -]e[ -]T\w+|LASHKAR E-TAIBA|\bLeT\b")


@pytest.fixture(scope="module")
def resolved(seeds):
    collected = collect(iter(seeds.records.values()), keep_records=True)
    return collected, entities_of(collected, [])


def _named(entities, alias):
    (found,) = [e for e in entities if alias in e.aliases]
    return found


def _paragraphs(records, pattern):
    return {
        (cid, i)
        for cid, rec in records.items()
        for i, p in enumerate(rec["paragraphs"])
        if re.search(pattern, p["text"] or "")
    }


def test_cooccurrence_counts_cables_and_paragraphs(seeds, resolved) -> None:
    collected, entities = resolved
    graph = cooccurrence_graph(entities, collected.cables)
    let, kayani = _named(entities, "LeT"), _named(entities, "Kayani")
    edge = graph.edges[(*sorted((let.id, kayani.id)), "co")]
    both = _paragraphs(seeds.records, LET.pattern) & _paragraphs(seeds.records, r"Kayani")
    assert edge["paragraphs"] == len(both) > 0
    kayani_cables = {cid for cid, _ in _paragraphs(seeds.records, r"Kayani")}
    assert edge["cables"] == edge["weight"] == len(kayani_cables)
    assert graph.nodes[let.id]["cables"] == len(seeds.records) == 2
    assert graph.directed is False


def test_top_keeps_the_biggest(resolved) -> None:
    collected, entities = resolved
    graph = cooccurrence_graph(entities, collected.cables, top=5)
    assert len(graph.nodes) == 5
    sizes = sorted((len(e.cables) for e in entities), reverse=True)
    assert sorted((a["cables"] for a in graph.nodes.values()), reverse=True) == sizes[:5]


def test_timeline_per_month(seeds, resolved) -> None:
    collected, entities = resolved
    let = _named(entities, "LeT")
    months = {}
    for rec in seeds.records.values():
        text = " ".join([rec["subject"], *(p["text"] for p in rec["paragraphs"])])
        if LET.search(text):
            months[rec["date"][:7]] = months.get(rec["date"][:7], 0) + 1
    got = timeline(let, collected.cables)
    assert {m: c for m, c, _ in got} == months
    assert sum(n for _, _, n in got) == len(let.mentions)


def test_paragraphs_grouped_by_marking(seeds, resolved) -> None:
    collected, entities = resolved
    kayani = _named(entities, "Kayani")
    grouped = passages(kayani, collected.records)
    expected = {
        seeds.records[cid]["paragraphs"][i]["marking"]
        for cid, i in _paragraphs(seeds.records, r"Kayani")
    }
    assert set(grouped) == expected
    for marking, group in grouped.items():
        for passage in group:
            assert passage.marking == marking and "«" in passage.snippet
            assert "Kayani" in passage.snippet


def test_neighbours_share_cables(resolved) -> None:
    _, entities = resolved
    jud = _named(entities, "JUD")
    near = neighbours(jud, entities, limit=None)
    assert near and all(set(other.cables) & set(jud.cables) for other, _, _ in near)
    assert all(other.id != jud.id for other, _, _ in near)


def test_build_reads_the_store(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        graph = build(store, "entities", limit=1)
    assert graph.meta["cables_read"] == 1 and graph.meta["capped"] is True
    assert all(a["cables"] == 1 for a in graph.nodes.values())
