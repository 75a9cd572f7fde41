"""The PostgreSQL archive schema, as numbered migrations the tool applies itself.

`schema_migrations` records each migration applied (number, name, when); `migrate` applies
the missing ones in order, in one transaction (DDL is transactional in PostgreSQL: a failed
upgrade leaves the previous schema as it was), under an advisory lock so that two processes
opening one database at once do not both run them. A later release appends a migration here
and never edits an applied one.

The layout is SQLite's (`store.schema`): `versions` holds one row per distinct text of a
cable, `cables` names each id's default version, every child table hangs off a version id.
What differs, and why:

* every text column is ``COLLATE "C"``: byte order sorts like SQLite and Python, and
  ``lower()``/``upper()`` fold ASCII letters only, as SQLite's NOCASE and upper() do, so the
  case-blind filters (``tag:``, ``signer:``, ``para:``) match the same rows on both backends
  whatever the database's own locale;
* full text is a `tsvector` column with a GIN index on `versions` (subject, weight A, then
  body), and one more on `versions.party` for ``from:``/``to:`` (sender, weight A;
  addressees, weight B). The backend builds the vectors itself (`postgres_text`: letters
  and digits, case and diacritics ignored, like FTS5's unicode61) instead of using a
  text-search configuration whose parser treats e-mail addresses, hyphens and file names
  its own way: the same query then finds the same cables as on SQLite, and no extension
  (unaccent, pg_trgm) is needed on the server. Paragraphs have no index of their own: a
  ``para:`` query narrows to cables through `versions.words` and checks their paragraphs;
* the wide text columns are compressed with lz4 where the server has it (pglz otherwise),
  several times faster to write;
* no foreign-key constraints: they would check every child row of a bulk COPY against
  `versions`, and the one writer (`PostgresStore.write_rows`) keeps the ids consistent.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

#: Serialises schema changes and batch writes across processes (an arbitrary constant).
LOCK_KEY = 0x6361626C65  # "cable"

_T = 'TEXT COLLATE "C"'

_V1_TABLES = f"""
CREATE TABLE versions (
    id              BIGINT PRIMARY KEY,
    cable_id        {_T} NOT NULL,
    number          INTEGER NOT NULL,
    content_hash    {_T} NOT NULL,
    is_current      BOOLEAN NOT NULL DEFAULT FALSE,
    published_id    {_T},
    date            {_T},
    year            INTEGER,
    month           {_T},
    released        {_T},
    dtg             {_T},
    origin          {_T},
    classification  {_T},
    class_rank      INTEGER,
    sender          {_T},
    subject         {_T},
    title           {_T},
    summary         {_T},
    redactions      INTEGER NOT NULL DEFAULT 0,
    paragraph_count INTEGER NOT NULL DEFAULT 0,
    problem_count   INTEGER NOT NULL DEFAULT 0,
    synthetic       INTEGER NOT NULL DEFAULT 0,
    header          {_T} NOT NULL DEFAULT '',
    body            {_T} NOT NULL DEFAULT '',
    record          {_T} NOT NULL,
    raw             BYTEA,
    ingested_at     {_T} NOT NULL,
    words           TSVECTOR NOT NULL,
    party           TSVECTOR NOT NULL,
    UNIQUE (cable_id, content_hash)
);
-- Stored as they are: raw is compressed already (zstd, or zlib before), and compressing
-- the word vectors would cost the load more time than the disk it saves.
ALTER TABLE versions ALTER COLUMN raw SET STORAGE EXTERNAL;
ALTER TABLE versions ALTER COLUMN words SET STORAGE EXTERNAL;
CREATE TABLE cables (
    id            {_T} PRIMARY KEY,
    version_id    BIGINT NOT NULL,
    version_count INTEGER NOT NULL
);
CREATE TABLE recipients (
    version_id BIGINT NOT NULL,
    role       {_T} NOT NULL,
    position   INTEGER NOT NULL,
    route      {_T},
    name       {_T} NOT NULL,
    station    {_T},
    precedence {_T},
    mcn        {_T},
    PRIMARY KEY (version_id, role, position)
);
CREATE TABLE tags (
    version_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    tag        {_T} NOT NULL,
    PRIMARY KEY (version_id, position)
);
CREATE TABLE refs (
    version_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    value      {_T} NOT NULL,
    kind       {_T} NOT NULL,
    bullet     {_T},
    title      {_T},
    PRIMARY KEY (version_id, position)
);
CREATE TABLE captions (
    version_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    caption    {_T} NOT NULL,
    PRIMARY KEY (version_id, position)
);
CREATE TABLE signers (
    version_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    name       {_T} NOT NULL,
    PRIMARY KEY (version_id, position)
);
CREATE TABLE paragraphs (
    id             BIGINT PRIMARY KEY,
    version_id     BIGINT NOT NULL,
    cable_id       {_T} NOT NULL,
    position       INTEGER NOT NULL,
    number         INTEGER,
    marking        {_T},
    classification {_T},
    noforn         INTEGER NOT NULL DEFAULT 0,
    releasable_to  {_T},
    heading        {_T},
    line           INTEGER,
    text           {_T} NOT NULL,
    UNIQUE (version_id, position)
);
CREATE TABLE problems (
    version_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    field      {_T} NOT NULL,
    message    {_T} NOT NULL,
    line       INTEGER,
    PRIMARY KEY (version_id, position)
);
CREATE TABLE sources (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    version_id  BIGINT NOT NULL,
    name        {_T},
    format      {_T},
    line        INTEGER,
    byte_offset BIGINT,
    raw_hash    {_T} NOT NULL,
    source_key  {_T} NOT NULL UNIQUE,
    ingested_at {_T} NOT NULL
);
CREATE TABLE read_errors (
    source  {_T} NOT NULL,
    reason  {_T} NOT NULL,
    seen_at {_T} NOT NULL,
    PRIMARY KEY (source, reason)
);
"""

#: Few indexes: each costs every loaded cable an insert. Class and month filters and facets
#: go through the matching ids (the full-text or date index), as on SQLite.
_V1_INDEXES = """
CREATE INDEX versions_current_date ON versions (date) WHERE is_current;
CREATE INDEX versions_words ON versions USING gin (words);
CREATE INDEX versions_party ON versions USING gin (party);
CREATE INDEX tags_tag ON tags (lower(tag), version_id);
CREATE INDEX refs_value ON refs (lower(value), version_id);
CREATE INDEX captions_caption ON captions (lower(caption), version_id);
CREATE INDEX signers_name ON signers (lower(name), version_id);
CREATE INDEX paragraphs_marking ON paragraphs (replace(upper(marking), '//', '/'));
CREATE INDEX problems_field ON problems (field);
CREATE INDEX sources_version ON sources (version_id);
"""

#: The readable views of the SQLite archive, for psql and other SQL clients.
_V1_VIEWS = """
CREATE VIEW cable_summary AS
SELECT v.cable_id AS id, v.date, v.origin, v.classification, v.subject,
       (SELECT string_agg(t.tag, ', ' ORDER BY t.position) FROM tags t
        WHERE t.version_id = v.id) AS tags,
       v.paragraph_count AS paragraphs, v.problem_count AS problems,
       c.version_count AS versions, v.number AS version
