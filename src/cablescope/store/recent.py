"""The ids matching a store's last few queries, so that a search page's count, facets and
histogram find its matches once. Keyed by the archive's state (its newest version id:
versions are only added, and every change adds one), so an answer never outlives a write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Queries remembered per store.
RECENT_QUERIES = 8


class RecentMatches:
    """A small least-recently-used map (archive state, query) → matching ids."""

    def __init__(self, size: int = RECENT_QUERIES) -> None:
        self.size = size
        self._ids: dict[tuple[int, str], Any] = {}

    def get(self, state: int, query: object, compute: Callable[[], Any]) -> Any:
        """The ids for `query` at `state`, computed by `compute` when not remembered."""
        key = (state, repr(query))
        ids = self._ids.pop(key, None)
        if ids is None:
            ids = compute()
        self._ids[key] = ids
        while len(self._ids) > self.size:
            self._ids.pop(next(iter(self._ids)))
        return ids

    def clear(self) -> None:
        self._ids.clear()


__all__ = ["RECENT_QUERIES", "RecentMatches"]
