"""Entities from the mentions `cablescope enrich` stored: what a cable's rows are, which
stored entity ids a name or a found entity stands for, and the users' corrections applied
at read time.

Extraction resolves each cable on its own (`enrich.resolve` over its mentions), so a row's
``entity`` is the id resolution gives within that cable: ``org:inter-services-intelligence``
for every "ISI" a gazetteer knows, ``person:ashfaq-parvez-kayani`` for a "Kayani" whose
cable also writes the full name. Corrections are not baked into rows (they would go stale
on every later correction): `selects_for` turns them into a selection — a merge reads
several ids, a split keeps or drops surface texts — each time it is asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from cablescope.enrich import Mention, extract, mention_refs, resolve
from cablescope.enrich.lexicon import gazetteer, phrase_key
from cablescope.enrich.resolve import slug
from cablescope.graph.corrections import from_dicts, ids_named
from cablescope.graph.entities import _snippet
from cablescope.graph.lookup import KINDS, Found, is_entity_id
from cablescope.store.mentions import (
    PARAGRAPH_FIELDS,
    MarkingFilter,
    MentionRow,
    Select,
)


def cable_entities(record: dict[str, Any], found: list[Mention]) -> list[str]:
    """The entity id of each of a record's mentions (in order), resolving the cable alone."""
    by_mention = {}
    for entity in resolve(mention_refs(record, found)):
        for ref in entity.mentions:
            by_mention[id(ref.mention)] = entity.id
    return [by_mention.get(id(m), "") for m in found]


def mention_rows(record: dict[str, Any]) -> list[MentionRow]:
    """A record's mentions as stored rows (`store.mentions.COLUMNS` order)."""
    found = extract(record)
    paragraphs = record.get("paragraphs") or []
    date = record.get("date")
    rows = []
    for m, entity in zip(found, cable_entities(record, found), strict=True):
        marking = level = None
        if m.field in PARAGRAPH_FIELDS and m.index is not None and m.index < len(paragraphs):
            para = paragraphs[m.index]
            marking = para.get("marking")
            level = para.get("classification") if marking else None
        where = (m.field, m.index, m.paragraph, m.start, m.end)
        rows.append((*where, m.text, m.kind, entity, marking, level, date))
    return rows


def rows_for_batch(batch: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, list[MentionRow]]]:
    """A worker's job: (version id, rows) for each (version id, record)."""
    return [(vid, mention_rows(record)) for vid, record in batch]


# -- reading ------------------------------------------------------------------------------


def selects_for(entity_id: str, corrections: Iterable[dict[str, Any]]) -> list[Select]:
    """What to read for `entity_id` once the corrections are applied, in order: a merge
    gathers the merged ids' selections into the first (the others are gone), a split moves
    the surface texts it names to its new id and drops them from its source."""
    table: dict[str, list[Select]] = {}

    def get(key: str) -> list[Select]:
        return table.setdefault(key, [Select(key)])

    for c in from_dicts(corrections):
        if c.op == "merge" and len(c.ids) >= 2:
            target = get(c.ids[0])
            for other in c.ids[1:]:
                if other != c.ids[0]:
                    target.extend(get(other))
                    table[other] = []
        elif c.op == "split" and c.ids and c.new_id and c.aliases:
            moved = set(c.aliases)
            source = get(c.ids[0])
            table[c.new_id] = [
                replace(s, only=tuple(sorted(moved if s.only is None else moved & set(s.only))))
                for s in source
            ]
            table[c.ids[0]] = [
                replace(s, exclude=tuple(sorted(moved | set(s.exclude)))) for s in source
            ]
    return [s for s in get(entity_id) if s.only is None or s.only]


def candidate_ids(key: str, corrections: Sequence[dict[str, Any]]) -> list[str]:
    """Stored ids a name may stand for: the users' names for ids, the id of every kind
    from the name itself, and the gazetteer's canonical entry (``ISI`` → its long form)."""
    if is_entity_id(key):
        return [key.strip()]
    out = list(ids_named(corrections, key))
    out += [f"{kind}:{slug(key)}" for kind in KINDS]
    entry = gazetteer().get(phrase_key(key))
    if entry is not None:
        out.append(f"{entry.kind.lower()}:{slug(entry.name)}")
    return list(dict.fromkeys(out))


def stored_id(store: Any, key: str, corrections: Sequence[dict[str, Any]]) -> str | None:
    """The stored entity a name or id means: a user's name first, else the candidate with
    the most stored mentions; None when no candidate has any."""
    if is_entity_id(key):
        return key.strip()
    named = ids_named(corrections, key)
    if named:
        return named[0]
    sizes = store.mention_entities(candidate_ids(key, corrections))
    if not sizes:
        return None
    return max(sizes, key=lambda k: (sizes[k], k))


