"""Stored entity mentions, backend-neutral parts: the row layout, what a reader selects
(an entity, with the users' split corrections as surface-text filters), the marking filter,
and the page a query returns.

One row is one mention in one field of one *version* of a cable (`enrich.Mention`):
which field and paragraph, character offsets into that field's string, the surface text,
kind, the entity id resolution gave it within its cable, the paragraph's own portion
marking and level, and the cable's date (so a page of mentions in date order is read from
the index alone: one index, (entity, level, marking, date, version, position), answers
every lookup and every count without touching the wide version rows). Rows hang off a
version id, so a re-ingested text (a new default version) never shows its predecessor's
mentions: readers skip versions that are not the default (`FRESH`), and `cablescope
enrich` extracts the new one and drops the old one's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cablescope.model import CLASSIFICATION_ORDER, MARKING_LEVELS

#: A stored mention, in this column order (``start_char``/``end_char``: ``end`` is a
#: reserved word in SQL).
COLUMNS = (
    "field",
    "position",
    "paragraph",
    "start_char",
    "end_char",
    "text",
    "kind",
    "entity",
    "marking",
    "level",
    "date",
)
MentionRow = tuple[Any, ...]
#: Fields that belong to a paragraph (their rows carry its position, number and marking).
PARAGRAPH_FIELDS = ("text", "heading")
#: What a page of mentions holds per row, in this order.
RESULT_KEYS = (
    "cable_id",
    "version",
    "date",
    "field",
    "position",
    "paragraph",
    "start",
    "end",
    "text",
    "kind",
    "entity",
    "marking",
    "level",
    "context",
)


@dataclass(frozen=True, slots=True)
class Select:
    """The stored mentions of entity id `entity`, keeping only surface texts in `only`
    (None: every text) and dropping those in `exclude` — how a user's split applies."""

    entity: str
    only: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MarkingFilter:
    """Paragraphs at one `level` (``SECRET``), with one exact `marking` (normalised, e.g.
    ``S/NF``: ``S//NF`` too), one marking exactly as `written` (an index lookup), or
    `unmarked` ones."""

    level: str | None = None
    marking: str | None = None
    unmarked: bool = False
    written: str | None = None


@dataclass(slots=True)
class MentionPage:
    """One page of mentions (dicts with `RESULT_KEYS`) and how many match in all."""

    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)


def normal_marking(marking: str) -> str:
    """``s//nf`` and ``S/NF`` alike: upper case, single slashes (as ``para:`` compares)."""
    return " ".join(marking.upper().replace("//", "/").split())


def level_of(marking: str | None) -> str | None:
    """The level word of a portion marking's first part: ``S/NF`` → ``SECRET``."""
    if not marking:
        return None
    head = normal_marking(marking).split("/")[0].strip()
    return MARKING_LEVELS.get(head)


def marking_filter(value: str | MarkingFilter | None) -> MarkingFilter | None:
    """What ``--marking VALUE`` asks for: a level letter or word (``S``, ``SECRET``) means
    every paragraph at that level (``S``, ``S/NF``, ``S/REL …``); ``unmarked`` the paragraphs
    without a marking; anything else that exact marking (``S/NF``, ``C/REL Pakistan``), as
    does a leading ``=`` (``=S``: paragraphs marked exactly ``S``)."""
    if value is None or isinstance(value, MarkingFilter):
        return value
    if not value.strip():
        return None
    text = normal_marking(value)
    if text.startswith("=") and text[1:].strip():
        exact = text[1:].strip()
        return MarkingFilter(level=level_of(exact), marking=exact)
    if text in ("UNMARKED", "NONE"):
        return MarkingFilter(unmarked=True)
    if text in MARKING_LEVELS:
        return MarkingFilter(level=MARKING_LEVELS[text])
    if text in CLASSIFICATION_ORDER or text in MARKING_LEVELS.values():
        return MarkingFilter(level=text)
    return MarkingFilter(level=level_of(text), marking=text)


def as_selects(entity: str | Select | Sequence[str | Select]) -> list[Select]:
    """One entity id, a `Select`, or several of either, as a list of `Select`."""
    items = [entity] if isinstance(entity, str | Select) else list(entity)
    return [s if isinstance(s, Select) else Select(s) for s in items]


