"""The PostgreSQL backend: the server store, with SQLite's behaviour and COPY bulk loads.

    open_store("postgresql://user@host/dbname")

The schema is created and upgraded by the tool (`postgres_schema`, numbered migrations).
Each `write_rows` is one transaction that takes an advisory lock (writers queue, as SQLite's
``BEGIN IMMEDIATE`` makes them), looks up which texts and sources are already stored, then
COPYs the rest: versions, child rows, paragraphs, sources. Version and paragraph ids are
assigned in input order, the default version is elected by SQLite's rule, and the checksum
reads the same rows in the same order, so equal input gives an equal `checksum()` on both
backends. A batch that fails (the server stopped, the connection lost) rolls back whole and
raises `PostgresStoreError` naming the server; rerunning the ingest skips what is stored.

What makes a load fast: `versions` goes in as a binary COPY with its word vectors already
in PostgreSQL's binary form (`postgres_text.vector`: the server parsed the text form one
character at a time, a third of its work); a first batch of `DEFER_MIN` or more into an
empty archive drops the secondary and full-text indexes, which `finish_load` (called by
`close`) builds once at the end, several times cheaper than growing them batch by batch —
a writer that dies first leaves them to the next open of the archive; and the writer's
commits do not wait for the disk (``synchronous_commit = off``: a crash may lose the last
batches, which the rerun that any failure needs stores again), `finish_load` flushing them.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql
from psycopg.adapt import Dumper
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import Format
from psycopg.types.json import Jsonb

from cablescope.errors import CableError, StoreError
from cablescope.store import BatchResult, RowPreparer, Store
from cablescope.store import postgres_schema as schema
from cablescope.store.mentions import StoredMentions
from cablescope.store.postgres_text import vector, words
from cablescope.store.recent import RecentMatches
from cablescope.store.records import (
    CHILD_COLUMNS,
    PARAGRAPH_COLUMNS,
    SOURCE_COLUMNS,
    VERSION_COLUMNS,
    VersionRows,
    restore_record,
)
from cablescope.store.sqlite import COUNTED_TABLES

if TYPE_CHECKING:
    from cablescope.search.query import Node
    from cablescope.search.results import SearchPage
    from cablescope.store.postgres_search import Hit
    from cablescope.store.sqlite_columns import Execute, FacetColumns


class PostgresStoreError(StoreError):
    """The PostgreSQL server could not be reached, or refused a batch: says which server,
    what went wrong, and that a rerun is safe (a failed batch leaves nothing behind)."""


_VERSION_COLUMNS = (*VERSION_COLUMNS, "is_current")
#: Column types of `versions` for its binary COPY (binary fields must match exactly).
_TSVECTOR_OID = 3614
_INTEGERS = ("number", "year", "class_rank", "redactions", "paragraph_count", "problem_count")
_VERSION_TYPES: list[str | int] = [
    {"id": "int8", "raw": "bytea", "is_current": "bool", "synthetic": "int4"}.get(
        column, "int4" if column in _INTEGERS else "text"
    )
    for column in _VERSION_COLUMNS
] + [_TSVECTOR_OID] * 3
#: A first batch at least this big into an empty archive is a bulk load: the secondary and
#: full-text indexes are dropped and built once at the end (`finish_load`).
DEFER_MIN = 50


class _Vector(bytes):
    """A `tsvector` in PostgreSQL's binary form (`postgres_text.vector`)."""


class _VectorDumper(Dumper):
    format = Format.BINARY
    oid = _TSVECTOR_OID

    def dump(self, obj: bytes) -> bytes:
        return obj


