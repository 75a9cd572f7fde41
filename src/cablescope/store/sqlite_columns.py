"""Facet columns of the archive held in memory as numpy arrays, for long-lived readers.

A facet sidebar over a broad query counts tens of thousands of cables; SQL reaches each one
through an index, hundreds of milliseconds at Cablegate size. Here every facet is one column
indexed by version id, read once per process (seconds at 250,000 cables, tens of MB) and read
again when the archive changes, and a facet count is a vectorised gather + `bincount`
(milliseconds, and exact: no sampling). Servers load the columns at start (`warm`); a one-shot
command never waits for them and counts in SQL instead (`sqlite_facets`). The PostgreSQL
backend loads the same columns through its own snapshot (`load`'s `snapshot`).

Counts mean what the SQL counts mean: cables, values as stored (empty ones left out), a cable
naming a recipient twice counted once (each version's list holds distinct values).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Single-valued facets: column of `versions` (as the SQL facet reads it).
_SINGLE = {
    "origin": "origin",
    "classification": "classification",
    "year": "CAST(year AS TEXT)",
    "month": "month",
}
#: Multi-valued facets: (version id, value) rows.
_MULTI = {
    "tag": "SELECT version_id, tag FROM tags",
    "recipient": "SELECT version_id, name FROM recipients WHERE role IN ('to', 'info')",
    "signer": "SELECT version_id, name FROM signers",
    "caption": "SELECT version_id, caption FROM captions",  # a filter, not a facet
}


@dataclass(frozen=True, slots=True)
class Column:
    """A facet as value codes: one per version id (`owners` None), or one per distinct
    (version, value) pair with `owners` saying whose; code ``len(values)`` means none."""

    codes: np.ndarray
    values: list[str]
    owners: np.ndarray | None = None
    #: For a multi-valued facet (entries sorted by owner): version id v's entries are
    #: ``offsets[v]:offsets[v + 1]``, so a narrow query reads only its own.
    offsets: np.ndarray | None = None
    #: The inverse, for a filter (``tag:PTER``): entries ordered by value, value c's being
    #: ``by_value[value_offsets[c]:value_offsets[c + 1]]``.
    by_value: np.ndarray | None = None
    value_offsets: np.ndarray | None = None

    def owners_of(self, wanted: np.ndarray) -> np.ndarray:
        """The versions holding any of the value codes `wanted` (a multi-valued facet)."""
        assert self.owners is not None
        if self.by_value is None or self.value_offsets is None:
            return self.owners[np.isin(self.codes, wanted)]
        first = self.value_offsets[wanted]
        sizes = self.value_offsets[wanted + 1] - first
        starts = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
        return self.owners[self.by_value[starts + np.arange(len(starts), dtype=np.int64)]]

    def counts(
        self, chosen: np.ndarray, selected: np.ndarray, limit: int | None = None
    ) -> list[tuple[str, int]]:
        """(value, cables) among the versions `chosen` (ids; `selected` is the same as a mask
        over version ids), commonest first, ties by value; the first `limit` (None: all)."""
        codes = self.codes[self._entries(chosen, selected)]
        tally = np.bincount(codes, minlength=len(self.values) + 1)[: len(self.values)]
        found = np.flatnonzero(tally)
        if limit is not None and len(found) > limit:
            # Only values counted at least as often as the limit-th commonest can make it
            # (ties at that count still sorted by value below).
            floor = np.partition(tally[found], len(found) - max(1, limit))[-max(1, limit)]
            found = found[tally[found] >= floor]
        pairs = [(self.values[code], int(tally[code])) for code in found.tolist()]
        ordered = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
        return ordered if limit is None else ordered[: max(0, limit)]

    def _entries(self, chosen: np.ndarray, selected: np.ndarray) -> np.ndarray:
        """Where the chosen versions' codes are: for a few versions, their ranges of entries
        (`offsets`); for many, a mask over all entries (one pass, no index arithmetic)."""
        if self.owners is None:
            return chosen
        if self.offsets is None or len(chosen) * 4 > len(selected):
            return selected[self.owners]
        first = self.offsets[chosen]
        sizes = self.offsets[chosen + 1] - first
        starts = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
        return starts + np.arange(len(starts), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class FacetColumns:
    """Every facet as a column over version ids, as of archive `generation`."""

    generation: int
    size: int
    columns: dict[str, Column]
    #: The ids of the current versions (every cable's default text).
    current: np.ndarray
    #: Per version id: the rank of its date among the distinct dates (-1: none), `dates` the
    #: distinct dates in order; its classification rank (-1: none).
    date_rank: np.ndarray
    dates: list[str]
    class_rank: np.ndarray
    #: Current version ids newest first and oldest first (undated last, ties by cable id).
    newest_first: np.ndarray
    oldest_first: np.ndarray
    #: Per version id: its place in `newest_first` (size: not current), a sort key.
    newest_rank: np.ndarray
    #: Per paragraph id: its version (-1: none) and its marking as stored (``para:``).
    paragraph_version: np.ndarray
    paragraph_marking: Column

    def counts(
        self, names: Iterable[str], ids: list[int] | np.ndarray, limit: int | None
    ) -> dict[str, list[tuple[str, int]]]:
        """Facet → its top `limit` (None: all) (value, cables) among the versions `ids`."""
        chosen = np.asarray(ids, dtype=np.int64)
        chosen = chosen[(chosen >= 0) & (chosen < self.size)]
        selected = np.zeros(self.size, dtype=bool)
        selected[chosen] = True
        chosen = np.flatnonzero(selected)  # each once, in order
        result = {}
        for name in names:
            result[name] = self.columns[name].counts(chosen, selected, limit)
        return result


def generation(db: Any) -> int:
    """The archive's state: versions are only ever added, and every write that changes what is
    current adds one, so the newest version id changes whenever the facets may."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()[0])


