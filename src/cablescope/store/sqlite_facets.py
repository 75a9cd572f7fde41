"""Facet counts and date histograms over the cables matching a query, in SQLite.

The matching current versions (`sqlite_search.matching_versions`, the same selection a search
pages through) are computed once per call as a materialised CTE; every facet is then a GROUP
BY over `versions` or a child table joined on its version-id primary key, and all facets come
back from one statement, each cut to its top `limit` by a window function. Counts are cables
(current versions): a cable that names a recipient twice, in TO and INFO, counts once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from cablescope.search.query import Node
from cablescope.store.sqlite_search import matching_versions

#: Facet name → SELECT of (value, cable count) over the matching ids in CTE ``m``.
_FACET_SQL: dict[str, str] = {
    "origin": "SELECT v.origin AS value, count(*) AS n FROM m JOIN versions v ON v.id = m.vid "
    "WHERE coalesce(v.origin, '') <> '' GROUP BY v.origin",
    "classification": "SELECT v.classification AS value, count(*) AS n FROM m "
    "JOIN versions v ON v.id = m.vid WHERE coalesce(v.classification, '') <> '' "
    "GROUP BY v.classification",
    "year": "SELECT CAST(v.year AS TEXT) AS value, count(*) AS n FROM m "
    "JOIN versions v ON v.id = m.vid WHERE v.year IS NOT NULL GROUP BY v.year",
    "month": "SELECT v.month AS value, count(*) AS n FROM m JOIN versions v ON v.id = m.vid "
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
) -> dict[str, list[tuple[str, int]]]:
    """Per facet, its commonest values among the matching cables: (value, count) pairs,
    most cables first, ties by value; `limit` per facet (None: all values)."""
    wanted = list(dict.fromkeys(facet_field(f) for f in (fields or FACET_FIELDS)))
    result: dict[str, list[tuple[str, int]]] = {name: [] for name in wanted}
    if not wanted:
        return result
    matching, params = matching_versions(node)
    union = " UNION ALL ".join(
        f"SELECT '{name}' AS facet, value, n FROM ({_FACET_SQL[name]})" for name in wanted
    )
    cap = "" if limit is None else "WHERE place <= ?"
    sql = (
        f"WITH m(vid) AS MATERIALIZED ({matching}) "
        "SELECT facet, value, n FROM (SELECT facet, value, n, row_number() OVER "
        f"(PARTITION BY facet ORDER BY n DESC, value) AS place FROM ({union})) {cap} "
        "ORDER BY facet, place"
    )
    arguments: list[Any] = [*params, *([] if limit is None else [max(0, limit)])]
    for facet, value, count in db.execute(sql, arguments):
        result[facet].append((str(value), count))
    return result


def histogram(
    db: sqlite3.Connection, node: Node | None, *, interval: str = "year"
) -> list[tuple[str, int]]:
    """Matching cables per year (``1979``) or month (``1979-04``), oldest first, from the
    first dated bucket to the last with the empty ones in between as 0 (a plot needs them)."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; choose one of {', '.join(INTERVALS)}")
    matching, params = matching_versions(node)
    column = "CAST(v.year AS TEXT)" if interval == "year" else "v.month"
    rows = db.execute(
        f"SELECT {column} AS bucket, count(*) FROM ({matching}) m "
        f"JOIN versions v ON v.id = m.vid WHERE {column} IS NOT NULL "
        "GROUP BY bucket ORDER BY bucket",
        params,
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


__all__ = ["FACET_ALIASES", "FACET_FIELDS", "INTERVALS", "facet_field", "facets", "histogram"]