FROM cables c JOIN versions v ON v.id = c.version_id;
CREATE VIEW cable_recipients AS
SELECT v.cable_id AS id, r.role, r.position, r.name, r.station, r.route, r.precedence
FROM recipients r JOIN versions v ON v.id = r.version_id WHERE v.is_current;
CREATE VIEW cable_paragraphs AS
SELECT p.cable_id AS id, p.number, p.marking, p.classification, p.heading, p.text
FROM paragraphs p JOIN versions v ON v.id = p.version_id WHERE v.is_current;
CREATE VIEW cable_problems AS
SELECT v.cable_id AS id, v.number AS version, p.field, p.message, p.line,
       (SELECT s.name FROM sources s WHERE s.version_id = v.id ORDER BY s.id LIMIT 1) AS source
FROM problems p JOIN versions v ON v.id = p.version_id;
CREATE VIEW cable_versions AS
SELECT v.cable_id AS id, v.number AS version, v.is_current AS is_default, v.released,
       v.redactions, length(v.body) AS body_chars, v.content_hash, v.ingested_at
FROM versions v;
CREATE VIEW tag_counts AS
SELECT t.tag, count(*) AS cables
FROM tags t JOIN versions v ON v.id = t.version_id WHERE v.is_current
GROUP BY t.tag;
"""

#: Tried one by one, each kept only if the server accepts it (lz4 is a build option).
_V1_OPTIONAL = """
ALTER TABLE versions ALTER COLUMN body SET COMPRESSION lz4;
ALTER TABLE versions ALTER COLUMN header SET COMPRESSION lz4;
ALTER TABLE versions ALTER COLUMN record SET COMPRESSION lz4;
ALTER TABLE paragraphs ALTER COLUMN text SET COMPRESSION lz4;
"""

#: 2: the subject's words on their own (the weight-A part of `words`, small and stored in
#: the row) with their own index, so that relevance's first tier (cables whose subject
#: matches) and its rank read no full-text vector, which at 250k cables took seconds; and
#: the current versions in date order both ways (newest first with NULLs last, as searches
#: sort), so that a broad query's page by date stops after its first rows. The full-text
#: index holds current versions only: a count of a word's cables then reads the index
#: alone (no row of a vacuumed table), where it read tens of thousands of rows.
_V2_COLUMNS = """
ALTER TABLE versions ADD COLUMN subject_words TSVECTOR;
UPDATE versions SET subject_words = ts_filter(words, '{a}');
ALTER TABLE versions ALTER COLUMN subject_words SET NOT NULL
"""
_V2_INDEXES = """
DROP INDEX IF EXISTS versions_words;
CREATE INDEX versions_words ON versions USING gin (words) WHERE is_current;
CREATE INDEX versions_subject ON versions USING gin (subject_words) WHERE is_current;
CREATE INDEX versions_newest ON versions (date DESC NULLS LAST, cable_id) WHERE is_current;
CREATE INDEX versions_oldest ON versions (date, cable_id) WHERE is_current;
"""

#: (number, name, statements, optional statements) in order; append only.
MIGRATIONS: tuple[tuple[int, str, str, str], ...] = (
    (1, "tables, indexes and views", _V1_TABLES + _V1_INDEXES + _V1_VIEWS, _V1_OPTIONAL),
    (2, "subject vectors, date order", _V2_COLUMNS + ";" + _V2_INDEXES, ""),
)
LATEST = MIGRATIONS[-1][0]

#: Held (session-level) by the writer that deferred the indexes of an empty archive for
#: a bulk load, until it has built them: nobody else builds them meanwhile.
BULK_KEY = 0x63626C6B  # "cblk"
#: Indexes a bulk load into an empty archive drops and builds at the end: one sorted build
#: is several times cheaper than growing them row by row (the GIN indexes above all). The
#: primary keys and unique constraints stay: the writer looks rows up through them.
DEFERRED = tuple(
    {
        part.split()[2]: part.strip()  # a later migration's definition replaces an earlier
        for part in (_V1_INDEXES + _V2_INDEXES).split(";")
        if part.strip().startswith("CREATE")
    }.items()
)
#: Memory for the deferred builds: a GIN build sorts its entries in it.
BUILD_MEMORY = "1GB"


def missing_indexes(db: psycopg.Connection) -> list[str]:
    """The deferred indexes that are not there (a bulk load running, or one that stopped
    before it could build them)."""
    names = [name for name, _ in DEFERRED]
    present = {
        row[0]
        for row in db.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname = ANY(%s)",
            (names,),
        )
    }
    return [name for name in names if name not in present]


def defer_indexes(db: psycopg.Connection) -> bool:
    """In a write transaction holding `LOCK_KEY`: when the archive is empty, take
    `BULK_KEY` and drop the deferred indexes; whether they were (`build_indexes` later)."""
    if db.execute("SELECT EXISTS (SELECT 1 FROM versions)").fetchone()[0]:
        return False
    if not db.execute("SELECT pg_try_advisory_lock(%s)", (BULK_KEY,)).fetchone()[0]:
        return False
    for name, _ in DEFERRED:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    return True


def build_indexes(db: psycopg.Connection) -> list[str]:
    """Build the deferred indexes that are missing (autocommit: one transaction each, so
    a stop keeps those done), then refresh the planner's statistics; the names built."""
    missing = missing_indexes(db)
    if missing:
        db.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        for name, statement in DEFERRED:
            if name in missing:
                db.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        db.execute("RESET maintenance_work_mem")
        # VACUUM, not ANALYZE alone: it also marks the loaded pages all-visible, which a
        # count from an index needs to skip the rows (autovacuum would do it later anyway).
        db.execute("VACUUM (ANALYZE)")
    return missing


