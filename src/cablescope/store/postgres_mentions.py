"""Entity mentions in a PostgreSQL archive: SQLite's tables and answers (see
`sqlite_mentions`), made on first write, loaded with COPY."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import psycopg

from cablescope.store.mentions import (
    COLUMNS,
    FRESH,
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
    version_id BIGINT  NOT NULL,
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
)""",
    # `mentions.FRESH` reads the versions that are not the default: few, and indexed.
    "CREATE INDEX IF NOT EXISTS versions_not_current ON versions (id) WHERE NOT is_current",
    "CREATE INDEX IF NOT EXISTS mentions_entity "
    "ON mentions (entity, level, marking, date, version_id, position)",
    """CREATE TABLE IF NOT EXISTS mention_versions (
    version_id   BIGINT PRIMARY KEY,
    mentions     INTEGER NOT NULL,
    extracted_at TIMESTAMPTZ NOT NULL DEFAULT now()
)""",
)


def _exists(db: psycopg.Connection) -> bool:
    return db.execute("SELECT to_regclass('mention_versions')").fetchone()[0] is not None


def has_mentions(db: psycopg.Connection) -> bool:
    return (
        _exists(db) and db.execute("SELECT 1 FROM mention_versions LIMIT 1").fetchone() is not None
    )


def progress(db: psycopg.Connection) -> tuple[int, int]:
    total = db.execute("SELECT count(*) FROM cables").fetchone()[0]
    if not _exists(db):
        return 0, total
    done = db.execute(
        "SELECT count(*) FROM mention_versions mv JOIN versions v ON v.id = mv.version_id "
        "WHERE v.is_current"
    ).fetchone()[0]
    return done, total


def pending(db: psycopg.Connection, batch_size: int = 200) -> Iterator[tuple[int, dict[str, Any]]]:
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
        chunk = ids[start : start + batch_size]
        rows = db.execute(
            "SELECT v.id, v.record, v.header, v.body, v.summary "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS j(id, n) "
            "JOIN versions v ON v.id = j.id ORDER BY j.n",
            (chunk,),
        ).fetchall()
        paragraphs: dict[int, list[tuple[Any, ...]]] = {}
        for vid, *row in db.execute(
            f"SELECT version_id, {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
            "WHERE version_id = ANY(%s) ORDER BY version_id, position",
            (chunk,),
        ):
            paragraphs.setdefault(vid, []).append(tuple(row))
        for vid, record, header, body, summary in rows:
            columns = {"header": header, "body": body, "summary": summary}
            yield vid, restore_record(record, columns, paragraphs.get(vid, []), None)


def write(db: psycopg.Connection, rows: Mapping[int, Sequence[MentionRow]]) -> int:
    """Replace each version's mentions and mark it extracted, in one transaction."""
    if not rows:
        return 0
    ids = list(rows)
    written = 0
    with db.transaction():
        for statement in _CREATE:
            db.execute(statement)
        known = {vid for (vid,) in db.execute("SELECT id FROM versions WHERE id = ANY(%s)", (ids,))}
        db.execute("DELETE FROM mentions WHERE version_id = ANY(%s)", (ids,))
        db.execute("DELETE FROM mention_versions WHERE version_id = ANY(%s)", (ids,))
        with db.cursor() as cur:
            columns = ", ".join(("version_id", "seq", *COLUMNS))
            with cur.copy(f"COPY mentions ({columns}) FROM STDIN") as copy:
                for vid, found in rows.items():
                    if vid not in known:
                        continue
                    for seq, row in enumerate(found):
                        copy.write_row((vid, seq, *row))
                        written += 1
            cur.executemany(
                "INSERT INTO mention_versions (version_id, mentions) VALUES (%s, %s)",
                [(vid, len(found)) for vid, found in rows.items() if vid in known],
            )
    return written


