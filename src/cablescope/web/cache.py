"""Remembered store reads for the pages: counts over the whole archive cost seconds at 250k
cables, and the same ones are asked for again and again (landing page, browse pages, the
empty search, every page of results of one query).

Entries are keyed by the archive's state on disk (size and modification time of the
database file and its write-ahead log), so an ingest into the archive while the server runs
empties the cache instead of serving stale counts. One computation per key at a time: a
second reader asking for the same counts waits for the first instead of repeating them.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from cablescope.search.query import Node
from cablescope.search.results import SearchPage
from cablescope.store import Store

T = TypeVar("T")

#: Remembered results at most (a facet result is a few kB; a page of hits a few more).
MAX_ENTRIES = 512


def archive_stamp(db: str) -> tuple[tuple[int, int], ...]:
    """(size, mtime) of the archive file and its WAL: changes whenever a write lands."""
    stamp = []
    for path in (db, db + "-wal"):
        try:
            info = os.stat(path)
        except OSError:
            stamp.append((-1, -1))
        else:
            stamp.append((info.st_size, info.st_mtime_ns))
    return tuple(stamp)


class ArchiveCache:
    """A bounded LRU of computed results, emptied when the archive changes on disk."""

    def __init__(self, db: str, max_entries: int = MAX_ENTRIES) -> None:
        self.db = db
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[int, int], ...] | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}

    def _current(self) -> tuple[tuple[int, int], ...]:
        """The archive's stamp; a new one forgets everything remembered (call under lock)."""
        stamp = archive_stamp(self.db)
        if stamp != self._stamp:
            self._entries.clear()
            self._stamp = stamp
        return stamp

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            self._current()
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                stamp = self._current()
                if key in self._entries:
                    return self._entries[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                if archive_stamp(self.db) == stamp == self._stamp:
                    self._entries[key] = value
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


class CachedReads:
    """The store reads the pages make, through an `ArchiveCache`; same signatures as the
    `Store` methods. Cable pages read the store directly: one cable is an index lookup."""

    def __init__(self, store: Store, cache: ArchiveCache) -> None:
        self.store = store
        self.cache = cache

    def counts(self) -> dict[str, int]:
        return self.cache.get(("counts",), self.store.counts)

    def search(self, node: Node, *, limit: int, offset: int, sort: str) -> SearchPage:
        return self.cache.get(
            ("search", node, limit, offset, sort),
            lambda: self.store.search(node, limit=limit, offset=offset, sort=sort),
        )

    def facets(
        self, node: Node | None, *, fields: Sequence[str], limit: int | None
    ) -> dict[str, list[tuple[str, int]]]:
        return self.cache.get(
            ("facets", node, tuple(fields), limit),
            lambda: self.store.facets(node, fields=fields, limit=limit),
        )

    def histogram(self, node: Node | None, *, interval: str) -> list[tuple[str, int]]:
        return self.cache.get(
            ("histogram", node, interval), lambda: self.store.histogram(node, interval=interval)
        )


_CREATING = threading.Lock()


def page_cache(app: Any) -> ArchiveCache:
    """The app's cache, made on first use, for the archive its `StorePool` serves."""
    cache = getattr(app.state, "web_cache", None)
    if cache is None:
        with _CREATING:
            cache = getattr(app.state, "web_cache", None)
            if cache is None:
                cache = ArchiveCache(app.state.stores.db)
                app.state.web_cache = cache
    return cache


__all__ = ["ArchiveCache", "CachedReads", "archive_stamp", "page_cache"]
