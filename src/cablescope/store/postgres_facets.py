"""Facet counts and date histograms over the cables matching a query, in PostgreSQL.

The same counts as `sqlite_facets` (whose `FacetCounts`, names, sample size and limits this
module shares, read at call time so that one setting governs both backends): the matching
current versions are listed once, in id order, cut to an even sample above
`FACET_EXACT_LIMIT`, and each facet is a GROUP BY over them, counting cables, not rows. A
server loads the facet columns into memory instead (`PostgresStore.warm`, `sqlite_columns`):
then every count is exact and takes milliseconds, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from cablescope.search.query import Node
from cablescope.store import sqlite_facets
from cablescope.store.postgres_search import matching_ids
from cablescope.store.sqlite_columns import FacetColumns
from cablescope.store.sqlite_facets import FACET_FIELDS, INTERVALS, FacetCounts, facet_field

_MATCHED = "WITH m(vid) AS MATERIALIZED (SELECT unnest(%s::bigint[])) "
_CURRENT = "JOIN versions v ON v.id = m.vid AND v.is_current"
#: Facet name → SELECT of (value, cable count) over the matching ids in CTE ``m``.
_FACET_SQL: dict[str, str] = {
    "origin": f"SELECT v.origin AS value, count(*) AS n FROM m {_CURRENT} "
    "WHERE coalesce(v.origin, '') <> '' GROUP BY v.origin",
    "classification": f"SELECT v.classification AS value, count(*) AS n FROM m {_CURRENT} "
    "WHERE coalesce(v.classification, '') <> '' GROUP BY v.classification",
    "year": f"SELECT v.year::text AS value, count(*) AS n FROM m {_CURRENT} "
    "WHERE v.year IS NOT NULL GROUP BY v.year",
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
assert tuple(_FACET_SQL) == FACET_FIELDS


def facets(
    db: psycopg.Connection,
    node: Node | None,
    *,
    fields: Sequence[str] | None = None,
    limit: int | None = 10,
    ids: list[int] | None = None,
    columns: FacetColumns | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Per facet, its commonest values among the matching cables: (value, count) pairs,
    most cables first, ties by value (byte order); `limit` per facet (None: all). `ids`:
    the matching ids in id order, when the caller knows them already. With `columns`
    loaded (a server's, `sqlite_columns`), every count is exact and made in memory."""
    wanted = list(dict.fromkeys(facet_field(f) for f in (fields or FACET_FIELDS)))
    result = FacetCounts({name: [] for name in wanted})
    if not wanted:
        return result
    ids = matching_ids(db, node) if ids is None else ids
    result.matching = len(ids)
    if columns is not None:
        result.update(columns.counts(wanted, ids, limit))
        return result
    ids, scale = sqlite_facets.sample(ids, result)
    cap = "" if limit is None else " LIMIT %s"
    for name in wanted:
        sql = (
            f"{_MATCHED}SELECT value, n FROM ({_FACET_SQL[name]}) f "
            f'ORDER BY n DESC, value COLLATE "C"{cap}'
        )
        arguments: list[Any] = [ids, *([] if limit is None else [max(0, limit)])]
        result[name] = [(str(value), round(n * scale)) for value, n in db.execute(sql, arguments)]
    return result


def histogram(
    db: psycopg.Connection,
    node: Node | None,
    *,
    interval: str = "year",
    ids: list[int] | None = None,
    columns: FacetColumns | None = None,
) -> list[tuple[str, int]]:
    """Matching cables per year or month, oldest first, empty buckets in between as 0."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; choose one of {', '.join(INTERVALS)}")
    ids = matching_ids(db, node) if ids is None else ids
    if columns is not None:
        counts = dict(columns.counts([interval], ids, None)[interval])
    else:
        column = "v.year::text" if interval == "year" else "v.month"
        rows = db.execute(
            f"{_MATCHED}SELECT {column} AS bucket, count(*) FROM m {_CURRENT} "
            f"WHERE {column} IS NOT NULL GROUP BY bucket ORDER BY 1",
            (ids,),
        ).fetchall()
        counts = {str(bucket): n for bucket, n in rows}
    try:
        buckets = sqlite_facets._span(list(counts), interval)
    except ValueError:  # a stored month that is not YYYY-MM: no gap filling, just the data
        buckets = sorted(counts)
    return [(bucket, counts.get(bucket, 0)) for bucket in buckets]


__all__ = ["facets", "histogram"]
