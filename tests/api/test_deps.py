"""The API's stores: each request checks one out alone, so concurrent requests never share
a connection (FastAPI runs a dependency in another thread than its endpoint)."""

from __future__ import annotations

import threading

from cablescope.api.deps import StorePool

from .conftest import Archive


def test_a_checked_out_store_is_nobody_elses_until_returned(seeds_archive: Archive) -> None:
    pool = StorePool(seeds_archive.path)
    try:
        first, second = pool.acquire(), pool.acquire()
        assert first is not second
        pool.release(first)
        assert pool.acquire() is first  # reused, not reopened
        pool.release(first)
        pool.release(second)
    finally:
        pool.close()


def test_concurrent_checkouts_get_distinct_stores(seeds_archive: Archive) -> None:
    pool = StorePool(seeds_archive.path)
    held: list[object] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        store = pool.acquire()
        barrier.wait()  # all four hold one at the same time
        held.append(store)
        assert store.get("08LONDON3062") is not None
        barrier.wait()
        pool.release(store)

    threads = [threading.Thread(target=work) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len({id(store) for store in held}) == 4
    finally:
        pool.close()