def found_selects(found: Found) -> list[Select]:
    """The stored ids a found (on-the-fly, batch-resolved) entity covers: its own id with
    corrections, plus the per-cable ids its mentions had (a person's partial name resolved
    in another cable; a spelling a batch joined by skeleton), minus one-word person ids,
    which name many people."""
    entity = found.entity
    assert entity is not None
    base = selects_for(entity.id, found.corrections)
    exclude = tuple(sorted({t for s in base for t in s.exclude}))
    wanted = {
        (r.cable_id, r.mention.field, r.mention.index, r.mention.start) for r in entity.mentions
    }
    per_cable: dict[str, list[Mention]] = defaultdict(list)
    for ref in found.collected.refs:
        per_cable[ref.cable_id].append(ref.mention)
    extra: dict[str, None] = {}
    for cable_id in {r.cable_id for r in entity.mentions}:
        record = found.collected.records.get(cable_id) or found.collected.cables.get(cable_id)
        mentions = per_cable.get(cable_id, [])
        for m, eid in zip(mentions, cable_entities(record or {}, mentions), strict=True):
            if (cable_id, m.field, m.index, m.start) in wanted and eid:
                if eid.startswith("person:") and "-" not in eid.partition(":")[2]:
                    continue
                extra.setdefault(eid, None)
    known = {s.entity for s in base}
    return base + [Select(e, exclude=exclude) for e in extra if e not in known]


def selection(store: Any, key: str) -> tuple[str, list[Select]] | None:
    """The entity id `key` (an id or a name) means and what to read for it, corrections
    applied: the stored id when the name has one, else the entity found on the fly in the
    cables using the name (`lookup.find_entity`); None when neither knows it."""
    from cablescope.graph.corpus import stored_corrections
    from cablescope.graph.lookup import find_entity

    corrections = stored_corrections(store)
    entity_id = stored_id(store, key, corrections)
    if entity_id is not None:
        return entity_id, selects_for(entity_id, corrections)
    found = find_entity(store, key)
    if found.entity is None:
        return None
    return found.entity.id, found_selects(found)


def stored_profile(store: Any, found: Found) -> dict[str, Any]:
    """What an entity page takes from stored mentions instead of the cables read: its
    paragraphs by marking (complete counts, the first `PAGE_PARAGRAPHS` of each listed)."""
    grouped, counts = stored_passages(store, found_selects(found), per_marking=PAGE_PARAGRAPHS)
    per_marking = {(g["marking"] or "unmarked"): g["paragraphs"] for g in counts["markings"]}
    return {
        "paragraphs": grouped,
        "stored": {
            "mentions": counts["mentions"],
            "cables": counts["cables"],
            "paragraphs": per_marking,
            "listed": PAGE_PARAGRAPHS,
        },
    }


def with_snippets(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mention rows with a ``snippet`` (the field around the mention, « » around it) in
    place of the whole field's ``context``."""
    out = []
    for row in rows:
        item = dict(row)
        context = item.pop("context", None)
        if context and 0 <= item["start"] < item["end"] <= len(context):
            item["snippet"] = _snippet(context, [(item["start"], item["end"])])
        else:
            item["snippet"] = "«" + item["text"] + "»"
        out.append(item)
    return out


#: Paragraphs per marking an entity page lists from stored mentions, and mentions read
#: per paragraph listed (a paragraph often names an entity more than once).
PAGE_PARAGRAPHS = 50
MENTIONS_READ = 8


def stored_passages(
    store: Any, selects: list[Select], *, per_marking: int = PAGE_PARAGRAPHS
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Paragraphs mentioning the selection (in their text or heading), grouped by marking
    as written (``unmarked``), at most `per_marking` each, in date order, every mention in
    the snippet marked (the heading's when the text names none); and the complete counts
    (`Store.mention_counts`)."""
    counts = store.mention_counts(selects)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for group in counts["markings"]:
        if group["marking"]:
            name = group["marking"]
            wanted = MarkingFilter(level=group["level"], written=name)
        else:
            name, wanted = "unmarked", MarkingFilter(unmarked=True)
        page = store.mentions(
            selects, marking=wanted, limit=MENTIONS_READ * per_marking, count=False
        )
        paragraphs: dict[tuple[str, int], dict[str, Any]] = {}
        for row in page.rows:
            if row["field"] not in PARAGRAPH_FIELDS or row["position"] is None:
                continue
            key = (row["cable_id"], row["position"])
            if key not in paragraphs:
                if len(paragraphs) >= per_marking:
                    continue
                paragraphs[key] = {"text": None, "heading": None, "row": row}
            para = paragraphs[key]
            if para[row["field"]] is None:
                para[row["field"]] = (row["context"] or "", [])
            para[row["field"]][1].append((row["start"], row["end"]))
        listed = grouped.setdefault(name, [])
        listed.extend(
            {
                "cable_id": p["row"]["cable_id"],
                "date": p["row"]["date"],
                "paragraph": p["row"]["paragraph"],
                "marking": p["row"]["marking"],
                "classification": p["row"]["level"],
                "snippet": _snippet(*(p["text"] or p["heading"])),
            }
            for p in paragraphs.values()
        )
    return {k: v for k, v in grouped.items() if v}, counts


__all__ = [
    "PAGE_PARAGRAPHS",
    "MentionRow",
    "cable_entities",
    "candidate_ids",
    "found_selects",
    "mention_rows",
    "rows_for_batch",
    "selection",
    "selects_for",
    "stored_id",
    "stored_passages",
    "stored_profile",
    "with_snippets",
]
