"""The addressee network: origin → addressee edges counted against the records, and
routing indicators decoded to stations."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cablescope.data import routing_indicators
from cablescope.graph import build
from cablescope.ids import station_from_post
from cablescope.store import open_store

_ID = re.compile(r"^\d{2}([A-Z]+)\d+$")


def _expected(records):
    """(origin station, addressee station) → Counter(role), counted here: one per cable and
    post, an action addressee over an info one."""
    counts: dict[tuple[str, str], Counter] = {}
    for cid, rec in records.items():
        shape = _ID.match(cid)
        origin = shape.group(1) if shape else station_from_post(rec["origin"] or "")
        roles: dict[str, str] = {}
        for role in ("to", "info"):
            for party in rec[role]:
                key = station_from_post(party["name"] or party.get("station") or "")
                if key:
                    roles.setdefault(key, role)
        for key, role in roles.items():
            counts.setdefault((origin, key), Counter())[role] += 1
    return counts


def test_seeds_edges_and_decoded_stations(seeds) -> None:
    with open_store(seeds.db, read_only=True) as store:
        graph = build(store, "posts")
    edges = {(s, t): a for s, t, _, a in graph.iter_edges()}
    assert edges[("LONDON", "STATE")]["to"] == 1 and edges[("LONDON", "STATE")]["info"] == 0
    assert edges[("LONDON", "ISLAMABAD")]["info"] == 1
    assert edges[("STATE", "ISLAMABAD")]["to"] == 1
    assert edges[("STATE", "NEWDELHI")]["years"] == "2009:1"
    # RUEHLO decodes to the London embassy, RUEHC to the Department.
    assert graph.nodes["LONDON"]["label"] == routing_indicators()["RUEHLO"]
    assert graph.nodes["STATE"]["label"] == routing_indicators()["RUEHC"]
    assert graph.nodes["LONDON"]["route"] == "RUEHLO"
    assert graph.nodes["STATE"]["sent"] == 1 and graph.nodes["LONDON"]["sent"] == 1
    london = seeds.records["08LONDON3062"]
    posts = {station_from_post(p["name"]) for p in london["to"] + london["info"]}
    assert {t for s, t in edges if s == "LONDON"} == posts


@pytest.mark.corpus
def test_dev_corpus_counts_match_the_records(dev) -> None:
    with open_store(dev.db, read_only=True) as store:
        graph = build(store, "posts")
    expected = _expected(dev.records)
    got = {(s, t): a for s, t, _, a in graph.iter_edges()}
    assert set(got) == set(expected)
    for pair, roles in expected.items():
        attrs = got[pair]
        assert (attrs["to"], attrs["info"]) == (roles["to"], roles["info"]), pair
        assert attrs["weight"] == roles["to"] + roles["info"]
        years = [int(part.split(":")[1]) for part in str(attrs["years"]).split(";") if part]
        assert sum(years) <= attrs["weight"]
    assert sum(a["weight"] for a in got.values()) == sum(sum(r.values()) for r in expected.values())
