"""Query filters evaluated over the in-memory columns (`sqlite_columns`) as boolean masks.

A filter over a large share of the archive (``tag:PREL date:2009``: 66,000 of 250,000 cables)
costs SQL a visit to every matching row to count it and a sort of them all for a page. Over
the columns each filter is a vectorised comparison over all version ids, AND/OR/NOT are
element-wise, the count is a sum and a date-ordered page is the first ids of a precomputed
order that the mask lets through: milliseconds whatever the share. Words still come from the
full-text index (their ids become a mask); what the columns do not hold (``ref:``, ``para:``)
returns None and the query runs in SQL as before.

The masks mean exactly what the SQL conditions of `sqlite_search` mean: NOCASE equality and
LIKE prefixes fold ASCII letters only, dates compare as text, a missing value matches nothing.
"""

from __future__ import annotations

import bisect
import sqlite3

import numpy as np

from cablescope.search.query import And, ClassRange, DateRange, Match, Node, Not, Or
from cablescope.store.sqlite_columns import FacetColumns
from cablescope.store.sqlite_search import _plan, fts_expression, normal_marking, party_match

#: Filter field → the column holding it.
_COLUMN_OF = {"tag": "tag", "signer": "signer", "caption": "caption"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def supported(node: Node) -> bool:
    """Whether every part of `node` can be evaluated here."""
    if fts_expression(node) is not None:
        return True
    if isinstance(node, And | Or):
        return all(supported(item) for item in node.items)
    if isinstance(node, Not):
        return supported(node.item)
    if isinstance(node, Match):
        return node.field in _COLUMN_OF or node.field in ("from", "to", "para")
    return isinstance(node, DateRange | ClassRange)


def columns_only(node: Node) -> bool:
    """Whether `node` is evaluated from the columns alone, with no full-text index (filters
    by tag, signer, caption, date and classification): so on any backend."""
    if isinstance(node, And | Or):
        return all(columns_only(item) for item in node.items)
    if isinstance(node, Not):
        return columns_only(node.item)
    if isinstance(node, Match):
        return node.field in _COLUMN_OF
    return isinstance(node, DateRange | ClassRange)


def evaluate(columns: FacetColumns, db: sqlite3.Connection, node: Node) -> np.ndarray:
    """The current versions matching `node` (which must be `supported`), as a mask over ids.
    ``para:`` beside words at the top means the words in a paragraph of that marking, as in
    `sqlite_search`; anywhere else, a paragraph of that marking anywhere in the cable."""
    text, markings, rest = _plan(node)
    if not markings:
        return _mask(columns, db, node) & current(columns)
    return Paragraphs(columns, db, text, markings, rest).versions


class Paragraphs:
    """A query with top-level ``para:`` filters, over the paragraph columns: the paragraphs
    with those markings (and the words, if any), the current versions holding one (and
    matching `rest`), and each version's first such paragraph (the one a hit shows)."""

    def __init__(
        self,
        columns: FacetColumns,
        db: sqlite3.Connection,
        text: str | None,
        markings: list[Match],
        rest: list[Node],
    ) -> None:
        marking = columns.paragraph_marking
        allowed = np.ones(len(marking.values) + 1, dtype=bool)
        for match in markings:
            allowed &= _marking_codes(marking.values, match)
        #: How many paragraphs have the words, whatever their marking (relevance ranks by
        #: bm25 only when few: `sqlite_search.RANK_PARAGRAPH_LIMIT`).
        self.worded = 0
        if text is None:
            pids = np.flatnonzero(allowed[marking.codes])
        else:
            pids = _ids(db, "paragraph_fts", text)
            self.worded = len(pids)
            pids = pids[pids < len(marking.codes)]
            pids = pids[allowed[marking.codes[pids]]]
        owners = columns.paragraph_version[pids]
        found = owners >= 0
        vids, first = np.unique(owners[found], return_index=True)  # pids ascend: the first
        self.first = dict(zip(vids.tolist(), pids[found][first].tolist(), strict=True))
        mask = np.zeros(columns.size, dtype=bool)
        mask[vids[vids < columns.size]] = True
        mask &= current(columns)
        for item in rest:
            mask &= _mask(columns, db, item)
        self.versions = mask


def _marking_codes(values: list[str], match: Match) -> np.ndarray:
    """Which marking codes (the last: none) ``para:`` accepts, as the SQL condition does:
    ASCII upper case, ``//`` as ``/``; a prefix compared as LIKE does (ASCII case-blind)."""
    wanted = normal_marking(match.value)
    stored = [v.translate(_ASCII_UPPER).replace("//", "/") for v in values]
    if match.prefix:
        start = wanted.translate(_ASCII_LOWER)
        chosen = [v.translate(_ASCII_LOWER).startswith(start) for v in stored]
    else:
        chosen = [v == wanted for v in stored]
    return np.array([*chosen, False], dtype=bool)


def current(columns: FacetColumns) -> np.ndarray:
    """The current versions, as a mask over ids."""
    mask = np.zeros(columns.size, dtype=bool)
    mask[columns.current] = True
    return mask


def text_mask(columns: FacetColumns, db: sqlite3.Connection, expression: str) -> np.ndarray:
    """The versions (any) whose text matches an FTS5 `expression` of `cable_fts`."""
    return _ids_mask(columns, db, "cable_fts", expression)


def subject_mask(columns: FacetColumns, db: sqlite3.Connection, expression: str) -> np.ndarray:
    """The versions (any) whose subject alone matches an FTS5 `expression`."""
    return _ids_mask(columns, db, "subject_fts", expression)


def _mask(columns: FacetColumns, db: sqlite3.Connection, node: Node) -> np.ndarray:
    text = fts_expression(node)
    if text is not None:
        return text_mask(columns, db, text)
    if isinstance(node, And | Or):
        parts = [_mask(columns, db, item) for item in node.items]
        combine = np.logical_and if isinstance(node, And) else np.logical_or
        return combine.reduce(parts)
    if isinstance(node, Not):
        return ~_mask(columns, db, node.item)
    if isinstance(node, DateRange):
        return _date_mask(columns, node)
    if isinstance(node, ClassRange):
        ranks = columns.class_rank
        mask = ranks >= 0
        if node.low is not None:
            mask &= ranks >= node.low
        if node.high is not None:
            mask &= ranks <= node.high
        return mask
    if isinstance(node, Match):
        return _match_mask(columns, db, node)
    raise TypeError(f"not supported over columns: {node!r}")


def _ids_mask(
    columns: FacetColumns, db: sqlite3.Connection, index: str, expression: str
) -> np.ndarray:
    """The rows of a full-text `index` matching `expression`, as a mask: the ids travel as one
    string, parsed in C (a Python object per id costs more than the search)."""
    ids = _ids(db, index, expression)
    mask = np.zeros(columns.size, dtype=bool)
    mask[ids[ids < columns.size]] = True
    return mask


def _ids(db: sqlite3.Connection, index: str, expression: str) -> np.ndarray:
    """The rowids of a full-text `index` matching `expression`, ascending."""
    found = db.execute(
        f"SELECT group_concat(rowid) FROM {index} WHERE {index} MATCH ?", (expression,)
    ).fetchone()[0]
    return np.fromstring(found or "", dtype=np.int64, sep=",")


def _date_mask(columns: FacetColumns, node: DateRange) -> np.ndarray:
    ranks = columns.date_rank
    mask = ranks >= 0
    if node.start is not None:
        mask &= ranks >= bisect.bisect_left(columns.dates, node.start)
    if node.end is not None:
        mask &= ranks < bisect.bisect_left(columns.dates, node.end)
    return mask


def _match_mask(columns: FacetColumns, db: sqlite3.Connection, match: Match) -> np.ndarray:
    if match.field in ("from", "to"):
        return _ids_mask(columns, db, "party_fts", party_match(match))
    if match.field == "para":  # a paragraph of that marking anywhere in the cable
        marking = columns.paragraph_marking
        owners = columns.paragraph_version[_marking_codes(marking.values, match)[marking.codes]]
        mask = np.zeros(columns.size, dtype=bool)
        mask[owners[(owners >= 0) & (owners < columns.size)]] = True
        return mask
    column = columns.columns[_COLUMN_OF[match.field]]
    wanted = match.value.translate(_ASCII_LOWER)
    if match.prefix:
        chosen = [v.translate(_ASCII_LOWER).startswith(wanted) for v in column.values]
    else:
        chosen = [v.translate(_ASCII_LOWER) == wanted for v in column.values]
    mask = np.zeros(columns.size, dtype=bool)
    mask[column.owners_of(np.flatnonzero(np.array(chosen, dtype=bool)))] = True
    return mask


def count(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def page_ids(
    columns: FacetColumns, mask: np.ndarray, *, oldest_first: bool, limit: int, offset: int
) -> list[int]:
    """Ids of one page of the masked versions in date order (as `sqlite_search` orders an
    unranked page: undated last, ties by cable id)."""
    order = columns.oldest_first if oldest_first else columns.newest_first
    chosen = order[mask[order]]
    return [int(vid) for vid in chosen[offset : offset + limit]]


__all__ = [
    "Paragraphs",
    "columns_only",
    "count",
    "current",
    "evaluate",
    "page_ids",
    "subject_mask",
    "supported",
    "text_mask",
]