_SOURCE_COLUMNS = ("version_id", *SOURCE_COLUMNS)
#: What `checksum` reads: SQLite's columns in SQLite's order (flags as 0/1), so that equal
#: archives on the two backends have equal sums. Recipients tie on position (one per role):
#: SQLite returns them in its key order, by role, as the extra sort key does here.
_CHECKSUM_QUERIES = (
    "SELECT c.id, v.number, c.version_count FROM cables c JOIN versions v ON v.id = c.version_id "
    "ORDER BY c.id",
    "SELECT cable_id, number, content_hash, is_current::int, record, header, body "
    "FROM versions ORDER BY cable_id, number",
    "SELECT s.source_key, v.cable_id, v.number FROM sources s "
    "JOIN versions v ON v.id = s.version_id ORDER BY s.source_key",
    *(
        f"SELECT v.cable_id, v.number, t.version_id, {', '.join('t.' + c for c in columns)} "
        f"FROM {table} t JOIN versions v ON v.id = t.version_id "
        f"ORDER BY v.cable_id, v.number, t.position{', t.role' if table == 'recipients' else ''}"
        for table, columns in (
            ("recipients", CHILD_COLUMNS["recipients"]),
            ("tags", CHILD_COLUMNS["tags"]),
            ("refs", CHILD_COLUMNS["refs"]),
            ("captions", CHILD_COLUMNS["captions"]),
            ("signers", CHILD_COLUMNS["signers"]),
            ("paragraphs", ("cable_id", "position", *PARAGRAPH_COLUMNS)),
            ("problems", CHILD_COLUMNS["problems"]),
        )
    ),
)


def describe(url: str) -> str:
    """``host:port/dbname`` of a connection URL, never its password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(unparsable URL)"
    host = info.get("host") or info.get("hostaddr") or "localhost"
    port = info.get("port") or "5432"
    return f"{host}:{port}/{info.get('dbname') or info.get('user') or ''}"


def _public_url(url: str) -> str:
    """The URL as shown in messages and `Store.url`: the password left out."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url
    if "password" not in info:
        return url
    info.pop("password")
    user = f"{info.pop('user')}@" if info.get("user") else ""
    host, port, dbname = info.pop("host", ""), info.pop("port", ""), info.pop("dbname", "")
    rest = "&".join(f"{key}={value}" for key, value in info.items())
    return f"postgresql://{user}{host}{':' + port if port else ''}/{dbname}" + (
        f"?{rest}" if rest else ""
    )


@contextlib.contextmanager
def _snapshot(db: psycopg.Connection) -> Iterator[Execute]:
    """One read-only REPEATABLE READ transaction for `sqlite_columns.load`, each statement
    read through a server-side cursor: its rows arrive a chunk at a time, never all at once."""
    cursors: list[psycopg.ServerCursor[Any]] = []

    def execute(query: str) -> psycopg.ServerCursor[Any]:
        cursor = db.cursor(name=f"cablescope_columns_{len(cursors)}")
        cursors.append(cursor)
        cursor.execute(query)  # type: ignore[arg-type]  # fixed text, nothing interpolated
        return cursor

    with db.transaction():
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield execute
        finally:
            for cursor in cursors:
                cursor.close()


