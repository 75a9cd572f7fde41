"""Query tree → SQLite SQL: FTS5 MATCH for the words, subqueries for the filters.

The top-level conjunction is split three ways. Its plain-text parts (words, phrases, their
AND/OR and ``a NOT b``) become one FTS5 MATCH expression that drives the query and ranks it
(bm25). ``para:`` filters switch the driving table to `paragraph_fts`, so the words must
match inside one paragraph with that marking. Everything else (filters, and text mixed into
an OR with filters) becomes WHERE conditions on `versions`, text through
``v.id IN (SELECT rowid FROM cable_fts WHERE cable_fts MATCH ?)``.

User text never reaches SQL: every value is a bound parameter, and every FTS5 term is a
double-quoted string with its quotes doubled, so no word can act as FTS5 syntax either.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from cablescope.search.query import (
    And,
    ClassRange,
    DateRange,
    Match,
    Node,
    Not,
    Or,
    Phrase,
    Term,
)
from cablescope.search.results import SORTS, SearchHit, SearchPage
from cablescope.search.snippets import SNIPPET_WORDS, Pattern, best, patterns, snippet

if TYPE_CHECKING:
    from cablescope.store.sqlite_columns import FacetColumns

Sql = tuple[str, list[Any]]

_BM25 = "bm25(cable_fts, 4.0, 1.0)"
#: The narrow covering index on current versions (see the schema), for joins over many hits.
COVER = "INDEXED BY current_cover"
#: Above this many hits, relevance ranks the cables whose subject matches first, then the
#: others newest first (`_Tiers`): bm25 costs microseconds a hit, over every hit of a broad
#: query tens of milliseconds to seconds.
RANK_ALL_LIMIT = 1000
#: Words in at most this many paragraphs: a query with para: filters is ranked by its
#: paragraphs' bm25; in more, its hits are ordered newest first.
RANK_PARAGRAPH_LIMIT = 3000
#: Cables whose subject has the query ranked by bm25 (of the subject) at most; when more
#: subjects in the archive have it, those cables are ordered newest first.
RANK_SUBJECT_LIMIT = 1000
_OLDER_IDS = "SELECT id FROM versions INDEXED BY older_versions WHERE NOT is_current"
_ORDER = {
    "relevance": "h.score IS NULL, h.score, h.date IS NULL, h.date DESC, h.cid",
    "date": "h.date IS NULL, h.date, h.cid",
    "-date": "h.date IS NULL, h.date DESC, h.cid",
}


# -- FTS5 expressions -----------------------------------------------------------------------
def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_expression(node: Node) -> str | None:
    """The FTS5 MATCH text for a pure-text node; None when FTS5 cannot say it (filters, a
    NOT with nothing positive beside it)."""
    if isinstance(node, Term):
        return _quote(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _quote(node.text)
    if isinstance(node, Or):
        parts = [fts_expression(item) for item in node.items]
        return None if None in parts else "(" + " OR ".join(map(str, parts)) + ")"
    if isinstance(node, And):
        positive = [fts_expression(i) for i in node.items if not isinstance(i, Not)]
        negative = [fts_expression(i.item) for i in node.items if isinstance(i, Not)]
        if not positive or None in positive or None in negative:
            return None
        return _with_negatives(" AND ".join(map(str, positive)), [str(n) for n in negative])
    return None


def _with_negatives(positive: str, negative: list[str]) -> str:
    expression = f"({positive})"
    return f"{expression} NOT ({' OR '.join(negative)})" if negative else expression


# -- filters --------------------------------------------------------------------------------
def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _equals(column: str, match: Match) -> Sql:
    """Case-blind equality, or a prefix for ``value*``."""
    if match.prefix:
        return f"{column} LIKE ? ESCAPE '\\'", [_escape_like(match.value) + "%"]
    return f"{column} = ? COLLATE NOCASE", [match.value]


def normal_marking(marking: str) -> str:
    """``s//nf`` and ``S/NF`` alike: upper case, single slashes."""
    return marking.upper().replace("//", "/")