#: What `load` reads through: ``execute(sql)`` → a cursor with ``fetchone``/``fetchmany``,
#: every statement seeing one state of the archive.
Execute = Callable[[str], Any]


@contextmanager
def sqlite_snapshot(db: sqlite3.Connection) -> Iterator[Execute]:
    """One read transaction of a SQLite archive."""
    db.execute("BEGIN")
    try:
        yield db.execute
    finally:
        db.execute("COMMIT")


def load(
    db: Any,
    *,
    snapshot: Callable[[Any], AbstractContextManager[Execute]] = sqlite_snapshot,
    cover: str = "INDEXED BY current_cover",
) -> FacetColumns:
    """Read every facet column (in one read transaction, so all are of one state), streaming
    the rows a chunk at a time: memory holds the codes, never the rows.

    The SQL is plain enough for PostgreSQL too: `snapshot` opens its transaction and
    `cover` ("" there) names SQLite's covering index."""
    with snapshot(db) as execute:
        state = int(execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()[0])
        size = state + 1
        single = ", ".join(_SINGLE.values())
        cursor = execute(
            f"SELECT id, {single}, date, class_rank FROM versions {cover} WHERE is_current"
        )
        codes = [_Codes() for _ in (*_SINGLE, "date")]
        owners: list[np.ndarray] = []
        ranks: list[np.ndarray] = []
        for ids, *values, dates, class_ranks in _chunks(cursor):
            owners.append(_ints(ids))
            for encoder, column in zip(codes, (*values, dates), strict=True):
                encoder.add(column)
            ranks.append(_ints(tuple(-1 if r is None else r for r in class_ranks)))
        who = current = _joined(owners)
        columns = {
            name: encoder.single(size, who)
            for name, encoder in zip(_SINGLE, codes[:-1], strict=True)
        }
        date_rank, dates = codes[-1].ranks(size, who)
        class_rank = np.full(size, -1, dtype=np.int16)
        class_rank[who] = _joined(ranks)
        for name, sql in _MULTI.items():
            encoder, owners = _Codes(), []
            for ids, values in _chunks(execute(sql)):
                owners.append(_ints(ids))
                encoder.add(values)
            columns[name] = encoder.multi(_joined(owners), size)
        orders = [
            _joined(
                [_ints(ids) for (ids,) in _chunks(execute(_IN_ORDER.format(cover=cover, way=way)))]
            )
            for way in ("DESC", "ASC")
        ]
        paragraph_version, paragraph_marking = _paragraphs(execute)
    return FacetColumns(
        state,
        size,
        columns,
        current=np.sort(current),
        date_rank=date_rank,
        dates=dates,
        class_rank=class_rank,
        newest_first=orders[0],
        oldest_first=orders[1],
        newest_rank=_places(orders[0], size),
        paragraph_version=paragraph_version,
        paragraph_marking=paragraph_marking,
    )


def _paragraphs(execute: Execute) -> tuple[np.ndarray, Column]:
    """Every paragraph's version and marking, by paragraph id (all versions' paragraphs:
    the version mask keeps the current ones)."""
    size = int(execute("SELECT coalesce(max(id), 0) FROM paragraphs").fetchone()[0]) + 1
    encoder, ids, versions = _Codes(), [], []
    for pids, vids, markings in _chunks(execute("SELECT id, version_id, marking FROM paragraphs")):
        ids.append(_ints(pids))
        versions.append(_ints(vids))
        encoder.add(markings)
    who = _joined(ids)
    version = np.full(size, -1, dtype=np.int64)
    version[who] = _joined(versions)
    return version, encoder.single(size, who)


