"""Query tree → PostgreSQL SQL: `tsquery` matches for the words, subqueries for the filters.

The plan is SQLite's (`sqlite_search`), so that both backends find the same cables: the
plain-text parts of the top-level conjunction become one `tsquery` (`postgres_text`) that
drives the query and ranks it (``ts_rank``, subject words weighing four times body words, as
bm25 is weighted there); everything else is a WHERE condition on `versions v`. With
``para:`` filters the words must match inside one paragraph with that marking: the cables
whose vector holds the words are the candidates, and their marked paragraphs are checked
here (`postgres_text.matches`), there being no paragraph index. Only relevance scores differ
between the backends (ts_rank is not bm25).

User text never reaches SQL: every value is a bound parameter, and the `tsquery` literals
quote every word, so no word can act as an operator.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg

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
from cablescope.search.snippets import SNIPPET_WORDS, best, patterns, score, snippet
from cablescope.store import sqlite_masks
from cablescope.store.postgres_text import (
    NOTHING,
    matches,
    phrase,
    relaxed,
    tsquery,
    with_negatives,
    words,
)

if TYPE_CHECKING:
    from cablescope.store.sqlite_columns import FacetColumns

Sql = tuple[str, list[Any]]
#: Plain-text parts of a query: the positive nodes and the negated ones.
Text = tuple[list[Node], list[Node]]
#: A matching cable: version id, best paragraph id, score, date, cable id.
Hit = tuple[int, int | None, float | None, str | None, str]

#: ts_rank weights {D, C, B, A}: body words (D) count a quarter of subject words (A).
_RANK = "ts_rank('{0.25,0.25,0.25,1.0}', v.words, %s::tsquery)"
#: Above this many hits, relevance ranks only the cables whose subject matches, then the
#: others newest first (as on SQLite): ranking every hit of a broad query takes seconds.
RANK_ALL_LIMIT = 5000
#: Undated cables last either way; spelled as the date indexes are (`versions_newest`,
#: `versions_oldest`), so that a page of a broad query reads them in order and stops.
_ORDER = {
    "relevance": "h.score DESC NULLS LAST, h.date DESC NULLS LAST, h.cid",
    "date": "h.date ASC NULLS LAST, h.cid",
    "-date": "h.date DESC NULLS LAST, h.cid",
}
#: ts_rank of the subject words alone (`versions.subject_words`), for the first tier.
_SUBJECT_RANK = "ts_rank(v.subject_words, %s::tsquery)"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def render(text: Text, weight: str = "") -> str:
    """The `tsquery` of planned text parts, every word restricted to `weight` if given."""
    positive, negative = text
    return with_negatives(
        [str(tsquery(node, weight)) for node in positive],
        [str(tsquery(node, weight)) for node in negative],
    )


def _matches(column: str, query: str) -> Sql:
    if query == NOTHING:
        return "FALSE", []
    return f"{column} @@ %s::tsquery", [query]


# -- filters --------------------------------------------------------------------------------
def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _equals(column: str, match: Match) -> Sql:
    """Case-blind for ASCII letters, like SQLite's NOCASE (the columns are COLLATE "C", so
    lower() folds ASCII only), or a prefix for ``value*``."""
    value = match.value.translate(_ASCII_LOWER)
    if match.prefix:
        return f"lower({column}) LIKE %s ESCAPE '\\'", [_escape_like(value) + "%"]
    return f"lower({column}) = %s", [value]


def normal_marking(marking: str) -> str:
    """``s//nf`` and ``S/NF`` alike: upper case, single slashes."""
    return marking.upper().replace("//", "/")


def _paragraph_condition(match: Match, alias: str = "p") -> Sql:
    column = f"replace(upper({alias}.marking), '//', '/')"
    value = normal_marking(match.value)
    if match.prefix:
        return f"{column} LIKE %s ESCAPE '\\'", [_escape_like(value) + "%"]
    return f"{column} = %s", [value]


def _match_condition(match: Match) -> Sql:
    field = match.field
    if field in ("from", "to"):
        weight = "A" if field == "from" else "B"
        return _matches("v.party", phrase(" ".join(match.value.split()), match.prefix, weight))
    if field == "para":
        sql, params = _paragraph_condition(match)
        return f"EXISTS (SELECT 1 FROM paragraphs p WHERE p.version_id = v.id AND {sql})", params
    table, column = {
        "tag": ("tags", "tag"),
        "ref": ("refs", "value"),
        "signer": ("signers", "name"),
        "caption": ("captions", "caption"),
    }[field]
    sql, params = _equals(column, match)
    return f"v.id IN (SELECT version_id FROM {table} WHERE {sql})", params


