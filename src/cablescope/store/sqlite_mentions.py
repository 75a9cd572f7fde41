"""Entity mentions in an SQLite archive (`store.mentions` has the row layout).

Two tables, made on first write: ``mentions`` (one row per mention, keyed by version and
order) and ``mention_versions`` (the versions extraction has done, with how many mentions
it found: zero is an answer too, so a second `cablescope enrich` has nothing to do).
Lookups and counts go through one covering index, (entity, level, marking, date, version,
position): by entity, by entity and level ("SECRET paragraphs"), by entity and exact
marking, a page in date order, paragraphs per marking. Rows of versions that are no longer
the default are never read (`mentions.FRESH`), even before `prune` drops them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cablescope.store.mentions import (
    COLUMNS,
    FRESH,
    ORDER,
    RESULT_KEYS,
    MarkingFilter,
    MentionPage,
    MentionRow,
    Select,
    where,
)
from cablescope.store.records import PARAGRAPH_COLUMNS, restore_record

_CREATE = (
    """CREATE TABLE IF NOT EXISTS mentions (
    version_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    field      TEXT    NOT NULL,
    position   INTEGER,
    paragraph  INTEGER,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    marking    TEXT,
    level      TEXT,
    date       TEXT,
    PRIMARY KEY (version_id, seq)
) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS mentions_entity "
    "ON mentions (entity, level, marking, date, version_id, position)",
    """CREATE TABLE IF NOT EXISTS mention_versions (
    version_id   INTEGER PRIMARY KEY,
    mentions     INTEGER NOT NULL,
    extracted_at TEXT    NOT NULL
)""",
)
_IDS = "(SELECT value FROM json_each(?))"
_IN_IDS = f"version_id IN {_IDS}"
_INSERT = (
    f"INSERT INTO mentions (version_id, seq, {', '.join(COLUMNS)}) "
    f"VALUES (?, ?, {', '.join('?' * len(COLUMNS))})"
)


def _exists(db: sqlite3.Connection) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mention_versions'"
    ).fetchone()
    return row is not None


def create(db: sqlite3.Connection) -> None:
    """Make the tables and index (inside the caller's transaction)."""
    for statement in _CREATE:
        db.execute(statement)


def has_mentions(db: sqlite3.Connection) -> bool:
    """Whether extraction ever ran on this archive."""
    return (
        _exists(db) and db.execute("SELECT 1 FROM mention_versions LIMIT 1").fetchone() is not None
    )


def progress(db: sqlite3.Connection) -> tuple[int, int]:
    """(default versions extracted, default versions in all)."""
    total = db.execute("SELECT count(*) FROM cables").fetchone()[0]
    if not _exists(db):
        return 0, total
    done = db.execute(
        "SELECT count(*) FROM mention_versions mv JOIN versions v ON v.id = mv.version_id "
        "WHERE v.is_current"
    ).fetchone()[0]
    return done, total


def pending(db: sqlite3.Connection, batch_size: int = 200) -> Iterator[tuple[int, dict[str, Any]]]:
    """(version id, full record) of every default version not extracted yet, in id order,
    read `batch_size` at a time (ids first: no read cursor stays open across writes)."""
    done = "NOT EXISTS (SELECT 1 FROM mention_versions mv WHERE mv.version_id = v.id)"
    ids = [
        vid
        for (vid,) in db.execute(
            "SELECT v.id FROM versions v WHERE v.is_current"
            + (f" AND {done}" if _exists(db) else "")
            + " ORDER BY v.id"
        )
    ]
    for start in range(0, len(ids), batch_size):
        chunk = json.dumps(ids[start : start + batch_size])
        rows = db.execute(
            "SELECT v.id, v.record, v.header, v.body, v.summary FROM versions v "
            "JOIN json_each(?) j ON j.value = v.id ORDER BY j.key",
            (chunk,),
        ).fetchall()
        paragraphs: dict[int, list[tuple[Any, ...]]] = {}
        for vid, *row in db.execute(
            f"SELECT version_id, {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
            "WHERE version_id IN (SELECT value FROM json_each(?)) ORDER BY version_id, position",
            (chunk,),
        ):
            paragraphs.setdefault(vid, []).append(tuple(row))
        for vid, record, header, body, summary in rows:
            columns = {"header": header, "body": body, "summary": summary}
            yield vid, restore_record(record, columns, paragraphs.get(vid, []), None)