def _paragraph_condition(match: Match, alias: str = "p") -> Sql:
    column = f"replace(upper({alias}.marking), '//', '/')"
    if match.prefix:
        return f"{column} LIKE ? ESCAPE '\\'", [_escape_like(normal_marking(match.value)) + "%"]
    return f"{column} = ?", [normal_marking(match.value)]


def _child(table: str, condition: Sql) -> Sql:
    return f"v.id IN (SELECT version_id FROM {table} WHERE {condition[0]})", condition[1]


def _match_condition(match: Match) -> Sql:
    field = match.field
    if field in ("from", "to"):
        return "v.id IN (SELECT rowid FROM party_fts WHERE party_fts MATCH ?)", [party_match(match)]
    if field == "para":
        sql, params = _paragraph_condition(match)
        return f"EXISTS (SELECT 1 FROM paragraphs p WHERE p.version_id = v.id AND {sql})", params
    table, column = {
        "tag": ("tags", "tag"),
        "ref": ("refs", "value"),
        "signer": ("signers", "name"),
        "caption": ("captions", "caption"),
    }[field]
    return _child(table, _equals(column, match))


def party_match(match: Match) -> str:
    """The `party_fts` MATCH text for ``from:`` (sender column) or ``to:`` (addressees)."""
    column = "sender" if match.field == "from" else "addressees"
    words = _quote(" ".join(match.value.split())) + (" *" if match.prefix else "")
    return f"{{{column}}} : {words}"


def condition(node: Node) -> Sql:
    """A WHERE condition on `versions v` for any node."""
    text = fts_expression(node)
    if text is not None:
        return "v.id IN (SELECT rowid FROM cable_fts WHERE cable_fts MATCH ?)", [text]
    if isinstance(node, And | Or):
        parts = [condition(item) for item in node.items]
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]
    if isinstance(node, Not):
        sql, params = condition(node.item)
        return f"NOT ({sql})", params
    if isinstance(node, Match):
        return _match_condition(node)
    if isinstance(node, DateRange):
        return _bounds("v.date", node.start, ">=", node.end, "<")
    if isinstance(node, ClassRange):
        return _bounds("v.class_rank", node.low, ">=", node.high, "<=")
    raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def _bounds(column: str, low: Any, low_op: str, high: Any, high_op: str) -> Sql:
    parts: list[str] = []
    params: list[Any] = []
    for value, op in ((low, low_op), (high, high_op)):
        if value is not None:
            parts.append(f"{column} {op} ?")
            params.append(value)
    return "(" + (" AND ".join(parts) or "1") + ")", params


# -- the query ------------------------------------------------------------------------------
def _plan(node: Node) -> tuple[str | None, list[Match], list[Node]]:
    """Split the top-level conjunction: FTS expression, ``para:`` filters, the rest."""
    items = node.items if isinstance(node, And) else (node,)
    positive: list[str] = []
    negative: list[Node] = []
    markings: list[Match] = []
    rest: list[Node] = []
    for item in items:
        text = fts_expression(item)
        if isinstance(item, Match) and item.field == "para":
            markings.append(item)
        elif text is not None:
            positive.append(text)
        elif isinstance(item, Not) and fts_expression(item.item) is not None:
            negative.append(item)
        else:
            rest.append(item)
    if not positive:
        return None, markings, rest + negative
    negatives = [str(fts_expression(n.item)) for n in negative if isinstance(n, Not)]
    return _with_negatives(" AND ".join(positive), negatives), markings, rest


