"""Users' corrections as stored dicts, and back to `enrich.Correction`.

A stored correction is a plain JSON object — ``op`` (``merge``, ``split``, ``rename``),
``ids`` (entity ids: the machine's, e.g. ``person:kayani``), and as the op needs ``name``,
``new_id``, ``aliases`` — plus ``hints``: names and spellings of the entities involved
when the user made it. Hints let a later reader find the cables again (the entity page
searches the archive for them) after a rename has given an entity a name no cable uses.

Entity ids come from canonical names, so they stay the same when the archive is
re-ingested or extraction re-run on the same text, and a correction applies again; one
whose entity no longer exists is skipped (`enrich.apply_corrections`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cablescope.enrich import Correction, Entity
from cablescope.enrich.resolve import slug

OPS = ("merge", "split", "rename")
#: Spellings of an entity kept as hints (its commonest aliases).
HINT_ALIASES = 6


def _hints(entities: Iterable[Entity], *extra: str) -> list[str]:
    out: dict[str, None] = {}
    for text in extra:
        if text:
            out.setdefault(text, None)
    for entity in entities:
        out.setdefault(entity.name, None)
        for alias in entity.aliases[:HINT_ALIASES]:
            out.setdefault(alias, None)
    return list(out)


def merge(entities: Sequence[Entity], name: str | None = None) -> dict[str, Any]:
    """Make the entities one: the first keeps its id (and gets `name` if given)."""
    if len(entities) < 2:
        raise ValueError("a merge needs two entities or more")
    if len({e.id for e in entities}) < len(entities):
        raise ValueError("cannot merge an entity with itself")
    return {
        "op": "merge",
        "ids": [e.id for e in entities],
        "name": name,
        "hints": _hints(entities),
    }


def split(
    entity: Entity, aliases: Iterable[str], name: str | None = None, taken: Iterable[str] = ()
) -> dict[str, Any]:
    """Move the mentions of `entity` written as one of `aliases` to a new entity."""
    wanted = [a for a in aliases if a]
    missing = [a for a in wanted if a not in entity.aliases]
    if not wanted or missing:
        known = ", ".join(entity.aliases[:12])
        raise ValueError(f"{entity.name} has no alias {', '.join(missing) or '?'} ({known})")
    if set(wanted) >= set(entity.aliases):
        raise ValueError("splitting off every alias would leave nothing behind; rename instead")
    new_name = name or wanted[0]
    used = set(taken) | {entity.id}
    new_id = base = f"{entity.kind.lower()}:{slug(new_name)}"
    n = 1
    while new_id in used:
        n += 1
        new_id = f"{base}-split{n if n > 2 else ''}"
    return {
        "op": "split",
        "ids": [entity.id],
        "new_id": new_id,
        "name": new_name,
        "aliases": wanted,
        "hints": _hints([entity], *wanted),
    }


def rename(entity: Entity, name: str) -> dict[str, Any]:
    """Give `entity` the name `name` (its id stays, so links keep working)."""
    if not name.strip():
        raise ValueError("the new name is empty")
    return {"op": "rename", "ids": [entity.id], "name": name.strip(), "hints": _hints([entity])}


def from_dict(data: dict[str, Any]) -> Correction | None:
    """The `Correction` a stored dict stands for; None for an unknown op."""
    op = data.get("op")
    if op not in OPS:
        return None
    return Correction(
        op=op,
        ids=tuple(data.get("ids") or ()),
        name=data.get("name"),
        kind=data.get("kind"),
        new_id=data.get("new_id"),
        aliases=frozenset(data.get("aliases") or ()),
        mentions=frozenset(tuple(m) for m in data.get("mentions") or ()),  # type: ignore[misc]
    )


def from_dicts(items: Iterable[dict[str, Any]]) -> list[Correction]:
    return [c for c in (from_dict(d) for d in items) if c is not None]


def touching(items: Iterable[dict[str, Any]], entity_id: str) -> list[dict[str, Any]]:
    """The corrections that name `entity_id` (as a merged, split, renamed or new entity)."""
    return [d for d in items if entity_id in (d.get("ids") or []) or d.get("new_id") == entity_id]


def hints_for(items: Iterable[dict[str, Any]], entity_id: str) -> list[str]:
    """Names and spellings the corrections about `entity_id` recorded (search terms)."""
    out: dict[str, None] = {}
    for d in touching(items, entity_id):
        for text in [*(d.get("aliases") or []), *(d.get("hints") or [])]:
            out.setdefault(text, None)
    return list(out)


def ids_named(items: Iterable[dict[str, Any]], name: str) -> list[str]:
    """Ids the users gave the name `name` (by rename, merge or split), newest first."""
    wanted = name.strip().casefold()
    found: dict[str, None] = {}
    for d in reversed(list(items)):
        if (d.get("name") or "").strip().casefold() != wanted:
            continue
        target = d.get("new_id") if d.get("op") == "split" else (d.get("ids") or [None])[0]
        if target:
            found.setdefault(target, None)
    return list(found)


def describe(data: dict[str, Any]) -> str:
    """One line for a listing: ``merge person:kayani + person:ashfaq-kayani``."""
    ids = data.get("ids") or []
    op = data.get("op")
    if op == "merge":
        text = " + ".join(ids) + (f" as {data['name']!r}" if data.get("name") else "")
    elif op == "split":
        aliases = ", ".join(data.get("aliases") or [])
        text = f"{ids[0] if ids else '?'}: {aliases} → {data.get('new_id')}"
    elif op == "rename":
        text = f"{ids[0] if ids else '?'} → {data.get('name')!r}"
    else:
        text = repr(data)
    return f"{op} {text}"


__all__ = [
    "OPS",
    "describe",
    "from_dict",
    "from_dicts",
    "hints_for",
    "ids_named",
    "merge",
    "rename",
    "split",
    "touching",
]
