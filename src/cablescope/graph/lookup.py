"""Find one entity in an archive by its id (``org:lashkar-e-taiba``) or a name ("Kayani").

There is no stored entity index: the archive is searched for the entity's names, the
matching cables (at most `DEFAULT_CABLES`, most relevant first) are extracted and
resolved, the users' corrections applied, and the entity picked out of the result. Names
come from the id itself, from the gazetteer (every spelling of a known organisation or
place: "ISI" for Inter-Services Intelligence), from the hints the corrections about it
recorded, and in a second round from the spellings the first round found ("LeT").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cablescope.enrich import Entity
from cablescope.enrich.lexicon import gazetteer, phrase_key
from cablescope.enrich.resolve import slug
from cablescope.graph.corpus import Collected, collect, entities_of, stored_corrections
from cablescope.graph.corrections import hints_for, ids_named

#: Cables read to find (and show) one entity.
DEFAULT_CABLES = 100
#: Search terms one query holds at most (the API caps queries at 32 terms).
MAX_TERMS = 12
KINDS = ("person", "org", "place", "event")
_ID = re.compile(r"^(person|org|place|event):([a-z0-9-]+)$")
_SUFFIX = re.compile(r"-(?:split\d*|\d+)$")
_UNSAFE = re.compile(r"[^0-9A-Za-z]+")


def is_entity_id(text: str) -> bool:
    return _ID.match(text.strip()) is not None


def name_of_id(entity_id: str) -> str:
    """The words of an id's name part: ``org:lashkar-e-taiba-2`` → ``lashkar e taiba``."""
    _, _, rest = entity_id.partition(":")
    return _SUFFIX.sub("", rest).replace("-", " ").strip()


@cache
def _spellings() -> dict[str, tuple[str, ...]]:
    """Gazetteer: slug of a canonical name → every phrase that stands for it."""
    table: dict[str, list[str]] = {}
    for key, entry in gazetteer().items():
        table.setdefault(slug(entry.name), []).append(" ".join(key))
    return {k: tuple(v) for k, v in table.items()}


def gazetteer_spellings(name: str) -> list[str]:
    """Every gazetteer phrase for the entity `name` names (by its canonical name or any
    of its spellings); none when the gazetteer does not know it."""
    entry = gazetteer().get(phrase_key(name))
    canonical = entry.name if entry is not None else name
    return list(_spellings().get(slug(canonical), ()))


def phrase(term: str) -> str | None:
    """A term as a quoted phrase of the query language (letters and digits only)."""
    words = _UNSAFE.sub(" ", term).split()
    if not words:
        return None
    return '"' + " ".join(words) + '"'


def query_text(terms: Iterable[str]) -> str:
    """An OR of the terms' phrases, at most `MAX_TERMS`, without repeats."""
    phrases = list(dict.fromkeys(p for p in (phrase(t) for t in terms) if p))
    return " OR ".join(sorted(phrases[:MAX_TERMS], key=phrases.index))


def records_for(store: Any, query: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The `limit` most relevant records matching a query string, and how many match."""
    from cablescope.search import parse_query

    if not query:
        return [], 0
    page = store.search(parse_query(query), limit=limit, sort="relevance")
    records = [r for r in (store.get(hit.id) for hit in page.hits) if r is not None]
    return records, page.total


@dataclass(slots=True)
class Found:
    """An entity as found in the cables read for it, with everything read alongside."""

    entity: Entity | None
    entities: list[Entity]
    collected: Collected
    corrections: list[dict[str, Any]]
    terms: list[str]
    matching: int
    limit: int
    candidates: list[str] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.matching > self.collected.read


def _pick(entities: Sequence[Entity], ids: Sequence[str], text: str) -> Entity | None:
    for wanted in ids:
        for entity in entities:
            if entity.id == wanted:
                return entity
    want_slug = slug(name_of_id(text) if is_entity_id(text) else text)
    folded = text.strip().casefold()
    # A name the entity goes by, as its name or as written: the one in most cables wins
    # ("Zardari" is a one-cable cluster of its own and an alias of Asif Ali Zardari).
    hits = [
        e
        for e in entities
        if e.name.casefold() == folded
        or slug(e.name) == want_slug
        or any(a.casefold() == folded for a in e.aliases)
    ]
    if not hits:
        return None
    return max(
        hits,
        key=lambda e: (len(e.cables), e.name.casefold() == folded, len(e.mentions)),
    )


def find_entity(
    store: Any,
    key: str,
    *,
    limit: int = DEFAULT_CABLES,
    extra_terms: Sequence[str] = (),
) -> Found:
    """The entity `key` (an id or a name) in the archive; ``entity`` is None if not found."""
    key = key.strip()
    corrections = stored_corrections(store)
    ids = list(dict.fromkeys([*([key] if is_entity_id(key) else []), *ids_named(corrections, key)]))
    terms: list[str] = []
    for entity_id in ids:
        name = name_of_id(entity_id)
        terms += [name, *gazetteer_spellings(name), *hints_for(corrections, entity_id)]
    if not is_entity_id(key):
        terms += [key, *gazetteer_spellings(key)]
    terms = list(dict.fromkeys([*terms, *extra_terms]))
    records, matching = records_for(store, query_text(terms), limit)
    found = _round(records, matching, key, ids, terms, corrections, limit)
    if found.entity is not None and not found.capped:
        more = [a for a in found.entity.aliases if a not in terms]
        records, matching = records_for(store, query_text(terms + more), limit) if more else ([], 0)
        if any(r.get("id") not in found.collected.cables for r in records):
            same = [found.entity.id]
            again = _round(records, matching, key, same, terms + more, corrections, limit)
            if again.entity is not None:
                found = again
    found.candidates = ids
    return found


def _round(
    records: list[dict[str, Any]],
    matching: int,
    key: str,
    ids: Sequence[str],
    terms: list[str],
    corrections: list[dict[str, Any]],
    limit: int,
) -> Found:
    collected = collect(records, keep_records=True)
    entities = entities_of(collected, corrections)
    return Found(
        _pick(entities, ids, key), entities, collected, corrections, terms, matching, limit
    )


__all__ = [
    "DEFAULT_CABLES",
    "KINDS",
    "Found",
    "find_entity",
    "gazetteer_spellings",
    "is_entity_id",
    "name_of_id",
    "query_text",
    "records_for",
]