def _inner(
    text: str | None, markings: list[Match], rest: list[Node], *, scored: bool = True
) -> Sql:
    """SELECT vid, pid, score for every matching current cable (one row per cable); without
    `scored`, the cable-level score is NULL (bm25 costs microseconds a hit)."""
    score = _BM25 if scored else "NULL"
    conditions = [condition(item) for item in rest]
    where = " AND ".join(["v.is_current", *(c[0] for c in conditions)])
    params = [x for c in conditions for x in c[1]]
    if markings:
        marks = [_paragraph_condition(m) for m in markings]
        mark_sql = " AND ".join(m[0] for m in marks)
        mark_params = [x for m in marks for x in m[1]]
        if text is None:
            return (
                "SELECT p.version_id AS vid, min(p.id) AS pid, NULL AS score, v.date AS date, "
                f"v.cable_id AS cid FROM paragraphs p JOIN versions v {COVER} "
                f"ON v.id = p.version_id WHERE {mark_sql} AND {where} "
                "GROUP BY p.version_id",
                mark_params + params,
            )
        if not scored:  # each hit's first paragraph with the words and the marking
            return (
                "SELECT p.version_id AS vid, min(p.id) AS pid, NULL AS score, v.date AS date, "
                "v.cable_id AS cid FROM paragraph_fts JOIN paragraphs p "
                f"ON p.id = paragraph_fts.rowid JOIN versions v {COVER} "
                f"ON v.id = p.version_id WHERE paragraph_fts MATCH ? AND {mark_sql} AND {where} "
                "GROUP BY p.version_id",
                [text, *mark_params, *params],
            )
        return (
            "SELECT vid, pid, min(score) AS score, date, cid FROM (SELECT p.version_id AS vid, "
            "p.id AS pid, paragraph_fts.rank AS score, v.date AS date, v.cable_id AS cid "
            "FROM paragraph_fts JOIN paragraphs p ON p.id = paragraph_fts.rowid "
            f"JOIN versions v {COVER} ON v.id = p.version_id "
            f"WHERE paragraph_fts MATCH ? AND {mark_sql} AND {where}) GROUP BY vid",
            [text, *mark_params, *params],
        )
    if text is None:
        return (
            "SELECT v.id AS vid, NULL AS pid, NULL AS score, v.date AS date, v.cable_id AS cid "
            f"FROM versions v {COVER} WHERE {where}",
            params,
        )
    return (
        f"SELECT v.id AS vid, NULL AS pid, {score} AS score, v.date AS date, "
        "v.cable_id AS cid FROM cable_fts "
        f"JOIN versions v {COVER} ON v.id = cable_fts.rowid WHERE cable_fts MATCH ? AND {where}",
        [text, *params],
    )


def matching_versions(node: Node | None) -> Sql:
    """``SELECT vid …``: the ids of the current versions matching `node` (every current
    version when None), one row each, for other queries (facets, export) to build on."""
    plan = _plan(node) if node is not None else (None, [], [])
    inner, params = _inner(*plan, scored=False)
    return f"SELECT vid FROM ({inner})", params


def matching_ids(db: sqlite3.Connection, node: Node | None) -> list[int]:
    """The ids of the current versions matching `node`, for facets and histograms. A query of
    words alone is answered by the full-text index without a join (older versions taken off),
    three times faster on a broad query than `matching_versions`."""
    text, markings, rest = _plan(node) if node is not None else (None, [], [])
    if text is None or markings or rest:
        sql, params = matching_versions(node)
        return [vid for (vid,) in db.execute(sql, params)]
    older = {vid for (vid,) in db.execute(_OLDER_IDS)}
    rows = db.execute("SELECT rowid FROM cable_fts WHERE cable_fts MATCH ?", (text,))
    return [vid for (vid,) in rows if vid not in older]


