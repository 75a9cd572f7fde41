"""Entities over a stream of records: extraction (remembered per cable text), resolution,
and the users' corrections laid on top.

Resolution needs every mention of the batch at once (it clusters across cables), so a
batch is capped: `collect` reads at most `limit` records and says whether it stopped
early. Only mentions and a few fields per cable are kept, never the records themselves
(unless asked, for the entity page's paragraphs).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cablescope.enrich import Entity, Mention, MentionRef, apply_corrections, extract, resolve
from cablescope.graph.corrections import from_dicts

#: Cables whose mentions one process remembers (a web server asks for the same ones again).
CACHE_SIZE = 4_000


class MentionCache:
    """A bounded LRU of `extract` results keyed by the cable's id and text, so an edited or
    re-ingested text is extracted anew and an unchanged one never twice."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], list[Mention]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        paragraphs = record.get("paragraphs") or []
        text = tuple((p.get("heading"), p.get("text"), p.get("marking")) for p in paragraphs)
        return (
            record.get("id"),
            hash((record.get("subject"), text, repr(record.get("classified_by")))),
            hash((tuple(record.get("signers") or ()), tuple(record.get("tags") or ()))),
            record.get("origin"),
        )

    def mentions(self, record: dict[str, Any]) -> list[Mention]:
        key = self.key(record)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        found = extract(record)
        with self._lock:
            self.misses += 1
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MENTIONS = MentionCache()


@dataclass(slots=True)
class Collected:
    """What `collect` read: mention refs, a few fields per cable, and whether it capped."""

    refs: list[MentionRef] = field(default_factory=list)
    cables: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    capped: bool = False

    @property
    def read(self) -> int:
        return len(self.cables)


CABLE_FIELDS = ("id", "date", "origin", "classification", "subject")


def collect(
    records: Iterable[dict[str, Any]],
    *,
    limit: int | None = None,
    keep_records: bool = False,
    cache: MentionCache | None = MENTIONS,
) -> Collected:
    """Extract the mentions of at most `limit` records (None: all) of a stream."""
    out = Collected()
    for record in records:
        if limit is not None and out.read >= limit:
            out.capped = True
            break
        cid = record.get("id") or ""
        if cid in out.cables:
            continue
        found = cache.mentions(record) if cache is not None else extract(record)
        out.cables[cid] = {name: record.get(name) for name in CABLE_FIELDS}
        if keep_records:
            out.records[cid] = record
        origin, date = record.get("origin"), record.get("date")
        out.refs.extend(MentionRef(cid, m, origin, date) for m in found)
    if hasattr(records, "close"):
        records.close()  # a generator over a store: let it release its cursor now
    return out


def stored_corrections(store: Any) -> list[dict[str, Any]]:
    """The store's corrections; none for a backend that does not keep them (yet)."""
    try:
        return list(store.corrections())
    except NotImplementedError:
        return []


def entities_of(collected: Collected, corrections: list[dict[str, Any]]) -> list[Entity]:
    """The machine's entities of a batch with the users' corrections applied, biggest
    first (by cables, then mentions)."""
    entities = apply_corrections(resolve(collected.refs), from_dicts(corrections))
    return sorted(entities, key=lambda e: (-len(e.cables), -len(e.mentions), e.id))


__all__ = [
    "CACHE_SIZE",
    "MENTIONS",
    "Collected",
    "MentionCache",
    "collect",
    "entities_of",
    "stored_corrections",
]