def write(db: sqlite3.Connection, rows: Mapping[int, Sequence[MentionRow]]) -> int:
    """Replace the mentions of each version id in `rows` and mark it extracted, in one
    transaction; returns the mentions written."""
    if not rows:
        return 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ids = json.dumps(list(rows))
    db.execute("BEGIN IMMEDIATE")
    try:
        create(db)
        known = {
            vid for (vid,) in db.execute(f"SELECT id FROM versions WHERE id IN {_IDS}", (ids,))
        }
        db.execute(f"DELETE FROM mentions WHERE {_IN_IDS}", (ids,))
        db.executemany(
            _INSERT,
            (
                (vid, seq, *row)
                for vid, found in rows.items()
                if vid in known
                for seq, row in enumerate(found)
            ),
        )
        db.executemany(
            "INSERT OR REPLACE INTO mention_versions VALUES (?, ?, ?)",
            ((vid, len(found), now) for vid, found in rows.items() if vid in known),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return sum(len(found) for vid, found in rows.items() if vid in known)


def prune(db: sqlite3.Connection, *, everything: bool = False) -> int:
    """Drop the mentions of versions that are no longer the default (all with
    `everything`, to extract again); returns the versions forgotten."""
    if not _exists(db):
        return 0
    stale = (
        "SELECT version_id FROM mention_versions"
        if everything
        else "SELECT mv.version_id FROM mention_versions mv JOIN versions v "
        "ON v.id = mv.version_id WHERE NOT v.is_current"
    )
    db.execute("BEGIN IMMEDIATE")
    try:
        ids = [vid for (vid,) in db.execute(stale)]
        chunk = json.dumps(ids)
        db.execute(f"DELETE FROM mentions WHERE {_IN_IDS}", (chunk,))
        db.execute(
            f"DELETE FROM mention_versions WHERE {_IN_IDS}",
            (chunk,),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return len(ids)


_FROM = f"FROM mentions m WHERE {FRESH} AND "


def mentions(
    db: sqlite3.Connection,
    selects: Sequence[Select],
    marking: MarkingFilter | None,
    *,
    limit: int | None,
    offset: int,
    count: bool = True,
) -> MentionPage:
    """One page of the selected default versions' mentions, by date, version and order:
    the page's keys come from the index, then only its rows are read with their text."""
    if not _exists(db):
        return MentionPage(0)
    cond, params = where(selects, marking)
    total = db.execute(f"SELECT count(*) {_FROM}{cond}", params).fetchone()[0] if count else -1
    rows = db.execute(
        "SELECT v.cable_id, v.number, m.date, m.field, m.position, m.paragraph, m.start_char, "
        "m.end_char, m.text, m.kind, m.entity, m.marking, m.level, "
        "CASE m.field WHEN 'text' THEN p.text WHEN 'heading' THEN p.heading "
        "WHEN 'subject' THEN v.subject END "
        "FROM (SELECT m.version_id AS vid, m.seq AS seq, m.date AS date, m.position AS pos "
        f"{_FROM}{cond} "
        f"ORDER BY {ORDER} LIMIT ? OFFSET ?) AS page "
        "JOIN mentions m ON m.version_id = page.vid AND m.seq = page.seq "
        "JOIN versions v ON v.id = m.version_id "
        "LEFT JOIN paragraphs p ON p.version_id = m.version_id AND p.position = m.position "
        "ORDER BY page.date, page.vid, page.pos, page.seq",
        [*params, -1 if limit is None else limit, offset],
    ).fetchall()
    return MentionPage(total, [dict(zip(RESULT_KEYS, row, strict=True)) for row in rows])


def counts(db: sqlite3.Connection, selects: Sequence[Select]) -> dict[str, Any]:
    """Mentions and cables in all, and per paragraph marking: mentions and paragraphs."""
    if not _exists(db):
        return {"mentions": 0, "cables": 0, "markings": []}
    cond, params = where(selects, None)
    mentions_n, cables_n = db.execute(
        f"SELECT count(*), count(DISTINCT m.version_id) {_FROM}{cond}", params
    ).fetchone()
    groups = db.execute(
        "SELECT marking, level, sum(n), count(*) FROM (SELECT m.marking AS marking, "
        f"m.level AS level, count(*) AS n {_FROM}{cond} AND m.position IS NOT NULL "
        "GROUP BY m.level, m.marking, m.date, m.version_id, m.position) "
        "GROUP BY marking, level ORDER BY sum(n) DESC",
        params,
    ).fetchall()
    return {
        "mentions": mentions_n,
        "cables": cables_n,
        "markings": [
            {"marking": mk, "level": lv, "mentions": n, "paragraphs": p} for mk, lv, n, p in groups
        ],
    }


def entity_sizes(db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """Mentions in default versions per entity id, for the ids that have any."""
    if not _exists(db) or not ids:
        return {}
    rows = db.execute(
        f"SELECT m.entity, count(*) {_FROM}m.entity IN ({', '.join('?' * len(ids))}) "
        "GROUP BY m.entity",
        list(ids),
    )
    return dict(rows.fetchall())


__all__ = [
    "counts",
    "create",
    "entity_sizes",
    "has_mentions",
    "mentions",
    "pending",
    "progress",
    "prune",
    "write",
]