def search(
    db: sqlite3.Connection,
    node: Node,
    *,
    limit: int,
    offset: int,
    sort: str,
    columns: FacetColumns | None = None,
) -> SearchPage:
    """One page of current cables matching `node`, with snippets and best paragraphs. With
    the in-memory `columns` loaded, hits are counted (and unranked pages ordered) over them
    (`sqlite_masks`) instead of row by row in SQL."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    text, markings, rest = _plan(node)
    from cablescope.store import sqlite_masks  # it builds on this module

    limit, offset = max(0, limit), max(0, offset)
    page = SearchPage(total=0, limit=limit, offset=offset, sort=sort)
    if columns is not None and not sqlite_masks.supported(node):
        columns = None
    everything = None  # the hits as a mask over version ids, once computed
    worded = None  # paragraphs with the words, for a query with para: filters
    if columns is not None and markings:
        found = sqlite_masks.Paragraphs(columns, db, text, markings, rest)
        page.total, worded = sqlite_masks.count(found.versions), found.worded
        if not _ranks_paragraphs(text, worded, sort):
            ids = sqlite_masks.page_ids(
                columns, found.versions, oldest_first=sort == "date", limit=limit, offset=offset
            )
            rows = [(vid, found.first.get(vid), None, *row[2:]) for vid, *row in _rows(db, ids)]
            return _hits(db, node, rows, page)
    elif columns is not None and (rest or sort != "relevance"):
        everything = sqlite_masks.evaluate(columns, db, node)
        page.total = sqlite_masks.count(everything)
        if text is None or sort != "relevance":
            ids = sqlite_masks.page_ids(
                columns, everything, oldest_first=sort == "date", limit=limit, offset=offset
            )
            return _hits(db, node, _rows(db, ids), page)
    elif text is not None and not markings and not rest:
        if columns is not None and sort == "relevance":
            # The subject tier first (cheap): when it fills the page the others are never
            # read, and FTS5 counts the words without visiting them; else the hits are read
            # once, as a mask, for both the count and the page.
            tiers = _Tiers(db, node, text, rest, columns, None)
            if tiers.ranked >= offset + limit:
                page.total = _text_count(db, text)
            else:
                page.total = sqlite_masks.count(tiers.everything_mask())
            if page.total > RANK_ALL_LIMIT:
                return _hits(db, node, tiers.page(limit, offset), page)
        else:
            page.total = _text_count(db, text)
    else:
        unscored, params = _inner(text, markings, rest, scored=False)
        page.total = db.execute(f"SELECT count(*) FROM ({unscored})", params).fetchone()[0]
    if sort == "relevance" and text is not None and not markings and page.total > RANK_ALL_LIMIT:
        rows = _Tiers(db, node, text, rest, columns, everything).page(limit, offset)
    else:
        scored = sort == "relevance"
        if markings and text is not None and scored:
            if worded is None:
                worded = db.execute(
                    "SELECT count(*) FROM paragraph_fts WHERE paragraph_fts MATCH ?", (text,)
                ).fetchone()[0]
            scored = _ranks_paragraphs(text, worded, sort)
        inner, params = _inner(text, markings, rest, scored=scored)
        rows = _page(db, inner, params, _ORDER[sort], limit, offset)
    return _hits(db, node, rows, page)


def _ranks_paragraphs(text: str | None, worded: int, sort: str) -> bool:
    """Whether a query with para: filters is ordered by its paragraphs' bm25: for relevance,
    when its words are in at most `RANK_PARAGRAPH_LIMIT` paragraphs (ranking more would read
    them all); otherwise newest first, each hit showing its first such paragraph."""
    return sort == "relevance" and text is not None and worded <= RANK_PARAGRAPH_LIMIT


def _hits(
    db: sqlite3.Connection, node: Node, rows: list[tuple[Any, ...]], page: SearchPage
) -> SearchPage:
    wanted = patterns(node)
    unplaced = [row[0] for row in rows if row[1] is None] if wanted else []
    texts, by_id = _paragraphs_of(db, unplaced, [row[1] for row in rows if row[1] is not None])
    for vid, pid, score, cable_id, date, origin, classification, subject in rows:
        hit = SearchHit(cable_id, date, origin, classification, subject)
        hit.score = None if score is None else round(-score, 4)
        if pid is None and wanted:
            pid, hit.snippet = best(texts.get(vid, ()), wanted)
            if pid is None:  # the words are in the subject or outside numbered paragraphs
                body = db.execute("SELECT body FROM versions WHERE id = ?", (vid,)).fetchone()
                hit.snippet = snippet(f"{subject or ''}\n{body[0]}", wanted)
        if pid is not None:
            _place(hit, *by_id[pid], wanted)
        page.hits.append(hit)
    return page


def _paragraphs_of(
    db: sqlite3.Connection, vids: list[int], pids: list[int]
) -> tuple[dict[int, list[tuple[int, str]]], dict[int, tuple[Any, ...]]]:
    """For a page, in one query: (id, text) of every paragraph of each version in `vids`, in
    order, and (number, marking, text) by id of those and of the paragraphs `pids`."""
    texts: dict[int, list[tuple[int, str]]] = {vid: [] for vid in vids}
    by_id: dict[int, tuple[Any, ...]] = {}
    if vids or pids:
        for vid, pid, number, marking, text in db.execute(
            "SELECT version_id, id, number, marking, text FROM paragraphs WHERE version_id IN "
            "(SELECT value FROM json_each(?)) OR id IN (SELECT value FROM json_each(?)) "
            "ORDER BY version_id, position",
            (json.dumps(vids), json.dumps(pids)),
        ):
            if vid in texts:
                texts[vid].append((pid, text))
            by_id[pid] = (number, marking, text)
    return texts, by_id


def _place(
    hit: SearchHit, number: Any, marking: Any, paragraph_text: str, wanted: list[Pattern]
) -> None:
    """The matched paragraph's number and marking, and a snippet from it if none yet."""
    hit.paragraph, hit.marking = number, marking
    if hit.snippet is None and wanted:
        hit.snippet = snippet(paragraph_text, wanted)
    if hit.snippet is None:
        words = paragraph_text.split()
        hit.snippet = " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