class PostgresStore(StoredMentions, Store):
    """An archive in a PostgreSQL database (its schema created or upgraded on open)."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = _public_url(url)
        self.server = describe(url)
        self.read_only = read_only
        self._conninfo = make_conninfo(url, application_name="cablescope")
        #: True while this writer holds back the indexes of a bulk load; None before it
        #: wrote; `_async` while its commits wait for the disk no longer (`finish_load`).
        self._bulk: bool | None = None
        self._async = False
        #: A search runs in a transaction of its own (`postgres_search.planned`): threads
        #: that share this store (a web server's may) take turns, as their statements do.
        self._searching = threading.Lock()
        #: A query with a phrase costs a read of every candidate's word vector (a second at
        #: Cablegate size): a search page's count, facets and histogram share one.
        self._recent_ids = RecentMatches()
        try:
            self.db = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise self.error(exc, "cannot connect") from exc
        self.db.adapters.register_dumper(_Vector, _VectorDumper)
        try:
            if read_only:  # a guard against writes by mistake, on the server's side too
                self.db.execute("SET default_transaction_read_only = on")
            self._schema()
            self._repair()
        except BaseException as exc:
            self.db.close()
            if isinstance(exc, psycopg.Error):
                raise self.error(exc, "cannot open the archive") from exc
            raise

    def error(self, exc: BaseException, doing: str, hint: str = "") -> PostgresStoreError:
        """A `PostgresStoreError` for `exc`, naming the server and what was being done."""
        diag = getattr(exc, "diag", None)
        primary = diag.message_primary if diag is not None else None
        problem = " ".join((primary or str(exc)).split()) or type(exc).__name__
        return PostgresStoreError(f"PostgreSQL server {self.server}: {doing}: {problem}{hint}")

    def _schema(self) -> None:
        done = schema.applied(self.db)
        if done is not None and max(done, default=0) > schema.LATEST:
            raise PostgresStoreError(
                f"PostgreSQL server {self.server}: the archive's schema is version "
                f"{max(done)}, newer than this Cablescope knows ({schema.LATEST}): upgrade it"
            )
        if self.read_only:
            if done is None:
                raise FileNotFoundError(f"{self.url}: no Cablescope archive in this database")
            if schema.pending(done):  # an older archive: upgrade it, as SQLite's open does
                with psycopg.connect(self._conninfo, autocommit=True) as writer:
                    schema.migrate(writer)
            return
        if done is None or schema.pending(done):
            schema.migrate(self.db)

    def _repair(self) -> None:
        """Build the indexes of a bulk load that stopped before it could (crash, server
        stopped): a reader opens a writer connection for it, as for a migration."""
        if not schema.missing_indexes(self.db):
            return
        if not self.read_only:
            schema.repair_indexes(self.db)
            return
        with psycopg.connect(self._conninfo, autocommit=True) as writer:
            schema.repair_indexes(writer)

    # -- writing ------------------------------------------------------------------------------
    def write_rows(
        self, rows: Sequence[VersionRows], errors: Sequence[CableError] = ()
    ) -> BatchResult:
        if self.read_only:
            raise PermissionError(f"{self.url} is open read-only")
        try:
            try:
                return self._write(rows, errors, clean=False)
            except (psycopg.DataError, UnicodeEncodeError):
                # A NUL character or a lone surrogate, which PostgreSQL text cannot hold:
                # the batch again with those replaced (the raw text keeps them).
                return self._write(rows, errors, clean=True)
        except psycopg.Error as exc:
            hint = ""
            if isinstance(exc, psycopg.OperationalError):
                hint = (
                    " (the batch was rolled back whole: rerun the ingest when the server is back)"
                )
            raise self.error(exc, f"batch of {len(rows)} cables not stored", hint) from exc

    def _write(
        self, rows: Sequence[VersionRows], errors: Sequence[CableError], *, clean: bool
    ) -> BatchResult:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        result = BatchResult(cables=len(rows))
        if not self._async:
            # A batch lost to a crash is only redone by the rerun, which any failure needs
            # anyway: no waiting for the disk per batch; `finish_load` flushes at the end.
            self.db.execute("SET synchronous_commit = off")
            self._async = True
        deferred = False
        with self.db.transaction(), self.db.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (schema.LOCK_KEY,))
            if self._bulk is None and len(rows) >= DEFER_MIN:
                deferred = schema.defer_indexes(self.db)
            paired = self._insert_versions(cur, rows, now, result, clean)
            result.new_sources = self._insert_sources(cur, paired, now)
            seen = {(str(e.source or "?"), str(e.reason or e)) for e in errors}
            if seen:
                cur.executemany(
                    "INSERT INTO read_errors VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    [(_text(s, True), _text(r, True), now) for s, r in sorted(seen)],
                )
        if self._bulk is None:
            self._bulk = deferred
        return result

    def row_preparer(self) -> RowPreparer:
        """The word vectors, the costliest part of a load on this side of the connection:
        an ingest's parse workers build them, and the writer only sends them."""
        return prepare_vectors

    def finish_load(self) -> list[str]:
        """End a load: build the indexes it deferred (with `schema.BUILD_MEMORY`, then
        ANALYZE) and make its commits durable; the indexes built. `close` calls it."""
        built: list[str] = []
        if self._bulk:
            try:
                built = schema.build_indexes(self.db)
            finally:
                self.db.execute("SELECT pg_advisory_unlock_all()")
        self._bulk = False
        if self._async:  # a synchronous commit flushes every commit before it
            self.db.execute("SET synchronous_commit = on")
            self.db.execute("SELECT txid_current()")
            self._async = False
        return built

    def _insert_versions(
        self,
        cur: psycopg.Cursor,
        rows: Sequence[VersionRows],
        now: str,
        result: BatchResult,
        clean: bool,
    ) -> list[tuple[VersionRows, int]]:
        """Insert the versions not yet stored, elect defaults; every row with its version id."""
        known, counts, ranks, current = _stored_versions(cur, sorted({r.cable_id for r in rows}))
        next_id, next_paragraph = _next_id(cur, "versions"), _next_id(cur, "paragraphs")
        paired: list[tuple[VersionRows, int]] = []
        fresh: list[tuple[VersionRows, int]] = []
        for r in rows:
            key = (r.cable_id, r.content_hash)
            if key not in known:
                known[key] = next_id
                counts[r.cable_id] += 1
                # A transfer (`commands.transfer`) brings each version's own ingest time.
                stamp = r.version.get("ingested_at") or now
                r.version.update(id=next_id, number=counts[r.cable_id], ingested_at=stamp)
                released = r.version["released"] or ""
                _elect(ranks, r.cable_id, (released, -r.version["redactions"], next_id), next_id)
                fresh.append((r, next_id))
                next_id += 1
            paired.append((r, known[key]))
        if not fresh:
            return paired
        touched = list(dict.fromkeys(r.cable_id for r, _ in fresh))
        winners = {cable_id: ranks[cable_id][1] for cable_id in touched}
        self._copy_versions(cur, fresh, winners, clean)
        self._copy_children(cur, fresh, next_paragraph, clean)
        deposed = [current[c] for c in touched if c in current and current[c] != winners[c]]
        if deposed:
            cur.execute("UPDATE versions SET is_current = FALSE WHERE id = ANY(%s)", (deposed,))
        new = [c for c in touched if c not in current]
        if new:
            with cur.copy("COPY cables (id, version_id, version_count) FROM STDIN") as copy:
                for cable_id in new:
                    copy.write_row((cable_id, winners[cable_id], counts[cable_id]))
        old = [c for c in touched if c in current]
        if old:
            cur.execute(
                "UPDATE cables c SET version_id = u.vid, version_count = u.n FROM unnest("
                "%s::text[], %s::bigint[], %s::int[]) AS u(id, vid, n) WHERE c.id = u.id",
                (old, [winners[c] for c in old], [counts[c] for c in old]),
            )
        result.new_versions = len(fresh)
        result.new_cables = len(new)
        return paired

    def _copy_versions(
        self,
        cur: psycopg.Cursor,
        fresh: list[tuple[VersionRows, int]],
        winners: dict[str, int],
        clean: bool,
    ) -> None:
        names = (*_VERSION_COLUMNS, "words", "party", "subject_words")
        columns = sql.SQL(", ").join(map(sql.Identifier, names))
        statement = sql.SQL("COPY versions ({}) FROM STDIN (FORMAT BINARY)").format(columns)
        with cur.copy(statement) as copy:
            copy.set_types(_VERSION_TYPES)
            for r, vid in fresh:
                v = r.version
                v["is_current"] = winners[r.cable_id] == vid
                row = [v[c] for c in _VERSION_COLUMNS]
                if clean:
                    row = [_text(x, True) for x in row]
                vectors = v.pop(_VECTORS, None) or _vectors(r)
                copy.write_row((*row, *map(_Vector, vectors)))

    def _copy_children(
        self,
        cur: psycopg.Cursor,
        fresh: list[tuple[VersionRows, int]],
        first_paragraph: int,
        clean: bool,
    ) -> None:
        for table, columns in CHILD_COLUMNS.items():
            names = sql.SQL(", ").join(map(sql.Identifier, ("version_id", *columns)))
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
            with cur.copy(statement) as copy:
                for r, vid in fresh:
                    for row in getattr(r, table):
                        copy.write_row((vid, *([_text(x, True) for x in row] if clean else row)))
        paragraph_id = first_paragraph
        names = sql.SQL(", ").join(
            map(sql.Identifier, ("id", "version_id", "cable_id", "position", *PARAGRAPH_COLUMNS))
        )
        with cur.copy(sql.SQL("COPY paragraphs ({}) FROM STDIN").format(names)) as copy:
            for r, vid in fresh:
                for row in r.paragraphs:
                    values = [_text(x, clean) for x in row] if clean else row
                    copy.write_row((paragraph_id, vid, *values))
                    paragraph_id += 1

    def _insert_sources(
        self, cur: psycopg.Cursor, paired: list[tuple[VersionRows, int]], now: str
    ) -> int:
        """Sources not stored yet (by `source_key`); how many were new."""
        keys = [r.source["source_key"] for r, _ in paired if r.source]
        cur.execute("SELECT source_key FROM sources WHERE source_key = ANY(%s)", (keys,))
        stored = {key for (key,) in cur}
        new: list[tuple[Any, ...]] = []
        for r, vid in paired:
            source = r.source
            if source and source["source_key"] not in stored:  # a transfer's may be None
                stored.add(source["source_key"])
                stamp = source.get("ingested_at") or now  # a transfer keeps the original's
                new.append((vid, *(_text(source[c], True) for c in _SOURCE_COLUMNS[1:-1]), stamp))
        if new:
            names = sql.SQL(", ").join(map(sql.Identifier, _SOURCE_COLUMNS))
            with cur.copy(sql.SQL("COPY sources ({}) FROM STDIN").format(names)) as copy:
                for row in new:
                    copy.write_row(row)
        return len(new)

    # -- reading ------------------------------------------------------------------------------
    def _read(self, doing: str, query: Any, params: Sequence[Any] = ()) -> psycopg.Cursor:
        """Run a read, turning a lost server into a `PostgresStoreError`."""
        try:
            return self.db.execute(query, params)
        except psycopg.OperationalError as exc:
            raise self.error(exc, doing) from exc

    def counts(self) -> dict[str, int]:
        return {
            table: self._read(
                "counting", sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in COUNTED_TABLES
        }

    def problems(self, field: str | None = None) -> Iterator[dict[str, Any]]:
        query = (
            "SELECT v.cable_id, v.number, v.is_current, p.field, p.message, p.line, "
            "(SELECT s.name FROM sources s WHERE s.version_id = v.id ORDER BY s.id LIMIT 1) "
            "FROM problems p JOIN versions v ON v.id = p.version_id "
            + ("WHERE p.field = %s " if field else "")
            + "ORDER BY v.cable_id, v.number, p.position"
        )
        keys = ("id", "version", "default", "field", "message", "line", "source")
        for row in self._read("listing problems", query, (field,) if field else ()).fetchall():
            yield dict(zip(keys, row, strict=True))

    def get(self, cable_id: str, version: int | None = None) -> dict[str, Any] | None:
        where = "v.number = %s" if version is not None else "v.is_current"
        params: tuple[Any, ...] = (cable_id, version) if version is not None else (cable_id,)
        row = self._read(
            "reading a cable",
            "SELECT v.id, v.record, v.header, v.body, v.summary, v.raw FROM versions v "
            f"WHERE v.cable_id = %s AND {where}",
            params,
        ).fetchone()
        if row is None:
            return None
        paragraphs = self._read(
            "reading a cable",
            f"SELECT {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
            "WHERE version_id = %s ORDER BY position",
            (row[0],),
        ).fetchall()
        columns = {"header": row[2], "body": row[3], "summary": row[4]}
        return restore_record(row[1], columns, paragraphs, row[5])

    def versions(self, cable_id: str) -> list[dict[str, Any]]:
        keys = ("version", "content_hash", "released", "redactions", "default", "ingested_at")
        rows = self._read(
            "listing versions",
            "SELECT number, content_hash, released, redactions, is_current, ingested_at "
            "FROM versions WHERE cable_id = %s ORDER BY number",
            (cable_id,),
        ).fetchall()
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def cited_by(self, cable_id: str) -> list[str]:
        rows = self._read(
            "listing citing cables",
            "SELECT DISTINCT v.cable_id FROM refs r JOIN versions v ON v.id = r.version_id "
            "WHERE lower(r.value) = %s AND v.is_current AND v.cable_id <> %s ORDER BY v.cable_id",
            (cable_id.translate(_ASCII_LOWER), cable_id),
        )
        return [row[0] for row in rows]

    def checksum(self) -> str:
        digest = hashlib.sha256()
        for query in _CHECKSUM_QUERIES:
            with self.db.cursor() as cur:
                for row in cur.stream(query):
                    digest.update(repr(row).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def search(
        self, query_ast: Node, *, limit: int = 20, offset: int = 0, sort: str = "relevance"
    ) -> SearchPage:
        from cablescope.store.postgres_search import search

        try:
            with self._searching:
                return search(
                    self.db,
                    query_ast,
                    limit=limit,
                    offset=offset,
                    sort=sort,
                    count=lambda: len(self._matching_ids(query_ast)),
                    hits=lambda: self._paragraph_hits(query_ast),
                    columns=self._columns(),
                )
        except psycopg.OperationalError as exc:
            raise self.error(exc, "searching") from exc

    def facets(
        self,
        query_ast: Node | None,
        *,
        fields: Sequence[str] | None = None,
        limit: int | None = 10,
    ) -> dict[str, list[tuple[str, int]]]:
        from cablescope.store.postgres_facets import facets

        try:
            with self._searching:
                ids = self._matching_ids(query_ast)
                columns = self._columns()
                return facets(
                    self.db, query_ast, fields=fields, limit=limit, ids=ids, columns=columns
                )
        except psycopg.OperationalError as exc:
            raise self.error(exc, "counting facets") from exc

    def histogram(self, query_ast: Node | None, *, interval: str = "year") -> list[tuple[str, int]]:
        from cablescope.store.postgres_facets import histogram

        try:
            with self._searching:
                ids = self._matching_ids(query_ast)
                columns = self._columns()
                return histogram(self.db, query_ast, interval=interval, ids=ids, columns=columns)
        except psycopg.OperationalError as exc:
            raise self.error(exc, "counting dates") from exc

    def warm(self) -> None:
        """Load the facet columns into memory (`sqlite_columns`, shared by every store of this
        process on the same database): a server's facets and histograms then count in
        milliseconds, exactly, instead of joining every match to its row on the server."""
        from cablescope.store.sqlite_columns import LOADED, load

        try:
            with self._searching:
                LOADED.warm(self.url, self.db, lambda db: load(db, snapshot=_snapshot, cover=""))
        except psycopg.OperationalError as exc:
            raise self.error(exc, "loading the facet columns") from exc

    def _columns(self) -> FacetColumns | None:
        """The loaded facet columns, if any and still of the archive's state."""
        from cablescope.store.sqlite_columns import LOADED

        return LOADED.get(self.url, self.db)

    def clear_caches(self) -> None:
        """Forget the matching ids remembered for recent queries (benchmarks measure cold)."""
        self._recent_ids.clear()

    def _matching_ids(self, query_ast: Node | None) -> list[int]:
        """The ids matching `query_ast`, remembered for the archive's current state (its
        newest version id: versions are only added, and every change adds one)."""
        from cablescope.store.postgres_search import checks_paragraphs, filtered_ids, matching_ids
        from cablescope.store.sqlite_masks import columns_only

        def compute() -> list[int]:
            columns = self._columns()
            if columns is not None and query_ast is None:
                return columns.current.tolist()  # every current version, in id order
            if columns is not None and query_ast is not None and columns_only(query_ast):
                return filtered_ids(columns, query_ast)
            hits = self._paragraph_hits(query_ast) if checks_paragraphs(query_ast) else None
            return matching_ids(self.db, query_ast, hits)

        return self._recent_ids.get(self._state(), query_ast, compute)

    def _paragraph_hits(self, query_ast: Node) -> list[Hit]:
        """The hits of a query with words and ``para:`` filters, remembered as the ids are:
        checking paragraphs is what such a query costs, and its page needs them thrice."""
        from cablescope.store.postgres_search import paragraph_hits

        return self._recent_ids.get(
            self._state(), ("paragraph hits", query_ast), lambda: paragraph_hits(self.db, query_ast)
        )

    def _state(self) -> int:
        from cablescope.store.sqlite_columns import generation

        return generation(self.db)

    def export(
        self, query_ast: Node | None, *, include_raw: bool = False, batch_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        from cablescope.store.postgres_search import matching_versions

        inner, params = matching_versions(self.db, query_ast)
        # Ids first, then records a batch at a time: no transaction stays open meanwhile.
        ids = [
            vid
            for (vid,) in self._read(
                "exporting",
                f"SELECT v.id FROM versions v WHERE v.id IN ({inner}) "
                "ORDER BY v.date NULLS FIRST, v.cable_id",
                params,
            )
        ]
        raw_column = "v.raw" if include_raw else "NULL::bytea"
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            rows = self._read(
                "exporting",
                f"SELECT v.id, v.record, v.header, v.body, v.summary, {raw_column} "
                "FROM unnest(%s::bigint[]) WITH ORDINALITY AS j(id, n) "
                "JOIN versions v ON v.id = j.id ORDER BY j.n",
                (chunk,),
            ).fetchall()
            paragraphs: dict[int, list[tuple[Any, ...]]] = {}
            for vid, *row in self._read(
                "exporting",
                f"SELECT version_id, {', '.join(PARAGRAPH_COLUMNS)} FROM paragraphs "
                "WHERE version_id = ANY(%s) ORDER BY version_id, position",
                (chunk,),
            ):
                paragraphs.setdefault(vid, []).append(tuple(row))
            for vid, record, header, body, summary, raw in rows:
                columns = {"header": header, "body": body, "summary": summary}
                yield restore_record(record, columns, paragraphs.get(vid, []), raw)

    # -- users' entity corrections: their own table, never touched by ingest ----------------
    def corrections(self) -> list[dict[str, Any]]:
        """Every stored correction, oldest first, with ``seq`` and ``created_at`` (an ISO
        string); none when nobody ever corrected this archive (no table yet)."""
        if self.db.execute("SELECT to_regclass('entity_corrections')").fetchone()[0] is None:
            return []
        rows = self.db.execute(
            "SELECT seq, created_at, correction FROM entity_corrections ORDER BY seq"
        ).fetchall()
        return [
            dict(body) | {"seq": seq, "created_at": created.isoformat(timespec="seconds")}
            for seq, created, body in rows
        ]

    def add_correction(self, correction: dict[str, Any]) -> None:
        if self.read_only:
            raise PermissionError(f"{self.url} is open read-only")
        body = {k: v for k, v in correction.items() if k not in ("seq", "created_at")}
        with self.db.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS entity_corrections (seq bigserial PRIMARY KEY, "
                "created_at timestamptz NOT NULL DEFAULT now(), correction jsonb NOT NULL)"
            )
            self.db.execute(
                "INSERT INTO entity_corrections (correction) VALUES (%s)", (Jsonb(body),)
            )

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):  # already lost: the next open builds them
            self.finish_load()
        with contextlib.suppress(psycopg.Error):  # already lost: nothing to flush
            self.db.close()

    # -- entity mentions: their own tables (`postgres_mentions`), made on first write ---------
    def _mention_backend(self) -> Any:
        from cablescope.store import postgres_mentions

        return postgres_mentions


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


Ranks = dict[str, tuple[tuple[str, int, int], int]]


def _stored_versions(
    cur: psycopg.Cursor, cable_ids: list[str]
) -> tuple[dict[tuple[str, str], int], Counter[str], Ranks, dict[str, int]]:
    """For the cables of a batch: version id by (cable id, content hash), versions per
    cable, each cable's best version so far (`_elect`) and its current default."""
    known: dict[tuple[str, str], int] = {}
    counts: Counter[str] = Counter()
    ranks: Ranks = {}
    current: dict[str, int] = {}
    cur.execute(
        "SELECT id, cable_id, content_hash, released, redactions, is_current "
        "FROM versions WHERE cable_id = ANY(%s)",
        (cable_ids,),
    )
    for vid, cable_id, chash, released, redactions, is_current in cur:
        known[(cable_id, chash)] = vid
        counts[cable_id] += 1
        _elect(ranks, cable_id, (released or "", -redactions, vid), vid)
        if is_current:
            current[cable_id] = vid
    return known, counts, ranks, current


def _next_id(cur: psycopg.Cursor, table: str) -> int:
    """The id after the highest in `table` (ids follow input order, as SQLite's rowids)."""
    query = sql.SQL("SELECT coalesce(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
    return int(cur.execute(query).fetchone()[0])


def _elect(
    ranks: Ranks,
    cable_id: str,
    key: tuple[str, int, int],
    vid: int,
) -> None:
    """Keep the default version so far: released last, then fewer redactions, then newest."""
    if cable_id not in ranks or key > ranks[cable_id][0]:
        ranks[cable_id] = (key, vid)


#: Where `prepare_vectors` leaves a version's word vectors, for `_copy_versions` to take.
_VECTORS = "_vectors"


def _vectors(rows: VersionRows) -> tuple[bytes, bytes, bytes]:
    """The word vectors of a version: its text's (`words`), its parties', its subject's."""
    v = rows.version
    subject = words(v["subject"])
    return (
        vector((subject, "A"), (words(v["body"]), "")),
        _party(rows),
        vector((subject, "A")),
    )


def prepare_vectors(rows: Sequence[VersionRows]) -> None:
    """Build the word vectors of `rows` now, where they are read or parsed (a transfer's or
    an ingest's worker process), so that the writer only sends them; `write_rows` builds
    those missing."""
    for r in rows:
        r.version[_VECTORS] = _vectors(r)


def _party(rows: VersionRows) -> bytes:
    """The ``from:``/``to:`` vector: origin and sender (weight A), then each TO and INFO
    name and station (weight B), in SQLite's `party_fts` order (info before to)."""
    v = rows.version
    sender = words(v["origin"]) + words(v["sender"])
    addressees: list[str] = []
    for recipient in sorted(rows.recipients, key=lambda r: (r[0], r[1])):
        if recipient[0] in ("to", "info"):
            addressees += words(recipient[3]) + words(recipient[4])
    return vector((sender, "A"), (addressees, "B"))


def _text(value: Any, clean: bool) -> Any:
    """`value`, with what PostgreSQL text cannot hold (NUL, lone surrogates) replaced when
    `clean` is set."""
    if not clean or not isinstance(value, str):
        return value
    value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8") if not value.isascii() else value


__all__ = ["PostgresStore", "PostgresStoreError", "describe", "prepare_vectors"]
