"""The SQLite backend: one plain file, WAL journal, FTS5 indexes, batched atomic writes.

Each `write_batch` is one ``BEGIN IMMEDIATE`` … ``COMMIT``: a process killed mid-batch leaves
the file at the previous batch, and the rerun's ``INSERT OR IGNORE`` on the content and source
hashes skips what is already there. Version and paragraph ids are assigned in input order, so a
resumed run ends with the same rows as a clean one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cablescope.errors import CableError
from cablescope.store import BatchResult, Store
from cablescope.store.mentions import StoredMentions
from cablescope.store.recent import RecentMatches
from cablescope.store.records import (
    PARAGRAPH_COLUMNS,
    VERSION_COLUMNS,
    VersionRows,
    restore_record,
)
from cablescope.store.schema import PARTY_ROWS, SCHEMA, SUBJECT_ROWS

if TYPE_CHECKING:
    import numpy as np

    from cablescope.search.query import Node
    from cablescope.search.results import SearchPage
    from cablescope.store.sqlite_columns import FacetColumns

#: 2: covering and case-blind indexes, `party_fts`. 3: `table_rows`. An older archive is
#: upgraded in place (new indexes built, rows counted) the first time any Cablescope command
#: opens it, even to read.
SCHEMA_VERSION = "4"

#: Bulk-load friendly and still crash-safe: WAL with synchronous=NORMAL loses at most the
#: last commits on power loss, never consistency, and nothing at all on a killed process.
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -262144",  # the writer's 256 MB keeps index pages hot at 250k
    "PRAGMA wal_autocheckpoint = 8192",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA mmap_size = 268435456",
    "PRAGMA busy_timeout = 10000",
)

#: The full-text indexes that take every word of every cable. FTS5 holds new entries in memory
#: until this many bytes (default 1 MB) and then writes them as a segment that later merges
#: rewrite: 32 MB makes one segment of a batch instead of one a megabyte, and cut the
#: writer's full-text cost by a quarter at 20k cables (`bench/ingest.py`).
#: Each batch then adds one segment per index, and FTS5 merges segments of a level once
#: `automerge` of them are there (default 4): at 16 a word's entries are rewritten about
#: half as often while a 250k archive is built (each merge reads and writes whole segments),
#: for at most 15 segments a level to look a word up in.
_BIG_INDEXES = ("cable_fts", "paragraph_fts")
_FTS_CONFIG = {"hashsize": 32 << 20, "automerge": 16}

#: Readers (a server keeps one per thread) get a smaller page cache than the one writer.
_READ_PRAGMAS = (
    "PRAGMA cache_size = -65536",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA mmap_size = 268435456",
    "PRAGMA busy_timeout = 10000",
)

_VERSION_COLUMNS = VERSION_COLUMNS
_INSERT_VERSION = (
    f"INSERT INTO versions ({', '.join(_VERSION_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _VERSION_COLUMNS)})"
)
_CHILD_INSERTS = {
    "recipients": "INSERT INTO recipients VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "tags": "INSERT INTO tags VALUES (?, ?, ?)",
    "refs": "INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?)",
    "captions": "INSERT INTO captions VALUES (?, ?, ?)",
    "signers": "INSERT INTO signers VALUES (?, ?, ?)",
    "problems": "INSERT INTO problems VALUES (?, ?, ?, ?, ?)",
    "paragraphs": "INSERT INTO paragraphs (version_id, cable_id, position, number, marking, "
    "classification, noforn, releasable_to, heading, line, text) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}
_INSERT_SOURCE = (
    "INSERT OR IGNORE INTO sources (version_id, name, format, line, byte_offset, raw_hash, "
    "source_key, ingested_at) VALUES (:version_id, :name, :format, :line, :byte_offset, "
    ":raw_hash, :source_key, :ingested_at)"
)
#: The default version: released last, then fewer redactions, then ingested last.
_ELECT_DEFAULT = """
INSERT INTO cables (id, version_id, version_count)
SELECT cable_id, id, n FROM (
    SELECT cable_id, id, count(*) OVER (PARTITION BY cable_id) AS n,
           row_number() OVER (PARTITION BY cable_id
                              ORDER BY coalesce(released, '') DESC, redactions, id DESC) AS rn
    FROM versions WHERE cable_id IN (SELECT value FROM json_each(:ids))
) WHERE rn = 1
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id,
                               version_count = excluded.version_count