def condition(node: Node) -> Sql:
    """A WHERE condition on `versions v` for any node."""
    text = tsquery(node)
    if text is not None:
        return _matches("v.words", text)
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
            parts.append(f"{column} {op} %s")
            params.append(value)
    return "(" + (" AND ".join(parts) or "TRUE") + ")", params


# -- the query ------------------------------------------------------------------------------
def plan(node: Node) -> tuple[Text | None, list[Match], list[Node]]:
    """Split the top-level conjunction: text parts, ``para:`` filters, the rest."""
    items = node.items if isinstance(node, And) else (node,)
    positive: list[Node] = []
    negative: list[Node] = []
    markings: list[Match] = []
    rest: list[Node] = []
    for item in items:
        if isinstance(item, Match) and item.field == "para":
            markings.append(item)
        elif tsquery(item) is not None:
            positive.append(item)
        elif isinstance(item, Not) and tsquery(item.item) is not None:
            negative.append(item)
        else:
            rest.append(item)
    if not positive:
        return None, markings, rest + negative
    return (positive, [n.item for n in negative if isinstance(n, Not)]), markings, rest


def _inner(
    text: str | None,
    markings: list[Match],
    rest: list[Node],
    *,
    scored: bool,
    rank: str | None = None,
    subject: str | None = None,
) -> Sql:
    """SELECT vid, pid, score, date, cid for every matching current cable (one row each),
    scored by `rank` (default `text`; ts_rank scores a NOT part as zero, so give the
    positive words alone); without `scored` the score is NULL (ranking costs a read of
    every hit's vector). With `subject`, only cables whose subject matches it, scored by
    the subject's words. Words and ``para:`` together are `_paragraph_hits`' job."""
    conditions = [condition(item) for item in rest]
    where = " AND ".join(["v.is_current", *(c[0] for c in conditions)])
    params = [x for c in conditions for x in c[1]]
    if markings:
        marks = [_paragraph_condition(m) for m in markings]
        return (
            "SELECT p.version_id AS vid, min(p.id) AS pid, NULL::real AS score, "
            "min(v.date) AS date, min(v.cable_id) AS cid FROM paragraphs p "
            f"JOIN versions v ON v.id = p.version_id WHERE {' AND '.join(m[0] for m in marks)} "
            f"AND {where} GROUP BY p.version_id",
            [x for m in marks for x in m[1]] + params,
        )
    if text is None:
        return (
            "SELECT v.id AS vid, NULL::bigint AS pid, NULL::real AS score, v.date AS date, "
            f"v.cable_id AS cid FROM versions v WHERE {where}",
            params,
        )
    found, found_params = _matches("v.words", text)
    if subject is not None:  # relevance's first tier: the subject matches too
        in_subject, subject_params = _matches("v.subject_words", subject)
        found, found_params = f"{found} AND {in_subject}", found_params + subject_params
    rank = text if rank is None else rank
    score = (_SUBJECT_RANK if subject is not None else _RANK) if scored and text and rank else None
    source = "versions v"
    if conditions:
        # The words through their index first: other filters (class, tag) make the planner
        # expect few rows and scan the table instead, reading every cable's vector.
        source = f"(SELECT * FROM versions v WHERE {found} AND v.is_current OFFSET 0) v"
        found, found_params, params = "TRUE", [], found_params + params
    return (
        f"SELECT v.id AS vid, NULL::bigint AS pid, {score or 'NULL::real'} AS score, "
        f"v.date AS date, v.cable_id AS cid FROM {source} WHERE {found} AND {where}",
        ([rank] if score else []) + found_params + params,
    )