def _places(order: np.ndarray, size: int) -> np.ndarray:
    places = np.full(size, size, dtype=np.int64)
    places[order] = np.arange(len(order), dtype=np.int64)
    return places


#: Current version ids in date order as the SQL search sorts them (undated last, then id).
_IN_ORDER = (
    "SELECT id FROM versions {cover} WHERE is_current ORDER BY date IS NULL, date {way}, cable_id"
)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


_CHUNK = 100_000


def _chunks(cursor: Any) -> Iterable[tuple[tuple[Any, ...], ...]]:
    """The cursor's rows a chunk at a time, as columns."""
    while rows := cursor.fetchmany(_CHUNK):
        yield tuple(zip(*rows, strict=True))


def _ints(values: tuple[Any, ...]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64, count=len(values))


class _Codes:
    """Values → codes, a chunk at a time (empty and None: no value)."""

    def __init__(self) -> None:
        self.lookup: dict[str | None, int] = {}
        self.parts: list[np.ndarray] = []

    def _code(self, value: str | None) -> int:
        if value is None or value == "":
            return -1
        return self.lookup.setdefault(value, len(self.lookup))

    def add(self, values: tuple[str | None, ...]) -> None:
        self.parts.append(np.fromiter(map(self._code, values), dtype=np.int32, count=len(values)))

    def _all(self) -> tuple[np.ndarray, list[str]]:
        distinct = [str(v) for v in self.lookup]
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        codes[codes < 0] = len(distinct)
        return codes, distinct

    def single(self, size: int, owners: np.ndarray) -> Column:
        codes, distinct = self._all()
        column = np.full(size, len(distinct), dtype=np.int32)
        column[owners] = codes
        return Column(column, distinct)

    def ranks(self, size: int, owners: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Per version id the rank of its value among the distinct values in sorted order
        (-1: none), and those values sorted: a range of values is a range of ranks."""
        codes, distinct = self._all()
        order = sorted(range(len(distinct)), key=distinct.__getitem__)
        rank_of = np.empty(len(distinct) + 1, dtype=np.int32)
        rank_of[np.array(order, dtype=np.int64)] = np.arange(len(distinct), dtype=np.int32)
        rank_of[len(distinct)] = -1
        column = np.full(size, -1, dtype=np.int32)
        column[owners] = rank_of[codes]
        return column, [distinct[i] for i in order]

    def multi(self, owners: np.ndarray, size: int) -> Column:
        codes, distinct = self._all()
        width = len(distinct) + 1
        keep = codes < len(distinct)
        # One entry per distinct (version, value): a cable naming a recipient twice counts once.
        pairs = np.unique(owners[keep] * width + codes[keep])  # sorted: by owner, then value
        whose = pairs // width
        values = (pairs % width).astype(np.int32)
        by_value = np.argsort(values, kind="stable")
        return Column(
            values,
            distinct,
            owners=whose,
            offsets=np.searchsorted(whose, np.arange(size + 1, dtype=np.int64)),
            by_value=by_value,
            value_offsets=np.searchsorted(
                values[by_value], np.arange(len(distinct) + 1, dtype=np.int32)
            ),
        )


class _Loaded:
    """The columns of each archive file loaded in this process, shared by its connections."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_path: dict[str, FacetColumns] = {}

    def get(self, path: str, db: Any) -> FacetColumns | None:
        """The columns of `path` if loaded and still current (a stale set is dropped)."""
        with self._lock:
            columns = self._by_path.get(path)
        if columns is None:
            return None
        if columns.generation != generation(db):
            with self._lock:
                if self._by_path.get(path) is columns:
                    del self._by_path[path]
            return None
        return columns

    def warm(
        self, path: str, db: Any, loader: Callable[[Any], FacetColumns] = load
    ) -> FacetColumns:
        """Load (or reload) the columns of archive `path` (a file, a database URL) through
        the connection `db`."""
        columns = self.get(path, db)
        if columns is None:
            columns = loader(db)
            with self._lock:
                self._by_path[path] = columns
        return columns

    def forget(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._by_path.clear()
            else:
                self._by_path.pop(path, None)


LOADED = _Loaded()

__all__ = ["LOADED", "Column", "Execute", "FacetColumns", "generation", "load", "sqlite_snapshot"]
