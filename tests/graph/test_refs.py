"""The reference graph: edges from the records' CABLE references, missing cables flagged,
replies and threads by the documented rules."""

from __future__ import annotations

import re

import pytest

from cablescope.graph import build
from cablescope.graph.refs import reference_graph
from cablescope.search import parse_query
from cablescope.store import open_store


def _record(cid, date, subject, refs=(), to=(), origin_name=None):
    return {
        "id": cid,
        "date": date,
        "subject": subject,
        "origin": origin_name,
        "references": [{"value": r, "kind": "CABLE", "bullet": None, "title": None} for r in refs]
        + [{"value": "SOME E-MAIL", "kind": "EMAIL", "bullet": None, "title": None}],
        "to": [{"name": name, "route": None} for name in to],
        "info": [],
    }


def test_replies_follow_ups_threads_and_missing() -> None:
    records = [
        _record(
            "09ISLAMABAD100",
            "2009-01-05",
            "PAKISTAN: LASHKAR CAMPS IN PUNJAB",
            to=["SECSTATE WASHDC"],
        ),
        _record(
            "09STATE200",
            "2009-01-09",
            "DEMARCHE ON CAMPS",
            refs=["09ISLAMABAD100"],
            to=["AMEMBASSY ISLAMABAD"],
        ),
        _record(
            "09ISLAMABAD300",
            "2009-02-01",
            "LASHKAR CAMPS IN PUNJAB: UPDATE",
            refs=["09ISLAMABAD100", "08PARIS999"],
            to=["SECSTATE WASHDC"],
        ),
        _record(
            "09LONDON400", "2009-03-01", "WEATHER", refs=["09STATE200"], to=["SECSTATE WASHDC"]
        ),
    ]
    graph = reference_graph(iter(records), in_archive=lambda cid: cid == "08PARIS999")
    edges = {(s, t): a for s, t, _, a in graph.iter_edges()}
    assert set(edges) == {
        ("09STATE200", "09ISLAMABAD100"),
        ("09ISLAMABAD300", "09ISLAMABAD100"),
        ("09ISLAMABAD300", "08PARIS999"),
        ("09LONDON400", "09STATE200"),
    }
    # State answers Islamabad, addressed to Islamabad: a reply.
    assert edges[("09STATE200", "09ISLAMABAD100")]["reply"] is True
    # Same post, shared subject words (LASHKAR, CAMPS, PUNJAB): a follow-up, not a reply.
    follow = edges[("09ISLAMABAD300", "09ISLAMABAD100")]
    assert follow["follow_up"] is True and follow["reply"] is False
    # London cites a State cable in a cable addressed to State: a reply too.
    assert edges[("09LONDON400", "09STATE200")]["reply"] is True
    threads = {n: a["thread"] for n, a in graph.nodes.items()}
    assert threads["09ISLAMABAD100"] == threads["09STATE200"] == threads["09LONDON400"]
    assert threads["09ISLAMABAD300"] == "09ISLAMABAD100"
    assert graph.nodes["09ISLAMABAD100"]["thread_size"] == 4
    assert graph.nodes["08PARIS999"]["in_archive"] is True
    assert graph.nodes["08PARIS999"]["matched"] is False
    assert graph.nodes["09ISLAMABAD100"]["cited_by"] == 2


def test_unrelated_citation_is_neither_reply_nor_follow_up() -> None:
    records = [
        _record("09ROME1", "2009-01-01", "ITALIAN WINE EXPORTS", to=["SECSTATE WASHDC"]),
        _record(
            "09ROME2",
            "2009-01-02",
            "CARABINIERI TRAINING",
            refs=["09ROME1"],
            to=["SECSTATE WASHDC"],
        ),
    ]
    graph = reference_graph(iter(records), complete=True)
    (attrs,) = graph.edges.values()
    assert attrs["reply"] is False and attrs["follow_up"] is False
    assert graph.nodes["09ROME1"]["thread"] is None


_CABLE_REF = re.compile(r"^\d{2}[A-Z]+\d+$")


@pytest.mark.corpus
def test_dev_corpus_edges_and_missing_cables(dev) -> None:
    expected = {
        (cid, ref["value"])
        for cid, rec in dev.records.items()
        for ref in rec["references"]
        if ref["kind"] == "CABLE" and ref["value"] != cid
    }
    with open_store(dev.db, read_only=True) as store:
        graph = build(store, "refs")
    assert {(s, t) for s, t, _, _ in graph.iter_edges()} == expected
    cited = {t for _, t in expected}
    missing = {n for n, a in graph.nodes.items() if a["in_archive"] is False}
    assert missing == cited - set(dev.records)
    assert missing and all(_CABLE_REF.match(m) or m for m in missing)
    assert set(graph.nodes) == set(dev.records) | cited
    assert graph.meta["missing"] == len(missing)


@pytest.mark.corpus
def test_dev_corpus_query_marks_held_cables_outside_it(dev) -> None:
    with open_store(dev.db, read_only=True) as store:
        graph = build(store, "refs", parse_query("date:2009"))
    matched = {cid for cid, rec in dev.records.items() if (rec["date"] or "").startswith("2009")}
    assert {n for n, a in graph.nodes.items() if a["matched"]} == matched
    outside = {n: a for n, a in graph.nodes.items() if not a["matched"]}
    assert outside
    for node, attrs in outside.items():
        assert attrs["in_archive"] is (node in dev.records)
