"""The SQLite archive schema, as a module so that it ships inside any wheel.

One row per distinct text of a cable lives in `versions`; `cables` points each cable id at its
default version, and every child table hangs off a version id. Filter and facet columns (date,
year, month, origin, classification rank) sit on `versions` beside `is_current`, so a default
search filters one table through partial indexes instead of joining through `cables`.

Full text: both FTS5 indexes are *external content* — the text is stored once
(`versions.subject`/`body`, `paragraphs.text`) and FTS5 keeps only its inverted index, which
roughly halves the file against self-contained indexes while `snippet()`/`highlight()` still
work. Every version is indexed; versions are never updated, so the index never needs the
external-content delete dance, and searches keep the default texts with ``is_current``.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Rows per table, kept by every write: a count(*) over millions of paragraphs takes a second.
CREATE TABLE IF NOT EXISTS table_rows (
    name  TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS versions (
    id             INTEGER PRIMARY KEY,
    cable_id       TEXT    NOT NULL,
    number         INTEGER NOT NULL,          -- 1, 2, … in order of first ingest
    content_hash   TEXT    NOT NULL,          -- sha256 of the raw text, whitespace collapsed
    is_current     INTEGER NOT NULL DEFAULT 0,
    published_id   TEXT,
    date           TEXT,                      -- ISO date
    year           INTEGER,
    month          TEXT,                      -- YYYY-MM
    released       TEXT,
    dtg            TEXT,
    origin         TEXT,
    classification TEXT,
    class_rank     INTEGER,                   -- index in model.CLASSIFICATION_ORDER
    sender         TEXT,
    subject        TEXT,
    title          TEXT,
    summary        TEXT,
    redactions     INTEGER NOT NULL DEFAULT 0,
    paragraph_count INTEGER NOT NULL DEFAULT 0,
    problem_count  INTEGER NOT NULL DEFAULT 0,
    synthetic      INTEGER NOT NULL DEFAULT 0,
    header         TEXT    NOT NULL DEFAULT '',
    body           TEXT    NOT NULL DEFAULT '',
    record         TEXT    NOT NULL,          -- record JSON without body, header and ¶ texts
    raw            BLOB,                      -- the text as read, zstd (zlib before)
    ingested_at    TEXT    NOT NULL,
    UNIQUE (cable_id, content_hash)
);
CREATE INDEX IF NOT EXISTS versions_hash ON versions (content_hash);
CREATE INDEX IF NOT EXISTS current_date ON versions (date) WHERE is_current;
CREATE INDEX IF NOT EXISTS current_origin ON versions (origin COLLATE NOCASE) WHERE is_current;
CREATE INDEX IF NOT EXISTS current_class ON versions (class_rank) WHERE is_current;
CREATE INDEX IF NOT EXISTS current_month ON versions (month) WHERE is_current;
CREATE INDEX IF NOT EXISTS older_versions ON versions (id) WHERE NOT is_current;
-- Covering: a search or facet over many hits reads this narrow index, not the wide rows
-- (text, record JSON, raw) that make the versions table gigabytes at Cablegate size.
CREATE INDEX IF NOT EXISTS current_cover ON versions (
    id, is_current, date, cable_id, year, month, class_rank, classification, origin, sender
) WHERE is_current;

CREATE TABLE IF NOT EXISTS cables (
    id            TEXT PRIMARY KEY,
    version_id    INTEGER NOT NULL REFERENCES versions (id),
    version_count INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS recipients (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    role       TEXT    NOT NULL,              -- from, to, info
    position   INTEGER NOT NULL,
    route      TEXT,
    name       TEXT    NOT NULL,
    station    TEXT,
    precedence TEXT,
    mcn        TEXT,
    PRIMARY KEY (version_id, role, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recipients_name ON recipients (name COLLATE NOCASE, role);
CREATE INDEX IF NOT EXISTS recipients_route ON recipients (route);

CREATE TABLE IF NOT EXISTS tags (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position   INTEGER NOT NULL,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
DROP INDEX IF EXISTS tags_tag;
CREATE INDEX IF NOT EXISTS tags_tag_nocase ON tags (tag COLLATE NOCASE, version_id);

CREATE TABLE IF NOT EXISTS refs (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position   INTEGER NOT NULL,
    value      TEXT    NOT NULL,              -- canonical cable id for kind CABLE
    kind       TEXT    NOT NULL,
    bullet     TEXT,
    title      TEXT,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
DROP INDEX IF EXISTS refs_value;
CREATE INDEX IF NOT EXISTS refs_value_nocase ON refs (value COLLATE NOCASE, version_id);

CREATE TABLE IF NOT EXISTS captions (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position   INTEGER NOT NULL,
    caption    TEXT    NOT NULL,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
DROP INDEX IF EXISTS captions_caption;
CREATE INDEX IF NOT EXISTS captions_caption_nocase ON captions (
    caption COLLATE NOCASE, version_id
);

CREATE TABLE IF NOT EXISTS signers (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS signers_name ON signers (name COLLATE NOCASE, version_id);

CREATE TABLE IF NOT EXISTS paragraphs (
    id             INTEGER PRIMARY KEY,
    version_id     INTEGER NOT NULL REFERENCES versions (id),
    cable_id       TEXT    NOT NULL,          -- denormalised: snippets need no join
    position       INTEGER NOT NULL,
    number         INTEGER,
    marking        TEXT,
    classification TEXT,
    noforn         INTEGER NOT NULL DEFAULT 0,
    releasable_to  TEXT,                      -- '; '-joined
    heading        TEXT,
    line           INTEGER,
    text           TEXT    NOT NULL,
    UNIQUE (version_id, position)
);
CREATE INDEX IF NOT EXISTS paragraphs_marking ON paragraphs (marking);

CREATE TABLE IF NOT EXISTS problems (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position   INTEGER NOT NULL,
    field      TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    line       INTEGER,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS problems_field ON problems (field);

CREATE TABLE IF NOT EXISTS sources (
    id           INTEGER PRIMARY KEY,
    version_id   INTEGER NOT NULL REFERENCES versions (id),
    name         TEXT,                        -- file path, or archive:member
    format       TEXT,
    line         INTEGER,
    byte_offset  INTEGER,
    raw_hash     TEXT    NOT NULL,            -- sha256 of the raw text exactly as read
    source_key   TEXT    NOT NULL UNIQUE,     -- hash of name, line, offset, raw_hash
    ingested_at  TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_version ON sources (version_id);

CREATE TABLE IF NOT EXISTS read_errors (
    source      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (source, reason)
) WITHOUT ROWID;

-- Full text. Both indexes are external-content: the text is stored once (versions.body,
-- paragraphs.text) and FTS5 keeps only its inverted index, roughly halving the file against
-- a self-contained index while snippet()/highlight() still work. Every version is indexed
-- (rows are never updated, so the index never needs the delete dance); searches keep the
-- default ones by joining on versions.is_current. ``content=[table]`` is spelled the way
-- Datasette recognises, so its table pages offer full-text search on versions and paragraphs.
CREATE VIRTUAL TABLE IF NOT EXISTS cable_fts USING fts5 (
    subject, body,
    content=[versions], content_rowid=id,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS paragraph_fts USING fts5 (
    text, cable_id UNINDEXED, number UNINDEXED, marking UNINDEXED,
    content=[paragraphs], content_rowid=id,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The subjects alone, as words: relevance for a broad query puts the cables whose subject has
-- the query first (`sqlite_search._Tiers`), and this index finds them without reading the
-- long body position lists of `cable_fts`. Contentless (subjects live in versions); filled
-- by `SUBJECT_ROWS` at ingest, and for an older archive on first open.
CREATE VIRTUAL TABLE IF NOT EXISTS subject_fts USING fts5 (
    subject,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Who sent a cable and to whom, as words: ``from:London`` and ``to:Islamabad`` are index
-- lookups instead of a LIKE over every recipient. Contentless (the words live in versions and
-- recipients); filled by `PARTY_ROWS` at ingest, and for an older archive on first open.
CREATE VIRTUAL TABLE IF NOT EXISTS party_fts USING fts5 (
    sender, addressees,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Readable views for Datasette and the sqlite3 shell: default versions only.
CREATE VIEW IF NOT EXISTS cable_summary AS
SELECT v.cable_id AS id, v.date, v.origin, v.classification, v.subject,
       (SELECT group_concat(t.tag, ', ') FROM tags t WHERE t.version_id = v.id) AS tags,
       v.paragraph_count AS paragraphs, v.problem_count AS problems,
       c.version_count AS versions, v.number AS version
FROM cables c JOIN versions v ON v.id = c.version_id;

CREATE VIEW IF NOT EXISTS cable_recipients AS
SELECT v.cable_id AS id, r.role, r.position, r.name, r.station, r.route, r.precedence
FROM recipients r JOIN versions v ON v.id = r.version_id WHERE v.is_current;

CREATE VIEW IF NOT EXISTS cable_paragraphs AS
SELECT p.cable_id AS id, p.number, p.marking, p.classification, p.heading, p.text
FROM paragraphs p JOIN versions v ON v.id = p.version_id WHERE v.is_current;

CREATE VIEW IF NOT EXISTS cable_problems AS
SELECT v.cable_id AS id, v.number AS version, p.field, p.message, p.line,
       (SELECT s.name FROM sources s WHERE s.version_id = v.id ORDER BY s.id LIMIT 1) AS source
FROM problems p JOIN versions v ON v.id = p.version_id;

CREATE VIEW IF NOT EXISTS cable_versions AS
SELECT v.cable_id AS id, v.number AS version, v.is_current AS is_default, v.released,
       v.redactions, length(v.body) AS body_chars, v.content_hash, v.ingested_at
FROM versions v;

CREATE VIEW IF NOT EXISTS tag_counts AS
SELECT t.tag, count(*) AS cables
FROM tags t JOIN versions v ON v.id = t.version_id WHERE v.is_current
GROUP BY t.tag;
"""

#: Rows for `party_fts` of the versions with id >= ?: origin and sender; TO and INFO names and
#: their decoded stations (" ; " keeps one entry's last word from running into the next's).
PARTY_ROWS = """
INSERT INTO party_fts (rowid, sender, addressees)
SELECT v.id, coalesce(v.origin, '') || ' ; ' || coalesce(v.sender, ''),
       coalesce((SELECT group_concat(coalesce(r.name, '') || ' ; ' || coalesce(r.station, ''),
                                     ' ; ')
                 FROM recipients r WHERE r.version_id = v.id AND r.role IN ('to', 'info')), '')
FROM versions v WHERE v.id >= ?
"""

SUBJECT_ROWS = """
INSERT INTO subject_fts (rowid, subject)
SELECT id, subject FROM versions WHERE id >= ? AND subject IS NOT NULL
"""

__all__ = ["PARTY_ROWS", "SCHEMA", "SUBJECT_ROWS"]
