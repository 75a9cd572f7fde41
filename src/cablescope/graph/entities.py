"""Entity co-occurrence network and per-entity views (timeline, neighbours, paragraphs).

Two entities co-occur when one cable mentions both; the edge's ``cables`` counts such
cables and ``paragraphs`` the paragraphs that mention both (the tighter link: one
conversation). ``weight`` is ``cables``. Mentions outside paragraphs (subject, TAGS,
signature) count for the cable only. Nodes carry ``kind``, ``cables``, ``mentions`` and the
``first`` and ``last`` dates the entity is mentioned.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cablescope.enrich import Entity
from cablescope.graph.model import Graph

#: Mentions of one entity in one paragraph quoted at most on its page, and their length.
SNIPPET_CHARS = 320


def _places(entity: Entity) -> tuple[set[str], set[tuple[str, int]]]:
    cables = {r.cable_id for r in entity.mentions}
    paragraphs = {
        (r.cable_id, r.mention.index)
        for r in entity.mentions
        if r.mention.index is not None and r.mention.field in ("text", "heading")
    }
    return cables, paragraphs


def _dates(entity: Entity, cables: dict[str, dict[str, Any]]) -> list[str]:
    found = {(cables.get(c) or {}).get("date") for c in entity.cables}
    return sorted(d for d in found if d)


def cooccurrence_graph(
    entities: Sequence[Entity],
    cables: dict[str, dict[str, Any]],
    *,
    top: int | None = None,
    min_cables: int = 1,
) -> Graph:
    """The co-occurrence network of resolved `entities` (see the module docstring); `top`
    keeps the entities in the most cables, `min_cables` drops rarer edges."""
    chosen = sorted(entities, key=lambda e: (-len(e.cables), -len(e.mentions), e.id))
    if top:
        chosen = chosen[:top]
    graph = Graph("entities", directed=False)
    by_cable: dict[str, list[str]] = defaultdict(list)
    by_paragraph: dict[tuple[str, int], list[str]] = defaultdict(list)
    for entity in chosen:
        in_cables, in_paragraphs = _places(entity)
        dates = _dates(entity, cables)
        graph.node(
            entity.id,
            label=entity.name,
            kind=entity.kind,
            cables=len(in_cables),
            mentions=len(entity.mentions),
            aliases="; ".join(entity.aliases[:8]),
            first=dates[0] if dates else None,
            last=dates[-1] if dates else None,
        )
        for cable in in_cables:
            by_cable[cable].append(entity.id)
        for para in in_paragraphs:
            by_paragraph[para].append(entity.id)
    pairs: Counter[tuple[str, str]] = Counter()
    for ids in by_cable.values():
        pairs.update(itertools.combinations(sorted(ids), 2))
    close: Counter[tuple[str, str]] = Counter()
    for ids in by_paragraph.values():
        close.update(itertools.combinations(sorted(ids), 2))
    for (a, b), n in pairs.items():
        if n < min_cables:
            continue
        edge = graph.edge(a, b, "co")
        edge["weight"] = n
        edge["cables"] = n
        edge["paragraphs"] = close.get((a, b), 0)
    graph.meta.update(entities=len(chosen), cables=len(cables))
    return graph


def timeline(entity: Entity, cables: dict[str, dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(month ``YYYY-MM``, cables, mentions) for every month the entity is mentioned in,
    oldest first (months without a mention are left out)."""
    per_cables: Counter[str] = Counter()
    per_mentions: Counter[str] = Counter()
    for ref in entity.mentions:
        month = ((cables.get(ref.cable_id) or {}).get("date") or ref.date or "")[:7]
        per_mentions[month or "undated"] += 1
    for cable in entity.cables:
        month = ((cables.get(cable) or {}).get("date") or "")[:7]
        per_cables[month or "undated"] += 1
    return [(m, per_cables[m], per_mentions[m]) for m in sorted(per_mentions)]


def neighbours(
    entity: Entity, entities: Iterable[Entity], *, limit: int | None = 20
) -> list[tuple[Entity, int, int]]:
    """The entities sharing cables with `entity`: (other, shared cables, shared
    paragraphs), most shared cables first."""
    cables, paragraphs = _places(entity)
    out = []
    for other in entities:
        if other.id == entity.id:
            continue
        their_cables, their_paragraphs = _places(other)
        shared = len(cables & their_cables)
        if shared:
            out.append((other, shared, len(paragraphs & their_paragraphs)))
    out.sort(key=lambda t: (-t[1], -t[2], t[0].id))
    return out[:limit] if limit else out


@dataclass(frozen=True, slots=True)
class Passage:
    """One paragraph that mentions an entity: where, its marking, the text with «marks»."""

    cable_id: str
    date: str | None
    paragraph: int | None
    marking: str | None
    classification: str | None
    snippet: str


def _snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """The paragraph around its first mention, every mention inside wrapped in « »."""
    spans = sorted(set(spans))
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    end = min(len(text), start + SNIPPET_CHARS)
    pieces, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        pieces.append(text[pos:s].replace("«", '"').replace("»", '"'))
        pieces.append("«" + text[s:e].replace("«", "").replace("»", "") + "»")
        pos = e
    pieces.append(text[pos:end].replace("«", '"').replace("»", '"'))
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")


def passages(entity: Entity, records: dict[str, dict[str, Any]]) -> dict[str, list[Passage]]:
    """The paragraphs mentioning `entity`, grouped by portion marking as written (``C``,
    ``S/NF``, ``C/REL Pakistan``; ``unmarked``), in cable date then paragraph order."""
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for ref in entity.mentions:
        m = ref.mention
        if m.field == "text" and m.index is not None:
            spans[(ref.cable_id, m.index)].append((m.start, m.end))
    found: list[Passage] = []
    for (cable_id, index), where in spans.items():
        record = records.get(cable_id)
        paragraphs = (record or {}).get("paragraphs") or []
        if index >= len(paragraphs):
            continue
        para = paragraphs[index]
        found.append(
            Passage(
                cable_id,
                (record or {}).get("date"),
                para.get("number"),
                para.get("marking"),
                para.get("classification"),
                _snippet(para.get("text") or "", where),
            )
        )
    found.sort(key=lambda p: (p.date or "", p.cable_id, p.paragraph or 0))
    grouped: dict[str, list[Passage]] = {}
    for passage in found:
        grouped.setdefault(passage.marking or "unmarked", []).append(passage)
    return grouped


__all__ = [
    "Passage",
    "cooccurrence_graph",
    "neighbours",
    "passages",
    "timeline",
]