def repair_indexes(db: psycopg.Connection) -> list[str]:
    """`build_indexes` when a bulk load stopped before building them (no writer holds
    `BULK_KEY`); nothing when they are all there or a load is still running."""
    if not missing_indexes(db):
        return []
    if not db.execute("SELECT pg_try_advisory_lock(%s)", (BULK_KEY,)).fetchone()[0]:
        return []
    try:
        return build_indexes(db)
    finally:
        db.execute("SELECT pg_advisory_unlock(%s)", (BULK_KEY,))


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


def applied(db: psycopg.Connection) -> list[int] | None:
    """The migrations applied to this database; None when it holds no archive at all."""
    if db.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
        return None
    return [n for (n,) in db.execute("SELECT version FROM schema_migrations ORDER BY version")]


def migrate(db: psycopg.Connection) -> list[int]:
    """Create or upgrade the archive schema; the numbers of the migrations applied now."""
    done: list[int] = []
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        db.execute(_CREATE_LEDGER)
        for number, name, script, optional in pending(applied(db) or []):
            for statement in statements(script):
                db.execute(statement)
            for statement in statements(optional):
                try:
                    with db.transaction():  # a savepoint: a refusal undoes this one only
                        db.execute(statement)
                except (psycopg.errors.FeatureNotSupported, psycopg.errors.InvalidParameterValue):
                    pass
            db.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (number, name)
            )
            done.append(number)
    return done


def statements(script: str) -> list[str]:
    """The statements of a migration script (no semicolons inside strings or bodies)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def pending(applied: Sequence[int]) -> list[tuple[int, str, str, str]]:
    """The migrations not yet in `applied`, in order."""
    done = set(applied)
    return [migration for migration in MIGRATIONS if migration[0] not in done]


__all__ = [
    "BULK_KEY",
    "DEFERRED",
    "LATEST",
    "LOCK_KEY",
    "MIGRATIONS",
    "applied",
    "build_indexes",
    "defer_indexes",
    "migrate",
    "missing_indexes",
    "pending",
    "repair_indexes",
    "statements",
]
