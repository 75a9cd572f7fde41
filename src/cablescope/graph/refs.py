"""The reference graph: which cables cite which, reply chains and threads.

One node per cable that matched the query and per cable they cite; an edge ``citing →
cited`` for every ``CABLE`` reference (memos, e-mails and telecons are not cables). A cited
cable gets ``in_archive=False`` when the archive does not hold it (a gap of the leak, or a
cable never released), ``matched=False`` when it is held but outside the query.

Replies and threads, kept simple on purpose: a citation is a *reply* when the citing cable
is addressed (TO) to the post that sent the cited one, from another post (Washington
answering an embassy, an embassy answering a Department tasker); it is a *follow-up* when
their subjects share at least `SHARED_SUBJECT_WORDS` content words. A *thread* is a set of
matched cables joined by replies and follow-ups; each member's ``thread`` attribute is the
id of the thread's oldest cable, ``thread_size`` its number of cables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cablescope.graph.model import Graph
from cablescope.graph.posts import addressees, origin_post

#: Subject words two cables must share for a citation to count as a follow-up.
SHARED_SUBJECT_WORDS = 2
_WORD = re.compile(r"[A-Z][A-Z0-9'-]{2,}")
#: Words every subject may have: they say nothing about the thread.
_STOPWORD_TEXT = """THE AND FOR WITH FROM THAT THIS ARE WAS WERE HAS HAVE NOT BUT ITS INTO ONTO OVER
    UNDER ABOUT AFTER BEFORE ON OF IN TO A AN AS AT BY OR NEW NEXT PART UPDATE REPORT
    MEETING MEETS VISIT DISCUSS DISCUSSES DISCUSSION COMMENT COMMENTS REQUEST RESPONSE
    FOLLOW-UP FOLLOWUP SCENESETTER U.S. USG GOVERNMENT OFFICIALS"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def subject_words(subject: str | None) -> frozenset[str]:
    """The content words of a subject (upper case, 3+ letters, no stopwords)."""
    words = _WORD.findall((subject or "").upper())
    return frozenset(w.strip("'-") for w in words if w.strip("'-") not in _STOPWORDS)


def cited_cables(record: dict[str, Any]) -> list[str]:
    """Ids of the cables a record cites (``CABLE`` references), in order, no repeats."""
    out: dict[str, None] = {}
    for ref in record.get("references") or []:
        value = (ref.get("value") or "").strip()
        if ref.get("kind") == "CABLE" and value and value != record.get("id"):
            out.setdefault(value, None)
    return list(out)


class _Find:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def __call__(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self(a), self(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def reference_graph(
    records: Iterable[dict[str, Any]],
    *,
    in_archive: Any = None,
    complete: bool = False,
) -> Graph:
    """The reference graph of `records` (streamed; only a few fields per cable are kept).

    `in_archive(cable_id) -> bool` says whether a cited cable outside `records` is held;
    with `complete=True` the records are the whole archive, so any cable not among them is
    missing and no lookup is made."""
    graph = Graph("refs", directed=True)
    info: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {}
    citations: list[tuple[str, str]] = []
    for record in records:
        cid = record.get("id") or ""
        graph.node(cid).update(
            label=cid,
            in_archive=True,
            matched=True,
            date=record.get("date"),
            origin=record.get("origin"),
            classification=record.get("classification"),
            subject=record.get("subject"),
        )
        to = frozenset(key for key, role, _ in addressees(record) if role == "to")
        info[cid] = (origin_post(record), to, subject_words(record.get("subject")))
        for cited in cited_cables(record):
            citations.append((cid, cited))
            graph.edge(cid, cited, "cites")["weight"] = 1
    for _, cited in citations:
        if cited not in graph.nodes:
            held = False if complete or in_archive is None else bool(in_archive(cited))
            graph.node(cited, label=cited, in_archive=held, matched=False)
    find = _Find()
    for citing, cited in citations:
        attrs = graph.edges[(citing, cited, "cites")]
        reply = follow_up = False
        if cited in info:
            origin, to, words = info[citing]
            cited_origin, _, cited_words = info[cited]
            reply = bool(cited_origin) and cited_origin != origin and cited_origin in to
            follow_up = len(words & cited_words) >= SHARED_SUBJECT_WORDS
        attrs["reply"] = reply
        attrs["follow_up"] = follow_up
        if reply or follow_up:
            find.union(citing, cited)
    _threads(graph, find)
    for attrs in graph.nodes.values():
        attrs["cited_by"] = 0
    for _, cited, _, _ in graph.iter_edges():
        graph.nodes[cited]["cited_by"] = int(graph.nodes[cited]["cited_by"] or 0) + 1
    graph.meta["missing"] = sum(1 for a in graph.nodes.values() if not a.get("in_archive"))
    return graph


def _threads(graph: Graph, find: _Find) -> None:
    members: dict[str, list[str]] = {}
    for node_id in find.parent:
        members.setdefault(find(node_id), []).append(node_id)
    for attrs in graph.nodes.values():
        attrs["thread"] = None
        attrs["thread_size"] = 1
    for group in members.values():
        dated = sorted(group, key=lambda n: (str(graph.nodes[n].get("date") or ""), n))
        for node_id in group:
            graph.nodes[node_id]["thread"] = dated[0]
            graph.nodes[node_id]["thread_size"] = len(group)
    graph.meta["threads"] = len(members)


__all__ = ["SHARED_SUBJECT_WORDS", "cited_cables", "reference_graph", "subject_words"]
