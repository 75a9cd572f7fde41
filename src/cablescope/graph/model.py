"""The one graph shape every builder returns and every writer reads.

Nodes and edges carry flat attributes (str, int, float, bool or None), which is what
GraphML, GEXF and CSV can all hold; the writers declare each attribute's type from the
values. Edges are keyed by (source, target, kind), so a builder adds to an edge's counts
as it streams records instead of holding the records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Value = str | int | float | bool | None
EdgeKey = tuple[str, str, str]


@dataclass(slots=True)
class Graph:
    """A directed (or undirected) multigraph of kinds: ``edges[(source, target, kind)]``."""

    name: str
    directed: bool = True
    nodes: dict[str, dict[str, Value]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[str, Value]] = field(default_factory=dict)
    #: What the graph was built from (query, caps hit, cables read): for the file's header.
    meta: dict[str, Any] = field(default_factory=dict)

    def node(self, node_id: str, **attrs: Value) -> dict[str, Value]:
        """The node's attributes (made on first use); `attrs` fill what is not set yet."""
        found = self.nodes.get(node_id)
        if found is None:
            found = self.nodes[node_id] = {}
        for key, value in attrs.items():
            if found.get(key) is None:
                found[key] = value
        return found

    def edge(self, source: str, target: str, kind: str = "") -> dict[str, Value]:
        """The edge's attributes (made with ``weight`` 0 on first use)."""
        if not self.directed and target < source:
            source, target = target, source
        key = (source, target, kind)
        found = self.edges.get(key)
        if found is None:
            found = self.edges[key] = {"weight": 0}
        return found

    def attribute_names(self, of: str) -> list[str]:
        """Every attribute name used by nodes (``of="node"``) or edges, first-seen order."""
        items = self.nodes.values() if of == "node" else self.edges.values()
        names: dict[str, None] = {}
        for attrs in items:
            for name in attrs:
                names.setdefault(name, None)
        return list(names)

    def iter_edges(self) -> Iterator[tuple[str, str, str, dict[str, Value]]]:
        for (source, target, kind), attrs in self.edges.items():
            yield source, target, kind, attrs

    def keep_nodes(self, keep: set[str]) -> None:
        """Drop every node outside `keep`, and the edges that touch one."""
        self.nodes = {k: v for k, v in self.nodes.items() if k in keep}
        self.edges = {k: v for k, v in self.edges.items() if k[0] in keep and k[1] in keep}

    def to_dict(self) -> dict[str, Any]:
        """JSON for the API and the web's network view: nodes and edges as lists."""
        return {
            "name": self.name,
            "directed": self.directed,
            "meta": self.meta,
            "nodes": [{"id": k, **v} for k, v in self.nodes.items()],
            "edges": [
                {"source": s, "target": t, "kind": kind, **attrs}
                for s, t, kind, attrs in self.iter_edges()
            ],
        }


__all__ = ["EdgeKey", "Graph", "Value"]