def _paragraph_hits(
    db: psycopg.Connection, text: Text, markings: list[Match], rest: list[Node]
) -> list[Hit]:
    """Current cables with a paragraph that has the markings and matches the words, each
    with its best such paragraph (most query words, then most occurrences, then first)."""
    positive, negative = text
    candidates = with_negatives([relaxed(node) for node in positive], [])
    found, found_params = _matches("v.words", candidates)
    conditions = [_paragraph_condition(m) for m in markings] + [condition(i) for i in rest]
    conditions += _containing(positive)
    where = " AND ".join(["v.is_current", found, *(c[0] for c in conditions)])
    wanted = [p for node in positive for p in patterns(node)]
    best_of: dict[int, tuple[tuple[int, int], int, str | None, str]] = {}
    query = (
        "SELECT p.version_id, p.id, p.text, v.date, v.cable_id FROM paragraphs p "
        f"JOIN versions v ON v.id = p.version_id WHERE {where} ORDER BY p.version_id, p.position"
    )
    with db.cursor() as cur:  # streamed: a broad query's paragraphs need not fit in memory
        for vid, pid, paragraph, date, cable_id in cur.stream(
            query, found_params + [x for c in conditions for x in c[1]]
        ):
            tokens = words(paragraph)
            if not all(matches(n, tokens) for n in positive) or any(
                matches(n, tokens) for n in negative
            ):
                continue
            rank = score(paragraph, wanted) if wanted else (0, 0)
            if vid not in best_of or rank > best_of[vid][0]:
                best_of[vid] = (rank, pid, date, cable_id)
    return [
        (vid, pid, round(distinct + 1 - 1 / (1 + count), 4), date, cable_id)
        for vid, ((distinct, count), pid, date, cable_id) in best_of.items()
    ]


#: Non-ASCII characters common in cables that `words` treats as separators, never as
#: parts of words (curly quotes, pilcrow, dashes …): a paragraph with no other non-ASCII
#: character has only ASCII words.
_SEPARATORS = "".join(
    c
    for c in "\u2019\u2018\u201d\u201c\u00b6\u2013\u2014\u00b4\u00ac\u00ae\u2026\u2022\u00a7\u00a0"
    if not re.match(r"\w", c)
)
#: A paragraph that may hold words with other than ASCII letters and digits (folded ones).
_FOLDED = f"[^\x01-\x7f{_SEPARATORS}]"


def _containing(positive: list[Node]) -> list[Sql]:
    """A condition every paragraph matching all of `positive` meets, for the server to drop
    the others before they are sent here and tokenised: a paragraph whose words are all
    ASCII holds each as a case-blind substring (`words` of such text are its lower-cased
    runs of letters and digits). Paragraphs that may have folded words all pass."""
    needles = sorted(
        {
            word
            for node in positive
            if isinstance(node, Term | Phrase)
            for word in words(node.text)
            if word.isascii()
        }
    )
    if not needles:
        return []
    likes = " AND ".join("p.text ILIKE %s" for _ in needles)
    return [
        (
            f"(current_setting('server_encoding') <> 'UTF8' OR p.text ~ %s OR ({likes}))",
            [_FOLDED, *(f"%{word}%" for word in needles)],
        )
    ]


def _sorted(hits: list[Hit], sort: str) -> list[Hit]:
    """`hits` in the order `_ORDER` gives in SQL (dates compare as strings, as there)."""
    ordered = sorted(hits, key=lambda h: h[4])
    if sort == "date":
        return sorted(ordered, key=lambda h: (h[3] is None, h[3] or ""))
    ordered.sort(key=lambda h: h[3] or "", reverse=True)  # stable: ties keep cable-id order
    ordered.sort(key=lambda h: h[3] is None)
    if sort == "relevance":
        ordered.sort(key=lambda h: -(h[2] or 0.0))
    return ordered


def _rows(db: psycopg.Connection, hits: list[Hit]) -> list[tuple[Any, ...]]:
    """`_page`'s rows for hits already ordered and cut to a page."""
    wide = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, cable_id, date, origin, classification, subject FROM versions "
            "WHERE id = ANY(%s)",
            ([h[0] for h in hits],),
        )
    }
    return [(vid, pid, rank, *wide[vid]) for vid, pid, rank, _date, _cid in hits]


def checks_paragraphs(node: Node | None) -> bool:
    """Whether `node` has words and ``para:`` filters: its matches are found by checking
    paragraphs here (`paragraph_hits`), which a store had better do once per page."""
    if node is None:
        return False
    text, markings, _rest = plan(node)
    return text is not None and bool(markings)


def paragraph_hits(db: psycopg.Connection, node: Node) -> list[Hit]:
    """The hits of a query with words and ``para:`` filters (`checks_paragraphs`)."""
    text, markings, rest = plan(node)
    assert text is not None and markings
    with planned(db):
        return _paragraph_hits(db, text, markings, rest)