#: The order of a page: the index's own, so a page of one marking needs no sort.
ORDER = "m.date, m.version_id, m.position, m.seq"
#: Rows of versions that are no longer the default are never read (until `prune` drops
#: them): the few older versions form a small set, checked per row.
FRESH = "m.version_id NOT IN (SELECT id FROM versions WHERE NOT is_current)"


def _in(column: str, values: Sequence[str], mark: str) -> str:
    return f"{column} IN ({', '.join([mark] * len(values))})"


def where(
    selects: Sequence[Select], marking: MarkingFilter | None, mark: str = "?"
) -> tuple[str, list[Any]]:
    """The SQL condition (on alias ``m``) for the selected entities and marking, and its
    parameters; `mark` is the backend's placeholder. Only values are parameters."""
    parts: list[str] = []
    params: list[Any] = []
    for s in selects:
        clause = [f"m.entity = {mark}"]
        params.append(s.entity)
        if s.only is not None:
            if not s.only:
                clause.append("1 = 0")
            else:
                clause.append(_in("m.text", s.only, mark))
                params.extend(s.only)
        if s.exclude:
            clause.append("NOT " + _in("m.text", s.exclude, mark))
            params.extend(s.exclude)
        parts.append("(" + " AND ".join(clause) + ")")
    sql = "(" + (" OR ".join(parts) or "1 = 0") + ")"
    if marking is not None:
        if marking.unmarked:  # paragraph fields are the ones with a position
            sql += " AND m.level IS NULL AND m.marking IS NULL AND m.position IS NOT NULL"
        elif marking.written is not None:
            if marking.level is None:
                sql += f" AND m.level IS NULL AND m.marking = {mark}"
            else:
                sql += f" AND m.level = {mark} AND m.marking = {mark}"
                params.append(marking.level)
            params.append(marking.written)
        else:
            if marking.level is not None:
                sql += f" AND m.level = {mark}"
                params.append(marking.level)
            if marking.marking is not None:
                sql += f" AND replace(upper(m.marking), '//', '/') = {mark}"
                params.append(marking.marking)
    return sql, params


class StoredMentions:
    """The `Store` methods on stored mentions for a backend whose module (`sqlite_mentions`,
    `postgres_mentions`) offers the same functions over its connection: the backends differ
    in SQL only, so the methods are written once here."""

    db: Any
    read_only: bool
    url: str

    def _mention_backend(self) -> Any:
        """The backend's mentions module (imported when first asked for)."""
        raise NotImplementedError

    def _writable(self) -> Any:
        if self.read_only:
            raise PermissionError(f"{self.url} is open read-only")
        return self._mention_backend()

    def has_mentions(self) -> bool:
        return bool(self._mention_backend().has_mentions(self.db))

    def mention_progress(self) -> tuple[int, int]:
        return self._mention_backend().progress(self.db)

    def pending_mentions(self, batch_size: int = 200) -> Any:
        return self._mention_backend().pending(self.db, batch_size)

    def write_mentions(self, rows: Any) -> int:
        return self._writable().write(self.db, rows)

    def prune_mentions(self, *, everything: bool = False) -> int:
        return self._writable().prune(self.db, everything=everything)

    def mentions(
        self,
        entity: Any,
        *,
        marking: Any = None,
        limit: int | None = 50,
        offset: int = 0,
        count: bool = True,
    ) -> Any:
        return self._mention_backend().mentions(
            self.db,
            as_selects(entity),
            marking_filter(marking),
            limit=limit,
            offset=offset,
            count=count,
        )

    def mention_counts(self, entity: Any) -> dict[str, Any]:
        return self._mention_backend().counts(self.db, as_selects(entity))

    def mention_entities(self, ids: Sequence[str]) -> dict[str, int]:
        return self._mention_backend().entity_sizes(self.db, ids)


__all__ = [
    "COLUMNS",
    "FRESH",
    "ORDER",
    "PARAGRAPH_FIELDS",
    "RESULT_KEYS",
    "MarkingFilter",
    "MentionPage",
    "MentionRow",
    "Select",
    "StoredMentions",
    "as_selects",
    "level_of",
    "marking_filter",
    "normal_marking",
    "where",
]