def prune(db: psycopg.Connection, *, everything: bool = False) -> int:
    if not _exists(db):
        return 0
    stale = (
        "SELECT version_id FROM mention_versions"
        if everything
        else "SELECT mv.version_id FROM mention_versions mv JOIN versions v "
        "ON v.id = mv.version_id WHERE NOT v.is_current"
    )
    with db.transaction():
        ids = [vid for (vid,) in db.execute(stale)]
        db.execute("DELETE FROM mentions WHERE version_id = ANY(%s)", (ids,))
        db.execute("DELETE FROM mention_versions WHERE version_id = ANY(%s)", (ids,))
    return len(ids)


_FROM = f"FROM mentions m WHERE {FRESH} AND "


def mentions(
    db: psycopg.Connection,
    selects: Sequence[Select],
    marking: MarkingFilter | None,
    *,
    limit: int | None,
    offset: int,
    count: bool = True,
) -> MentionPage:
    if not _exists(db):
        return MentionPage(0)
    cond, params = where(selects, marking, "%s")
    total = db.execute(f"SELECT count(*) {_FROM}{cond}", params).fetchone()[0] if count else -1
    rows = db.execute(
        "SELECT v.cable_id, v.number, m.date, m.field, m.position, m.paragraph, m.start_char, "
        "m.end_char, m.text, m.kind, m.entity, m.marking, m.level, "
        "CASE m.field WHEN 'text' THEN p.text WHEN 'heading' THEN p.heading "
        "WHEN 'subject' THEN v.subject END "
        "FROM (SELECT m.version_id AS vid, m.seq AS seq, m.date AS date, m.position AS pos "
        f"{_FROM}{cond} "
        "ORDER BY m.date NULLS FIRST, m.version_id, m.position NULLS FIRST, m.seq "
        "LIMIT %s OFFSET %s) AS page "
        "JOIN mentions m ON m.version_id = page.vid AND m.seq = page.seq "
        "JOIN versions v ON v.id = m.version_id "
        "LEFT JOIN paragraphs p ON p.version_id = m.version_id AND p.position = m.position "
        "ORDER BY page.date NULLS FIRST, page.vid, page.pos NULLS FIRST, page.seq",
        [*params, limit, offset],
    ).fetchall()
    return MentionPage(total, [dict(zip(RESULT_KEYS, row, strict=True)) for row in rows])


def counts(db: psycopg.Connection, selects: Sequence[Select]) -> dict[str, Any]:
    if not _exists(db):
        return {"mentions": 0, "cables": 0, "markings": []}
    cond, params = where(selects, None, "%s")
    mentions_n, cables_n = db.execute(
        f"SELECT count(*), count(DISTINCT m.version_id) {_FROM}{cond}", params
    ).fetchone()
    groups = db.execute(
        "SELECT marking, level, sum(n), count(*) FROM (SELECT m.marking AS marking, "
        f"m.level AS level, count(*) AS n {_FROM}{cond} AND m.position IS NOT NULL "
        "GROUP BY m.level, m.marking, m.date, m.version_id, m.position) AS per_paragraph "
        "GROUP BY marking, level ORDER BY sum(n) DESC",
        params,
    ).fetchall()
    return {
        "mentions": mentions_n,
        "cables": cables_n,
        "markings": [
            {"marking": mk, "level": lv, "mentions": int(n), "paragraphs": p}
            for mk, lv, n, p in groups
        ],
    }


def entity_sizes(db: psycopg.Connection, ids: Sequence[str]) -> dict[str, int]:
    if not _exists(db) or not ids:
        return {}
    rows = db.execute(
        f"SELECT m.entity, count(*) {_FROM}m.entity = ANY(%s) GROUP BY m.entity",
        (list(ids),),
    )
    return dict(rows.fetchall())


__all__ = [
    "counts",
    "entity_sizes",
    "has_mentions",
    "mentions",
    "pending",
    "progress",
    "prune",
    "write",
]