"""
COUNTED_TABLES = (
    "cables",
    "versions",
    "recipients",
    "tags",
    "refs",
    "captions",
    "signers",
    "paragraphs",
    "problems",
    "sources",
    "read_errors",
)


@dataclass(slots=True)
class _Added:
    """What `_insert_versions` did: each row's version id, and rows added per table."""

    paired: list[tuple[VersionRows, int]]
    rows: dict[str, int]


class SQLiteStore(StoredMentions, Store):
    """An archive in one SQLite file (created with its schema on first open)."""

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self.read_only = read_only
        self._recent_ids = RecentMatches()
        if read_only:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"{path}: no such archive")
            uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            for pragma in _READ_PRAGMAS:
                self.db.execute(pragma)
            if self._stored_version() != SCHEMA_VERSION:
                self.db.close()
                _upgrade(path)
                self.db = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
                for pragma in _READ_PRAGMAS:
                    self.db.execute(pragma)
            return
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in _PRAGMAS:
            self.db.execute(pragma)
        self._create_schema()

    def _stored_version(self) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:  # not an archive (yet): no meta table
            return None
        return None if row is None else str(row[0])

    def _create_schema(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(SCHEMA):
                self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
            for index in _BIG_INDEXES:
                current = dict(self.db.execute(f"SELECT k, v FROM {index}_config").fetchall())
                for key, value in _FTS_CONFIG.items():
                    if current.get(key) != value:
                        self.db.execute(
                            f"INSERT INTO {index} ({index}, rank) VALUES (?, ?)", (key, value)
                        )
            for index, rows in (("party_fts", PARTY_ROWS), ("subject_fts", SUBJECT_ROWS)):
                if self.db.execute("SELECT 1 FROM meta WHERE key = ?", (index,)).fetchone():
                    continue
                self.db.execute(rows, (0,))  # an archive from before the index existed
                self.db.execute("INSERT INTO meta VALUES (?, 'built')", (index,))
            if self.db.execute("SELECT 1 FROM meta WHERE key = 'table_rows'").fetchone() is None:
                for table in COUNTED_TABLES:  # counted once; every write keeps them since
                    self.db.execute(
                        "INSERT OR REPLACE INTO table_rows VALUES (?, "
                        f"(SELECT count(*) FROM {table}))",
                        (table,),
                    )
                self.db.execute("INSERT INTO meta VALUES ('table_rows', 'counted')")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # -- writing ------------------------------------------------------------------------------
    def write_rows(
        self, rows: Sequence[VersionRows], errors: Sequence[CableError] = ()
    ) -> BatchResult:
        if self.read_only:
            raise PermissionError(f"{self.path} is open read-only")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        result = BatchResult(cables=len(rows))
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            added = self._insert_versions(rows, now, result)
            before = db.total_changes
            db.executemany(
                _INSERT_SOURCE,
                ({**r.source, "version_id": vid, "ingested_at": now} for r, vid in added.paired),
            )
            result.new_sources = db.total_changes - before
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO read_errors VALUES (?, ?, ?)",
                ((str(e.source or "?"), str(e.reason or e), now) for e in errors),
            )
            added.rows.update(
                cables=result.new_cables,
                sources=result.new_sources,
                read_errors=db.total_changes - before,
            )
            db.executemany(
                "UPDATE table_rows SET count = count + ? WHERE name = ?",
                ((n, table) for table, n in added.rows.items() if n),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return result

    def _insert_versions(
        self, rows: Sequence[VersionRows], now: str, result: BatchResult
    ) -> _Added:
        """Insert the versions not yet stored: every row paired with its version id, and the
        rows added per table."""
        db = self.db
        hashes = json.dumps(sorted({r.content_hash for r in rows}))
        known = {
            (cable_id, chash): vid
            for vid, cable_id, chash in db.execute(
                "SELECT id, cable_id, content_hash FROM versions "
                "WHERE content_hash IN (SELECT value FROM json_each(?))",
                (hashes,),
            )
        }
        ids = json.dumps(sorted({r.cable_id for r in rows}))
        counts = dict(
            db.execute(
                "SELECT cable_id, count(*) FROM versions "
                "WHERE cable_id IN (SELECT value FROM json_each(?)) GROUP BY cable_id",
                (ids,),
            ).fetchall()
        )
        stored_ids = set(counts)  # cables with a version already: not new cables
        next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM versions").fetchone()[0]
        first_version, first_paragraph = next_id, self._next_paragraph_id()
        paired: list[tuple[VersionRows, int]] = []
        fresh: list[tuple[VersionRows, int]] = []
        for r in rows:
            key = (r.cable_id, r.content_hash)
            if key not in known:
                known[key] = next_id
                number = counts.get(r.cable_id, 0) + 1
                counts[r.cable_id] = number
                r.version.update(id=next_id, number=number, ingested_at=now)
                fresh.append((r, next_id))
                next_id += 1
            paired.append((r, known[key]))
        if not fresh:
            return _Added(paired, {})
        db.executemany(_INSERT_VERSION, (r.version for r, _ in fresh))
        added = {"versions": len(fresh)}
        for table in _CHILD_INSERTS:
            added[table] = sum(len(getattr(r, table)) for r, _ in fresh)
        for table, sql in _CHILD_INSERTS.items():
            db.executemany(sql, ((vid, *row) for r, vid in fresh for row in getattr(r, table)))
        db.execute(
            "INSERT INTO cable_fts (rowid, subject, body) "
            "SELECT id, subject, body FROM versions WHERE id >= ?",
            (first_version,),
        )
        db.execute(PARTY_ROWS, (first_version,))
        db.execute(SUBJECT_ROWS, (first_version,))
        db.execute(
            "INSERT INTO paragraph_fts (rowid, text, cable_id, number, marking) "
            "SELECT id, text, cable_id, number, marking FROM paragraphs WHERE id >= ?",
            (first_paragraph,),
        )
        touched = json.dumps(sorted({r.cable_id for r, _ in fresh}))
        db.execute(
            "UPDATE versions SET is_current = 0 "
            "WHERE is_current AND cable_id IN (SELECT value FROM json_each(?))",
            (touched,),
        )
        db.execute(_ELECT_DEFAULT, {"ids": touched})
        db.execute(
            "UPDATE versions SET is_current = 1 WHERE id IN (SELECT version_id FROM cables "
            "WHERE id IN (SELECT value FROM json_each(?)))",
            (touched,),
        )
        result.new_versions = len(fresh)
        result.new_cables = len({r.cable_id for r, _ in fresh} - stored_ids)
        return _Added(paired, added)

    def _next_paragraph_id(self) -> int:
        return self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM paragraphs").fetchone()[0]

    # -- reading ------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Rows per table, kept by every write in `table_rows` (counting 2 million paragraphs
        would take a second on every landing page)."""
        kept = dict(self.db.execute("SELECT name, count FROM table_rows").fetchall())
        return {table: int(kept.get(table, 0)) for table in COUNTED_TABLES}

    def problems(self, field: str | None = None) -> Iterator[dict[str, Any]]:
        sql = (
            "SELECT v.cable_id, v.number, v.is_current, p.field, p.message, p.line, "
            "(SELECT s.name FROM sources s WHERE s.version_id = v.id ORDER BY s.id LIMIT 1) "
            "FROM problems p JOIN versions v ON v.id = p.version_id "
            + ("WHERE p.field = ? " if field else "")
            + "ORDER BY v.cable_id, v.number, p.position"
        )
        keys = ("id", "version", "default", "field", "message", "line", "source")
        for row in self.db.execute(sql, (field,) if field else ()):
            record = dict(zip(keys, row, strict=True))
            record["default"] = bool(record["default"])
            yield record

    def get(self, cable_id: str, version: int | None = None) -> dict[str, Any] | None:
        where = "v.number = ?" if version is not None else "v.is_current"
        params: tuple[Any, ...] = (cable_id, version) if version is not None else (cable_id,)
        row = self.db.execute(
            f"SELECT v.id, v.record, v.header, v.body, v.summary, v.raw FROM versions v "
            f"WHERE v.cable_id = ? AND {where}",
            params,
        ).fetchone()
        if row is None:
            return None
        paragraphs = self.db.execute(
            f"SELECT {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
            "WHERE version_id = ? ORDER BY position",
            (row[0],),
        ).fetchall()
        columns = {"header": row[2], "body": row[3], "summary": row[4]}
        return restore_record(row[1], columns, paragraphs, row[5])

    def versions(self, cable_id: str) -> list[dict[str, Any]]:
        keys = ("version", "content_hash", "released", "redactions", "default", "ingested_at")
        rows = self.db.execute(
            "SELECT number, content_hash, released, redactions, is_current, ingested_at "
            "FROM versions WHERE cable_id = ? ORDER BY number",
            (cable_id,),
        )
        return [dict(zip(keys, row, strict=True)) | {"default": bool(row[4])} for row in rows]

    def cited_by(self, cable_id: str) -> list[str]:
        from cablescope.store.sqlite_reading import cited_by

        return cited_by(self.db, cable_id)

    def checksum(self) -> str:
        digest = hashlib.sha256()
        queries = [
            "SELECT id, (SELECT number FROM versions WHERE id = version_id), version_count "
            "FROM cables ORDER BY id",
            "SELECT cable_id, number, content_hash, is_current, record, header, body "
            "FROM versions ORDER BY cable_id, number",
            "SELECT s.source_key, v.cable_id, v.number FROM sources s "
            "JOIN versions v ON v.id = s.version_id ORDER BY s.source_key",
        ]
        for table in (
            "recipients",
            "tags",
            "refs",
            "captions",
            "signers",
            "paragraphs",
            "problems",
        ):
            # Recipients share positions across roles (one list each): the role breaks the tie,
            # or the sum would depend on the query plan.
            role = ", t.role" if table == "recipients" else ""
            queries.append(
                f"SELECT v.cable_id, v.number, t.* FROM {table} t "
                f"JOIN versions v ON v.id = t.version_id ORDER BY v.cable_id, v.number, "
                f"t.position{role}"
            )
        for sql in queries:
            for row in self.db.execute(sql):
                cells = row if "paragraphs" not in sql else row[:2] + row[3:]  # skip para id
                digest.update(repr(cells).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def search(
        self, query_ast: Node, *, limit: int = 20, offset: int = 0, sort: str = "relevance"
    ) -> SearchPage:
        from cablescope.store.sqlite_columns import LOADED
        from cablescope.store.sqlite_search import search

        columns = LOADED.get(os.path.abspath(self.path), self.db)
        return search(self.db, query_ast, limit=limit, offset=offset, sort=sort, columns=columns)

    def facets(
        self,
        query_ast: Node | None,
        *,
        fields: Sequence[str] | None = None,
        limit: int | None = 10,
    ) -> dict[str, list[tuple[str, int]]]:
        from cablescope.store.sqlite_facets import facets

        columns, ids = self._facet_inputs(query_ast)
        return facets(self.db, query_ast, fields=fields, limit=limit, columns=columns, ids=ids)

    def histogram(self, query_ast: Node | None, *, interval: str = "year") -> list[tuple[str, int]]:
        from cablescope.store.sqlite_facets import histogram

        columns, ids = self._facet_inputs(query_ast)
        return histogram(self.db, query_ast, interval=interval, columns=columns, ids=ids)

    def warm(self) -> None:
        """Load the in-memory facet columns (`sqlite_columns`) for this archive: a server does
        it once at start, after which facets and histograms of any query take milliseconds."""
        from cablescope.store.sqlite_columns import LOADED

        LOADED.warm(os.path.abspath(self.path), self.db)

    def clear_caches(self) -> None:
        """Forget the matching ids remembered for recent queries (benchmarks measure cold)."""
        self._recent_ids.clear()

    def _facet_inputs(
        self, query_ast: Node | None
    ) -> tuple[FacetColumns | None, list[int] | np.ndarray]:
        """The loaded facet columns (if any) and the ids matching the query. The ids of the
        last few queries are remembered, so the facets and the histogram of one search page
        find its matches once; they are keyed by the archive's state, never served stale."""
        import numpy as np

        from cablescope.store import sqlite_masks
        from cablescope.store.sqlite_columns import LOADED, generation
        from cablescope.store.sqlite_search import matching_ids

        columns = LOADED.get(os.path.abspath(self.path), self.db)
        if query_ast is None and columns is not None:
            return columns, columns.current

        def compute() -> list[int] | np.ndarray:
            if columns is not None and sqlite_masks.supported(query_ast):
                return np.flatnonzero(sqlite_masks.evaluate(columns, self.db, query_ast))
            return matching_ids(self.db, query_ast)

        ids = self._recent_ids.get(generation(self.db), query_ast, compute)
        return columns, ids

    def export(
        self, query_ast: Node | None, *, include_raw: bool = False, batch_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        from cablescope.store.sqlite_search import matching_versions

        inner, params = matching_versions(query_ast)
        # Ids first (a few MB even at millions of cables), then records a batch at a time:
        # a long-lived cursor over the records would hold a read snapshot and all its pages.
        ids = [
            vid
            for (vid,) in self.db.execute(
                f"SELECT v.id FROM versions v WHERE v.id IN ({inner}) ORDER BY v.date, v.cable_id",
                params,
            )
        ]
        raw_column = "v.raw" if include_raw else "NULL"
        for start in range(0, len(ids), batch_size):
            chunk = json.dumps(ids[start : start + batch_size])
            rows = self.db.execute(
                f"SELECT v.id, v.record, v.header, v.body, v.summary, {raw_column} "
                "FROM versions v JOIN json_each(?) j ON j.value = v.id ORDER BY j.key",
                (chunk,),
            ).fetchall()
            paragraphs: dict[int, list[tuple[Any, ...]]] = {}
            for vid, *row in self.db.execute(
                f"SELECT version_id, {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
                "WHERE version_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY version_id, position",
                (chunk,),
            ):
                paragraphs.setdefault(vid, []).append(tuple(row))
            for vid, record, header, body, summary, raw in rows:
                columns = {"header": header, "body": body, "summary": summary}
                yield restore_record(record, columns, paragraphs.get(vid, []), raw)

    def corrections(self) -> list[dict[str, Any]]:
        from cablescope.store.sqlite_corrections import corrections

        return corrections(self.db)

    def add_correction(self, correction: dict[str, Any]) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path} is open read-only")
        from cablescope.store.sqlite_corrections import add_correction

        add_correction(self.db, correction)

    def close(self) -> None:
        try:
            if not self.read_only:
                self.db.execute("PRAGMA optimize")
        finally:
            self.db.close()

    # -- entity mentions: their own tables (`sqlite_mentions`), made on first write ---------
    def _mention_backend(self) -> Any:
        from cablescope.store import sqlite_mentions

        return sqlite_mentions


def _upgrade(path: str) -> None:
    """Bring an older archive's schema up to date (a write open does it), or say why not."""
    if not os.access(path, os.W_OK):
        raise PermissionError(
            f"{path}: made by an older Cablescope and read-only here; open it once where it "
            "is writable (any command, e.g. `cablescope facets --db FILE`) to upgrade it"
        )
    SQLiteStore(path).close()


def _statements(script: str) -> Iterator[str]:
    """Split the schema into statements (it has no semicolons inside strings or triggers)."""
    buffer: list[str] = []
    for line in script.splitlines():
        if line.lstrip().startswith("--"):
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if line.rstrip().endswith(";") and sqlite3.complete_statement(candidate):
            yield candidate
            buffer = []
    if "".join(buffer).strip():
        yield "\n".join(buffer)


__all__ = ["COUNTED_TABLES", "SCHEMA_VERSION", "SQLiteStore"]