def _rows(db: sqlite3.Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    """Page rows (as `_page` gives them, unscored) for version `ids`, in that order."""
    found = {
        row[0]: row
        for row in db.execute(
            "SELECT id, NULL, NULL, cable_id, date, origin, classification, subject "
            "FROM versions WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
    }
    return [found[vid] for vid in ids if vid in found]


def _text_count(db: sqlite3.Connection, text: str) -> int:
    """Current cables matching a text-only query: FTS5 counts its own matches without
    visiting them; the older versions among them (few) are taken off one by one."""
    everything = db.execute(
        "SELECT count(*) FROM cable_fts WHERE cable_fts MATCH ?", (text,)
    ).fetchone()[0]
    older = db.execute(
        "SELECT count(*) FROM versions v INDEXED BY older_versions WHERE NOT v.is_current "
        "AND EXISTS (SELECT 1 FROM cable_fts WHERE cable_fts MATCH ? AND rowid = v.id)",
        (text,),
    ).fetchone()[0]
    return everything - older


def _page(
    db: sqlite3.Connection, inner: str, params: list[Any], order: str, limit: int, offset: int
) -> list[tuple[Any, ...]]:
    # Order and cut the hits first (narrow rows), then fetch the page's 20 wide rows.
    return db.execute(
        "SELECT h.vid, h.pid, h.score, v.cable_id, v.date, v.origin, v.classification, "
        f"v.subject FROM (SELECT * FROM ({inner}) h ORDER BY {order} LIMIT ? OFFSET ?) h "
        f"JOIN versions v ON v.id = h.vid ORDER BY {order}",
        [*params, limit, offset],
    ).fetchall()


class _Tiers:
    """Relevance for a broad query (over `RANK_ALL_LIMIT` hits), where bm25 over every hit
    would cost tens of milliseconds to seconds: first the hits whose subject has the query,
    by bm25 of the subject (`subject_fts`, short texts, cheap) when at most
    `RANK_SUBJECT_LIMIT` subjects in the archive have it, else newest first; then the others
    newest first. A stable order, so paging never repeats or skips a cable. With the
    in-memory `columns` the tiers are masks, paged in their precomputed date order."""

    def __init__(
        self,
        db: sqlite3.Connection,
        node: Node,
        text: str,
        rest: list[Node],
        columns: FacetColumns | None,
        everything: Any,
    ) -> None:
        self.db, self.node, self.text, self.rest = db, node, text, rest
        self.columns, self.everything = columns, everything
        #: The subject's words are the body's too, but not its missing ones: a query with
        #: NOT asks the whole text as well.
        self.negated = " NOT " in text
        if columns is None:
            self.subjects = db.execute(
                "SELECT count(*) FROM subject_fts WHERE subject_fts MATCH ?", (text,)
            ).fetchone()[0]
            inner, params = self._first_sql(scored=False)
            self.ranked = db.execute(f"SELECT count(*) FROM ({inner})", params).fetchone()[0]
            return
        from cablescope.store import sqlite_masks

        mask = sqlite_masks.subject_mask(columns, db, text)
        self.subjects = sqlite_masks.count(mask)
        if self.negated or everything is not None:
            mask &= self.everything_mask()
        elif rest:
            mask &= sqlite_masks.evaluate(columns, db, And(tuple(rest)))
        self.first = mask & sqlite_masks.current(columns)
        self.ranked = sqlite_masks.count(self.first)

    def everything_mask(self) -> Any:
        from cablescope.store import sqlite_masks

        if self.everything is None:
            assert self.columns is not None
            self.everything = sqlite_masks.evaluate(self.columns, self.db, self.node)
        return self.everything

    def page(self, limit: int, offset: int) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        if offset < self.ranked:
            rows = self._first(limit, offset)
        if len(rows) < limit:
            rows += self._others(limit - len(rows), max(0, offset - self.ranked))
        return rows

    def _first_sql(self, *, scored: bool) -> Sql:
        conditions = [condition(item) for item in self.rest]
        if self.negated:
            conditions.append(condition(self.node))
        where = " AND ".join(["v.is_current", *(c[0] for c in conditions)])
        score = "bm25(subject_fts)" if scored else "NULL"
        return (
            f"SELECT v.id AS vid, NULL AS pid, {score} AS score, v.date AS date, "
            f"v.cable_id AS cid FROM subject_fts JOIN versions v {COVER} "
            f"ON v.id = subject_fts.rowid WHERE subject_fts MATCH ? AND {where}",
            [self.text, *(x for c in conditions for x in c[1])],
        )

    def _first(self, limit: int, offset: int) -> list[tuple[Any, ...]]:
        scored = self.subjects <= RANK_SUBJECT_LIMIT
        if self.columns is None:
            inner, params = self._first_sql(scored=scored)
            order = _ORDER["relevance" if scored else "-date"]
            return _page(self.db, inner, params, order, limit, offset)
        if not scored:
            return self._newest(self.first, limit, offset)
        import numpy as np

        found = self.db.execute(
            "SELECT rowid, bm25(subject_fts) FROM subject_fts WHERE subject_fts MATCH ?",
            (self.text,),
        ).fetchall()  # at most RANK_SUBJECT_LIMIT rows
        ids = np.array([vid for vid, _ in found], dtype=np.int64)
        scores = np.array([score for _, score in found], dtype=np.float64)
        keep = ids < self.columns.size
        ids, scores = ids[keep], scores[keep]
        keep = self.first[ids]
        ids, scores = ids[keep], scores[keep]
        chosen = np.lexsort((self.columns.newest_rank[ids], scores))[offset : offset + limit]
        rows = _rows(self.db, [int(vid) for vid in ids[chosen]])
        return [
            (*row[:2], float(score), *row[3:])
            for row, score in zip(rows, scores[chosen], strict=True)
        ]

    def _others(self, limit: int, offset: int) -> list[tuple[Any, ...]]:
        if self.columns is None:
            others = f"({self.text}) NOT ({{subject}} : ({self.text}))"
            inner, params = _inner(others, [], self.rest, scored=False)
            return _page(self.db, inner, params, _ORDER["-date"], limit, offset)
        return self._newest(self.everything_mask() & ~self.first, limit, offset)

    def _newest(self, mask: Any, limit: int, offset: int) -> list[tuple[Any, ...]]:
        from cablescope.store import sqlite_masks

        assert self.columns is not None
        ids = sqlite_masks.page_ids(
            self.columns, mask, oldest_first=False, limit=limit, offset=offset
        )
        return _rows(self.db, ids)


__all__ = [
    "condition",
    "fts_expression",
    "matching_ids",
    "matching_versions",
    "normal_marking",
    "search",
]