def matching_versions(
    db: psycopg.Connection, node: Node | None, hits: list[Hit] | None = None
) -> Sql:
    """``SELECT vid …``: the ids of the current versions matching `node` (every current
    version when None), one row each, for facets and export to build on. `hits`: those of a
    query that `checks_paragraphs`, when the caller has them."""
    text, markings, rest = plan(node) if node is not None else (None, [], [])
    if text is not None and markings:
        if hits is None:
            hits = _paragraph_hits(db, text, markings, rest)
        return "SELECT unnest(%s::bigint[]) AS vid", [[hit[0] for hit in hits]]
    inner, params = _inner(None if text is None else render(text), markings, rest, scored=False)
    return f"SELECT vid FROM ({inner}) m", params


def matching_ids(
    db: psycopg.Connection, node: Node | None, hits: list[Hit] | None = None
) -> list[int]:
    """The ids of the current versions matching `node`, in id order (`hits` as for
    `matching_versions`)."""
    if hits is not None:
        return sorted(hit[0] for hit in hits)
    with planned(db):
        sql, params = matching_versions(db, node)
        return [vid for (vid,) in db.execute(f"SELECT vid FROM ({sql}) m ORDER BY vid", params)]


@contextlib.contextmanager
def planned(db: psycopg.Connection) -> Iterator[None]:
    """A transaction whose plans never scan `versions` whole: the planner does not count
    what testing a word vector costs (reading it from its TOAST table), so for a word in a
    third of the cables it scanned the table — seconds at 250k — over reading the index."""
    with db.transaction():
        db.execute("SET LOCAL enable_seqscan = off")
        yield


