"""Facet counts and date histograms over the cables matching a query, in SQLite.

The matching current versions (`sqlite_search.matching_versions`, the same selection a search
pages through) are computed once per call; every facet is then a GROUP BY over the covering
index of current versions or a child table joined on its version-id primary key, cut to its
top `limit`. Counts are cables
(current versions): a cable that names a recipient twice, in TO and INFO, counts once.
Over more than `FACET_EXACT_LIMIT` matching cables the counts are estimated from an even sample
(`FacetCounts.sampled` says so), which keeps a facet sidebar fast on a broad query.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from cablescope.search.query import Node
from cablescope.store.sqlite_columns import FacetColumns
from cablescope.store.sqlite_search import matching_ids

#: The matching ids joined to their current versions through the narrow covering index.
_CURRENT = "JOIN versions v INDEXED BY current_cover ON v.id = m.vid AND v.is_current"
#: Facet name → SELECT of (value, cable count) over the matching ids in CTE ``m``.
_FACET_SQL: dict[str, str] = {
    "origin": f"SELECT v.origin AS value, count(*) AS n FROM m {_CURRENT} "
    "WHERE coalesce(v.origin, '') <> '' GROUP BY v.origin",
    "classification": "SELECT v.classification AS value, count(*) AS n FROM m "
    f"{_CURRENT} WHERE coalesce(v.classification, '') <> '' "
    "GROUP BY v.classification",
    "year": "SELECT CAST(v.year AS TEXT) AS value, count(*) AS n FROM m "
    f"{_CURRENT} WHERE v.year IS NOT NULL GROUP BY v.year",
    "month": f"SELECT v.month AS value, count(*) AS n FROM m {_CURRENT} "
    "WHERE v.month IS NOT NULL GROUP BY v.month",
    "tag": "SELECT t.tag AS value, count(DISTINCT t.version_id) AS n FROM m "
    "JOIN tags t ON t.version_id = m.vid GROUP BY t.tag",
    "recipient": "SELECT r.name AS value, count(DISTINCT r.version_id) AS n FROM m "
    "JOIN recipients r ON r.version_id = m.vid WHERE r.role IN ('to', 'info') "
    "AND r.name <> '' GROUP BY r.name",
    "signer": "SELECT s.name AS value, count(DISTINCT s.version_id) AS n FROM m "
    "JOIN signers s ON s.version_id = m.vid WHERE s.name <> '' GROUP BY s.name",
}
FACET_FIELDS: tuple[str, ...] = tuple(_FACET_SQL)
#: What a reader may type for a facet (``--field tags``, ``--field to``).
FACET_ALIASES: dict[str, str] = {
    "tags": "tag",
    "class": "classification",
    "from": "origin",
    "to": "recipient",
    "recipients": "recipient",
    "signers": "signer",
}
INTERVALS: tuple[str, ...] = ("year", "month")


#: Above `FACET_EXACT_LIMIT` matching cables, facets count an even sample this big and scale
#: up: exact counts over 90,000 hits of a broad query cost a second, a sample of 2,000 tens of
#: ms (and moves a top-10 share by about one percentage point).
FACET_SAMPLE = 2000
#: Up to this many matching cables every facet is counted exactly.
FACET_EXACT_LIMIT = 10_000


class FacetCounts(dict[str, list[tuple[str, int]]]):
    """Facet → [(value, count)]; `matching` cables in all, and `sampled` (how many of them were
    counted) when the counts are estimates scaled up from a sample, else None."""

    matching: int = 0
    sampled: int | None = None


def sample(ids: list[int], result: FacetCounts) -> tuple[list[int], float]:
    """The ids to count (an even spread over more than `FACET_EXACT_LIMIT` matches, noted in
    `result.sampled`) and the factor that scales their counts up to all the matches."""
    if len(ids) > FACET_EXACT_LIMIT:  # an even spread over the hits: every count scaled alike
        ids = ids[:: math.ceil(len(ids) / FACET_SAMPLE)]
        result.sampled = len(ids)
    return ids, (result.matching / len(ids) if ids else 1.0)


def facet_field(name: str) -> str:
    """The canonical facet name for `name` (aliases and case forgiven); ValueError if none."""
    key = name.strip().lower()
    key = FACET_ALIASES.get(key, key)
    if key not in _FACET_SQL:
        raise ValueError(f"unknown facet {name!r}; choose from {', '.join(FACET_FIELDS)}")
    return key


def facets(
    db: sqlite3.Connection,
    node: Node | None,
    *,
    fields: Sequence[str] | None = None,
    limit: int | None = 10,
    columns: FacetColumns | None = None,
    ids: list[int] | np.ndarray | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Per facet, its commonest values among the matching cables: (value, count) pairs,
    most cables first, ties by value; `limit` per facet (None: all values). With `columns`
    loaded (`sqlite_columns`) every count is exact and in memory; `ids`, when the caller has
    them already, are the matching version ids."""
    wanted = list(dict.fromkeys(facet_field(f) for f in (fields or FACET_FIELDS)))
    result = FacetCounts({name: [] for name in wanted})
    if not wanted:
        return result
    if ids is None:
        ids = matching_ids(db, node)
    result.matching = len(ids)
    if columns is not None:
        result.update(columns.counts(wanted, ids, limit))
        return result
    ids, scale = sample(list(ids), result)
    # One statement per facet: SQLite plans each small join well, but a UNION of them all
    # under one window function it plans as scans (a second instead of milliseconds).
    matched = json.dumps(ids)
    cap = "" if limit is None else " LIMIT ?"
    for name in wanted:
        sql = (
            "WITH m(vid) AS MATERIALIZED (SELECT value FROM json_each(?)) "
            f"SELECT value, n FROM ({_FACET_SQL[name]}) ORDER BY n DESC, value{cap}"
        )
        arguments: list[Any] = [matched, *([] if limit is None else [max(0, limit)])]
        result[name] = [(str(value), round(n * scale)) for value, n in db.execute(sql, arguments)]
    return result


