"""What one entity's page shows, as plain data for the CLI, the API and the web page:
its names, timeline, co-occurring entities, cables, and paragraphs by portion marking."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from cablescope.enrich import Entity
from cablescope.graph.corpus import Collected, collect, entities_of, stored_corrections
from cablescope.graph.corrections import touching
from cablescope.graph.entities import neighbours, passages, timeline
from cablescope.graph.lookup import Found

#: Co-occurring entities listed at most.
NEIGHBOURS = 25


def summary(entity: Entity, cables: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One row of an entity list: id, name, kind, aliases, counts, first and last date."""
    dates = sorted(d for d in ((cables.get(c) or {}).get("date") for c in entity.cables) if d)
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "aliases": list(entity.aliases),
        "cables": len(entity.cables),
        "mentions": len(entity.mentions),
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
    }


def profile(found: Found, *, neighbour_limit: int = NEIGHBOURS) -> dict[str, Any]:
    """The entity page's content (`found.entity` must be set)."""
    entity = found.entity
    assert entity is not None
    cables = found.collected.cables
    per_cable = Counter(ref.cable_id for ref in entity.mentions)
    listed = sorted(entity.cables, key=lambda c: ((cables.get(c) or {}).get("date") or "", c))
    return {
        **summary(entity, cables),
        "timeline": [
            {"month": m, "cables": c, "mentions": n} for m, c, n in timeline(entity, cables)
        ],
        "cooccurring": [
            {
                "id": other.id,
                "name": other.name,
                "kind": other.kind,
                "aliases": other.aliases[:3],
                "cables": shared,
                "paragraphs": close,
            }
            for other, shared, close in neighbours(entity, found.entities, limit=neighbour_limit)
        ],
        "cable_list": [{**cables[c], "mentions": per_cable[c]} for c in listed if c in cables],
        "paragraphs": {
            marking: [asdict(p) for p in group]
            for marking, group in passages(entity, found.collected.records).items()
        },
        "corrections": touching(found.corrections, entity.id),
        "searched": {
            "terms": found.terms,
            "matching": found.matching,
            "read": found.collected.read,
            "limit": found.limit,
            "capped": found.capped,
        },
    }


def entity_list(
    store: Any, query_ast: Any, *, cables: int, kind: str | None = None
) -> tuple[list[dict[str, Any]], Collected]:
    """The entities of the first `cables` cables (oldest first) matching the query, with
    corrections applied, biggest first; `kind` (``person``, ``org``, ``place``, ``event``)
    keeps one kind."""
    collected = collect(store.export(query_ast), limit=cables)
    entities = entities_of(collected, stored_corrections(store))
    if kind:
        entities = [e for e in entities if e.kind == kind.upper()]
    return [summary(e, collected.cables) for e in entities], collected


__all__ = ["NEIGHBOURS", "entity_list", "profile", "summary"]
