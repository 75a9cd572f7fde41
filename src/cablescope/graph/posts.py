"""The addressee network: which posts send cables to which, by volume and period.

A post is keyed by its id station (`cablescope.ids.station_from_post`: ``SECSTATE WASHDC``
→ ``STATE``, ``AMEMBASSY LONDON`` → ``LONDON``), the name cable ids use, so a post is one
node whether it sends (the station of the cable's id) or receives (the addressee line).
Routing indicators are decoded to station names with the package's table
(`cablescope.data.routing_indicators`: ``RUEHLO`` → ``AMEMBASSY LONDON``); a node's
``label`` is the decoded station when one is known, else the name as addressed.

One edge ``origin → addressee`` per pair of posts: ``weight`` is the number of cables,
``to`` and ``info`` how many named it an action or an info addressee (a post named both
ways in one cable counts as ``to``), ``first``/``last`` the dates of the first and last,
``years`` the cables per year (``2008:3;2009:5``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from cablescope.data import routing_indicators
from cablescope.graph.model import Graph
from cablescope.ids import split_id, station_from_post


def decoded_station(party: dict[str, Any] | None) -> str | None:
    """The station a routing indicator stands for: the parser's decoding, else the table's."""
    if not party:
        return None
    route = (party.get("route") or "").strip().upper()
    return party.get("station") or (routing_indicators().get(route) if route else None)


def post_key(party: dict[str, Any]) -> str:
    """The id station of an addressee (or sender): by the name as addressed, else the
    decoded routing indicator; ``""`` when neither has letters."""
    for name in (party.get("name"), decoded_station(party)):
        if name and name.strip():
            key = station_from_post(name)
            if key:
                return key
    return ""


def origin_post(record: dict[str, Any]) -> str:
    """The sending post's key: the station of the cable's id (``08LONDON3062`` →
    ``LONDON``), else the FM line's, else the origin field's."""
    parts = split_id(record.get("id") or "")
    if parts and parts[1]:
        return parts[1]
    sender = record.get("sender") or {}
    key = post_key(sender) if sender else ""
    return key or station_from_post(record.get("origin") or "")


def addressees(record: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(post key, ``to`` or ``info``, the addressee) for each post a cable was sent to,
    once per post (``to`` wins over ``info``)."""
    seen: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for role in ("to", "info"):
        for party in record.get(role) or []:
            key = post_key(party)
            if key and key not in seen:
                seen[key] = (key, role, party)
    return list(seen.values())


def _note_party(graph: Graph, key: str, party: dict[str, Any] | None, fallback: str) -> None:
    station = decoded_station(party)
    name = (party or {}).get("name") or fallback
    node = graph.node(key, label=station or name or key, name=name, station=station)
    node.setdefault("route", None)
    route = ((party or {}).get("route") or "").strip().upper()
    if route and not node["route"]:
        node["route"] = route
    if station and node.get("label") == node.get("name") and station != node["label"]:
        node["label"] = station  # the decoded station reads better than the addressed name
        node["station"] = station


def posts_graph(records: Iterable[dict[str, Any]]) -> Graph:
    """The addressee network of `records` (streamed: only counters are kept)."""
    graph = Graph("posts", directed=True)
    years: dict[tuple[str, str], Counter[str]] = {}
    for record in records:
        origin = origin_post(record)
        if not origin:
            continue
        _note_party(graph, origin, record.get("sender"), record.get("origin") or origin)
        node = graph.nodes[origin]
        node["sent"] = int(node.get("sent") or 0) + 1
        date = (record.get("date") or "")[:10]
        for key, role, party in addressees(record):
            _note_party(graph, key, party, key)
            target = graph.nodes[key]
            target[f"received_{role}"] = int(target.get(f"received_{role}") or 0) + 1
            edge = graph.edge(origin, key, "sends")
            for name in ("to", "info", "first", "last"):
                edge.setdefault(name, 0 if name in ("to", "info") else None)
            edge["weight"] = int(edge["weight"] or 0) + 1
            edge[role] = int(edge.get(role) or 0) + 1
            if date:
                if not edge.get("first") or date < str(edge["first"]):
                    edge["first"] = date
                if not edge.get("last") or date > str(edge["last"]):
                    edge["last"] = date
                years.setdefault((origin, key), Counter())[date[:4]] += 1
    for attrs in graph.nodes.values():
        for name in ("sent", "received_to", "received_info"):
            attrs.setdefault(name, 0)
    for (source, target, _), attrs in graph.edges.items():
        counted = years.get((source, target), Counter())
        attrs["years"] = ";".join(f"{y}:{n}" for y, n in sorted(counted.items()))
    return graph


__all__ = ["addressees", "decoded_station", "origin_post", "post_key", "posts_graph"]
