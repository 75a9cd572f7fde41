"""Per-thread read-only stores: FastAPI runs sync endpoints in a thread pool, and an SQLite
connection is cheapest reused by the thread that opened it (its page cache stays warm)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

from fastapi import Request

from cablescope.store import Store, open_store


class StorePool:
    """One read-only `Store` per worker thread, all on the same archive."""

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.db = os.fspath(db)
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        open_store(self.db, read_only=True).close()  # fail at start-up, not on first request

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db, read_only=True)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every store; threads asking afterwards get new ones (an app's lifespan may
        end and start again, as test clients do)."""
        with self._lock:
            self._local = threading.local()
            for store in self._opened:
                store.close()
            self._opened.clear()


def get_store(request: Request) -> Iterator[Store]:
    """FastAPI dependency: this thread's store on the app's archive."""
    yield request.app.state.stores.get()
