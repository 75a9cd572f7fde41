"""Links between cables, posts and entities, as graphs for Gephi, networkx, R and the web.

    graph = build(store, "refs", parse_query("tag:PK"))      # cables citing cables
    graph = build(store, "posts", None)                       # who sends to whom
    graph = build(store, "entities", tree, limit=2000)       # entity co-occurrence
    formats.write_gexf(graph, sys.stdout)

Everything reads the archive through the public `Store` API (`export` streams full
records oldest first), so it works on any backend. The reference and addressee graphs keep
counters only, never records; the entity graph has to resolve a batch at once, so it reads
at most `limit` cables (`ENTITY_CABLES` by default) and says so in ``graph.meta``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cablescope.graph.corpus import collect, entities_of, stored_corrections
from cablescope.graph.entities import cooccurrence_graph
from cablescope.graph.model import Graph
from cablescope.graph.posts import posts_graph
from cablescope.graph.refs import reference_graph

KINDS = ("refs", "posts", "entities")
#: Cables the entity graph reads at most unless told otherwise (resolution is batch-wide).
ENTITY_CABLES = 2_000


class _Counted:
    """A record stream that counts what passed and stops after `limit` (None: never)."""

    def __init__(self, records: Iterator[dict[str, Any]], limit: int | None) -> None:
        self.records = records
        self.limit = limit
        self.read = 0
        self.capped = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in self.records:
            if self.limit is not None and self.read >= self.limit:
                self.capped = True
                break
            self.read += 1
            yield record
        close = getattr(self.records, "close", None)
        if close is not None:
            close()


def build(
    store: Any,
    kind: str,
    query_ast: Any = None,
    *,
    limit: int | None = None,
    top: int | None = None,
) -> Graph:
    """The `kind` graph (``refs``, ``posts``, ``entities``) of the cables matching the
    query (every cable when None), reading at most `limit` of them, oldest first; `top`
    keeps the entity graph's biggest entities only."""
    if kind not in KINDS:
        raise ValueError(f"unknown graph {kind!r}: choose one of {', '.join(KINDS)}")
    if kind == "entities" and limit is None:
        limit = ENTITY_CABLES
    stream = _Counted(store.export(query_ast), limit)
    if kind == "refs":
        graph = reference_graph(
            stream,
            in_archive=lambda cid: bool(store.versions(cid)),
            complete=query_ast is None and limit is None,
        )
    elif kind == "posts":
        graph = posts_graph(stream)
    else:
        collected = collect(stream)
        entities = entities_of(collected, stored_corrections(store))
        graph = cooccurrence_graph(entities, collected.cables, top=top)
    graph.meta.update(cables_read=stream.read, capped=stream.capped, limit=limit)
    return graph


__all__ = ["ENTITY_CABLES", "KINDS", "Graph", "build"]
