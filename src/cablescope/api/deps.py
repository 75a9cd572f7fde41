"""Read-only stores for the server's threads: web pages take their worker thread's own store
(an SQLite connection is cheapest reused by the thread that opened it: its page cache stays
warm); API endpoints check one out per request (`get_store`), since FastAPI runs their
dependencies in another thread than the endpoint, and return it when the answer is sent."""

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
        self._free: list[Store] = []
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

    def acquire(self) -> Store:
        """A store for one request's exclusive use, until `release`: an endpoint's
        dependencies run in another worker thread than the endpoint itself, so a store kept
        per thread could serve two requests at once."""
        with self._lock:
            if self._free:
                return self._free.pop()
        store = open_store(self.db, read_only=True)
        with self._lock:
            self._opened.append(store)
        return store

    def release(self, store: Store) -> None:
        with self._lock:
            if store in self._opened:
                self._free.append(store)

    def close(self) -> None:
        """Close every store; threads asking afterwards get new ones (an app's lifespan may
        end and start again, as test clients do)."""
        with self._lock:
            self._local = threading.local()
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._free.clear()


def get_store(request: Request) -> Iterator[Store]:
    """FastAPI dependency: a store on the app's archive, this request's alone."""
    stores: StorePool = request.app.state.stores
    store = stores.acquire()
    try:
        yield store
    finally:
        stores.release(store)