def search(
    db: psycopg.Connection,
    node: Node,
    *,
    limit: int,
    offset: int,
    sort: str,
    count: Callable[[], int] | None = None,
    hits: Callable[[], list[Hit]] | None = None,
    columns: FacetColumns | None = None,
) -> SearchPage:
    """One page of current cables matching `node`, with snippets and best paragraphs.
    `count`, if given, says how many match, and `hits` gives those of a query that
    `checks_paragraphs` (a store that remembers them lists them once for the page, its
    facets and its histogram). With a server's `columns` loaded, a query of filters alone
    (`sqlite_masks.columns_only`) is counted and paged in memory, as on SQLite."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    if columns is not None and sqlite_masks.columns_only(node):
        return _filtered_page(db, node, columns, limit=limit, offset=offset, sort=sort)
    with planned(db):
        return _search(db, node, limit=limit, offset=offset, sort=sort, count=count, hits=hits)


def _filtered_page(
    db: psycopg.Connection, node: Node, columns: FacetColumns, *, limit: int, offset: int, sort: str
) -> SearchPage:
    """A page of a query of filters alone, from the columns: newest first (oldest for
    "date"), undated last, ties by cable id, as the SQL orders a page with no words."""
    mask = sqlite_masks.evaluate(columns, None, node)  # type: ignore[arg-type]  # no text
    size, skip = max(0, limit), max(0, offset)
    ids = sqlite_masks.page_ids(columns, mask, oldest_first=sort == "date", limit=size, offset=skip)
    page = SearchPage(total=sqlite_masks.count(mask), limit=limit, offset=offset, sort=sort)
    rows = _rows(db, [(vid, None, None, None, "") for vid in ids])
    for vid, pid, _rank, cable_id, date, origin, classification, subject in rows:
        hit = SearchHit(cable_id, date, origin, classification, subject)
        _decorate(db, hit, vid, pid, node)
        page.hits.append(hit)
    return page


def filtered_ids(columns: FacetColumns, node: Node) -> list[int]:
    """The ids matching a query of filters alone (`sqlite_masks.columns_only`), in order."""
    return np.flatnonzero(sqlite_masks.evaluate(columns, None, node)).tolist()  # type: ignore[arg-type]


def _search(
    db: psycopg.Connection,
    node: Node,
    *,
    limit: int,
    offset: int,
    sort: str,
    count: Callable[[], int] | None = None,
    hits: Callable[[], list[Hit]] | None = None,
) -> SearchPage:
    planned, markings, rest = plan(node)
    size, skip = max(0, limit), max(0, offset)
    text = None if planned is None else render(planned)
    if planned is not None and markings:
        found = hits() if hits is not None else _paragraph_hits(db, planned, markings, rest)
        total = len(found)
        rows = _rows(db, _sorted(found, sort)[skip : skip + size])
    else:
        if count is not None:
            total = count()
        else:
            unscored, params = _inner(text, markings, rest, scored=False)
            total = db.execute(f"SELECT count(*) FROM ({unscored}) h", params).fetchone()[0]
        if sort == "relevance" and planned and text and total > RANK_ALL_LIMIT:
            rows = _tiered_page(db, planned, rest, size, skip)
        else:
            rank = None if planned is None else render((planned[0], []))
            inner, params = _inner(text, markings, rest, scored=sort == "relevance", rank=rank)
            rows = _page(db, inner, params, _ORDER[sort], size, skip)
    page = SearchPage(total=total, limit=limit, offset=offset, sort=sort)
    for vid, pid, rank, cable_id, date, origin, classification, subject in rows:
        hit = SearchHit(cable_id, date, origin, classification, subject)
        hit.score = None if rank is None else round(float(rank), 4)
        _decorate(db, hit, vid, pid, node)
        page.hits.append(hit)
    return page


def _page(
    db: psycopg.Connection, inner: str, params: list[Any], order: str, limit: int, offset: int
) -> list[tuple[Any, ...]]:
    # Order and cut the hits first (narrow rows), then fetch the page's wide rows.
    return db.execute(
        "SELECT h.vid, h.pid, h.score, v.cable_id, v.date, v.origin, v.classification, "
        f"v.subject FROM (SELECT * FROM ({inner}) h ORDER BY {order} LIMIT %s OFFSET %s) h "
        f"JOIN versions v ON v.id = h.vid ORDER BY {order}",
        [*params, limit, offset],
    ).fetchall()


def _tiered_page(
    db: psycopg.Connection, text: Text, rest: list[Node], limit: int, offset: int
) -> list[tuple[Any, ...]]:
    """Relevance for a broad query: first the hits whose subject matches, by rank, then the
    rest newest first — a stable order, so paging never repeats or skips a cable."""
    everywhere = render(text)
    # The subject's own vector holds the weight-A words only: the same query, unweighted.
    first, params = _inner(
        everywhere, [], rest, scored=True, rank=render((text[0], [])), subject=everywhere
    )
    ranked = db.execute(f"SELECT count(*) FROM ({first}) h", params).fetchone()[0]
    rows: list[tuple[Any, ...]] = []
    if offset < ranked:
        rows = _page(db, first, params, _ORDER["relevance"], limit, offset)
    if len(rows) < limit:
        inner, params = _inner(everywhere, [], rest, scored=False)
        if everywhere != NOTHING:  # those whose subject does not match
            inner += " AND NOT (v.subject_words @@ %s::tsquery)"
            params = [*params, everywhere]
        skip = max(0, offset - ranked)
        rows += _page(db, inner, params, _ORDER["-date"], limit - len(rows), skip)
    return rows


def _decorate(
    db: psycopg.Connection, hit: SearchHit, vid: int, pid: int | None, node: Node
) -> None:
    """Fill in the snippet and the paragraph that matched best (`search.snippets`)."""
    wanted = patterns(node)
    if pid is None and wanted:
        rows = db.execute(
            "SELECT id, text FROM paragraphs WHERE version_id = %s ORDER BY position", (vid,)
        ).fetchall()
        pid, hit.snippet = best(rows, wanted)
        if pid is None:  # the words are in the subject or outside numbered paragraphs
            subject, body = db.execute(
                "SELECT coalesce(subject, ''), body FROM versions WHERE id = %s", (vid,)
            ).fetchone()
            hit.snippet = snippet(f"{subject}\n{body}", wanted)
    if pid is None:
        return
    number, marking, paragraph_text = db.execute(
        "SELECT number, marking, text FROM paragraphs WHERE id = %s", (pid,)
    ).fetchone()
    hit.paragraph, hit.marking = number, marking
    if hit.snippet is None and wanted:
        hit.snippet = snippet(paragraph_text, wanted)
    if hit.snippet is None:
        words = paragraph_text.split()
        hit.snippet = " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


__all__ = [
    "checks_paragraphs",
    "condition",
    "filtered_ids",
    "matching_ids",
    "matching_versions",
    "paragraph_hits",
    "plan",
    "planned",
    "render",
    "search",
]
