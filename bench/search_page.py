"""A search page's parts, timed in process: the hits, the facets and the year histogram.

    python bench/search_page.py --db postgresql://user@host/db [--cold] [QUERY ...]
    python bench/search_page.py --db /tmp/c250k.db 'iran' '"prime minister"'

The store is warmed first as `cablescope serve` warms it (facet columns in memory) unless
`--cold`; each query runs twice with the remembered matches forgotten before each run, and
both runs are printed (the first reads from disk what the second finds in the cache).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from cablescope.search.query import parse_query
from cablescope.store import open_store

QUERIES = [
    "iran",
    '"prime minister"',
    "tag:PREL date:2009",
    "nuclear AND weapons",
    "from:TOKYO",
    "tag:PTER",
    "para:S terrorism",
]


def _ms(call: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return round((time.perf_counter() - started) * 1000, 1)


def measure(db: str, queries: list[str], warm: bool = True) -> dict[str, Any]:
    with open_store(db, read_only=True) as store:
        warmed = _ms(store.warm) if warm else None
        runs: dict[str, list[dict[str, float]]] = {}
        for query in queries:
            tree = parse_query(query)
            runs[query] = []
            for _ in range(2):
                store.clear_caches()
                runs[query].append(
                    {
                        "search_ms": _ms(store.search, tree, limit=20),
                        "facets_ms": _ms(store.facets, tree, limit=10),
                        "histogram_ms": _ms(store.histogram, tree, interval="year"),
                    }
                )
    return {"db": db, "warm_ms": warmed, "queries": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a postgresql:// URL")
    parser.add_argument("--cold", action="store_true", help="no facet columns in memory")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("queries", nargs="*", default=QUERIES)
    args = parser.parse_args()
    result = measure(args.db, args.queries, warm=not args.cold)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    if result["warm_ms"] is not None:
        print(f"warm-up {result['warm_ms'] / 1000:.1f} s")
    for query, runs in result["queries"].items():
        for run in runs:
            print(
                f"{query[:30]:30}  search {run['search_ms']:8.1f} ms  "
                f"facets {run['facets_ms']:7.1f} ms  histogram {run['histogram_ms']:7.1f} ms"
            )


if __name__ == "__main__":
    main()