def histogram(
    db: sqlite3.Connection,
    node: Node | None,
    *,
    interval: str = "year",
    columns: FacetColumns | None = None,
    ids: list[int] | np.ndarray | None = None,
) -> list[tuple[str, int]]:
    """Matching cables per year (``1979``) or month (``1979-04``), oldest first, from the
    first dated bucket to the last with the empty ones in between as 0 (a plot needs them)."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; choose one of {', '.join(INTERVALS)}")
    if ids is None:
        ids = matching_ids(db, node)
    if columns is not None:
        counts = dict(columns.counts([interval], ids, None)[interval])
    else:
        column = "CAST(v.year AS TEXT)" if interval == "year" else "v.month"
        rows = db.execute(
            "WITH m(vid) AS MATERIALIZED (SELECT value FROM json_each(?)) "
            f"SELECT {column} AS bucket, count(*) FROM m {_CURRENT} "
            f"WHERE {column} IS NOT NULL GROUP BY bucket ORDER BY bucket",
            (json.dumps(list(ids)),),
        ).fetchall()
        counts = {str(bucket): n for bucket, n in rows}
    try:
        buckets = _span(list(counts), interval)
    except ValueError:  # a stored month that is not YYYY-MM: no gap filling, just the data
        buckets = sorted(counts)
    return [(bucket, counts.get(bucket, 0)) for bucket in buckets]


def _span(present: list[str], interval: str) -> list[str]:
    """Every bucket from the first present to the last, inclusive (``YYYY`` or ``YYYY-MM``)."""
    if not present:
        return []
    if interval == "year":
        years = [int(bucket) for bucket in present]
        return [str(year) for year in range(min(years), max(years) + 1)]
    months = sorted((int(b[:4]), int(b[5:7])) for b in present if len(b) == 7 and b[4] == "-")
    if len(months) != len(present):
        raise ValueError("not YYYY-MM")
    (year, month), end = months[0], months[-1]
    buckets: list[str] = []
    while (year, month) <= end:
        buckets.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month >= 12 else (year, month + 1)
    return buckets


__all__ = [
    "FACET_ALIASES",
    "FACET_EXACT_LIMIT",
    "FACET_FIELDS",
    "FACET_SAMPLE",
    "INTERVALS",
    "FacetCounts",
    "facet_field",
    "facets",
    "histogram",
    "sample",
]
