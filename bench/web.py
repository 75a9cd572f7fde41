"""Web and API benchmark: server time per page type, then search under concurrent load.

    python bench/web.py --db /tmp/c250k.db [--load-seconds 20] [--clients 8] [--json]
    python bench/web.py --db postgresql://user@host/db --no-pages   # the same, over PostgreSQL
    python bench/web.py --db ... --no-pages --mix page   # search + facets + histogram, warm

1. Server time: every page type is requested in-process through FastAPI's TestClient (no
   network), on first visit (distinct URLs, nothing cached) and again (the web cache warm);
   p50/p95 per page type. Page types: landing, search (10 queries from `bench/search.py`),
   cable page, cable read as cleared for CONFIDENTIAL, raw text, browse (origins, TAGS,
   months), and the JSON API's search.
2. Load: a real `cablescope serve` in a child process on loopback; this process sends a fixed
   mix of API searches from `--clients` threads for `--load-seconds`; requests/s and p50/p95,
   and per query of the mix its p50/p95 (which query is slow on which backend). `--db` is a
   SQLite file or a PostgreSQL URL: the same mix, the same server, either backend.
The issue's target: every page under 200 ms server time on the 250k archive.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import QUERIES, percentile

SEARCHES = [query for query, _facets in QUERIES[:25:2]][:10]


def _cable_ids(db: str, count: int) -> list[str]:
    from cablescope.search.query import parse_query
    from cablescope.store import open_store

    with open_store(db, read_only=True) as store:
        page = store.search(parse_query("tag:PREL"), limit=count, sort="-date")
        return [hit.id for hit in page.hits]


def page_times(db: str) -> dict[str, Any]:
    warnings.simplefilter("ignore")
    os.environ.setdefault("CABLESCOPE_WARM", "0")
    from fastapi.testclient import TestClient

    from cablescope.api.app import create_app

    ids = _cable_ids(db, 10)
    quoted = [urllib.parse.quote(q) for q in SEARCHES]
    pages: dict[str, list[str]] = {
        "landing": ["/"],
        "search": [f"/search?q={q}" for q in quoted],
        "cable": [f"/cable/{i}" for i in ids],
        "cable cleared": [f"/cable/{i}?cleared=CONFIDENTIAL" for i in ids[:5]],
        "raw text": [f"/cable/{i}/raw" for i in ids[:5]],
        "browse": ["/browse/origins", "/browse/tags", "/browse/months"],
        "api search": [f"/api/v1/search?q={q}" for q in quoted],
    }
    from cablescope.store import open_store

    result: dict[str, Any] = {}
    # As `cablescope serve` does at start: the in-memory facet columns. The page cache is left
    # cold (CABLESCOPE_WARM=0 above), so a first visit computes its counts.
    started = time.perf_counter()
    with open_store(db, read_only=True) as store:
        store.warm()
    result["columns loaded (s)"] = round(time.perf_counter() - started, 2)
    with TestClient(create_app(db)) as client:
        for kind, urls in pages.items():
            for visit in ("first", "again"):
                times = []
                for url in urls:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                result[f"{kind} ({visit})"] = {
                    "n": len(times),
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile([t / 1000 for t in times], 0.95) * 1000, 1),
                    "max_ms": round(max(times), 1),
                }
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: What one request of the load is: a search alone, or a search page's worth (the hits, then
#: the facets and the date histogram of the same query, as the web search page shows them).
MIXES = {
    "search": ("/api/v1/search",),
    "page": ("/api/v1/search", "/api/v1/facets", "/api/v1/histogram"),
}


def _wait_until_warm(server: subprocess.Popen[str], timeout: float) -> float:
    """Seconds until the server says it is warm (`WARM_NOTICE` on its standard error)."""
    from cablescope.web import WARM_NOTICE

    assert server.stderr is not None
    started = time.monotonic()
    done = threading.Event()

    def watch() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            if WARM_NOTICE in line:
                done.set()
        done.set()  # the server ended

    threading.Thread(target=watch, daemon=True).start()
    if not done.wait(timeout) or server.poll() is not None:
        raise SystemExit(f"the server did not warm up within {timeout:.0f} s")
    return time.monotonic() - started


def load(
    db: str, seconds: float, clients: int, mix: str = "search", warm_timeout: float = 900
) -> dict[str, Any]:
    """`clients` threads send the query mix for `seconds`. With the "page" mix the server
    warms up first (facet columns in memory, as a team server runs) and each request is a
    search page's three API calls; the "search" mix measures searches on a cold server."""
    port = _free_port()
    warm = mix == "page"
    server = subprocess.Popen(
        [sys.executable, "-m", "cablescope", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if warm else subprocess.DEVNULL,
        text=True,
        env={**os.environ, "CABLESCOPE_WARM": "1" if warm else "0"},
    )
    base = f"http://127.0.0.1:{port}"
    warmed = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/api/v1/stats", timeout=30)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        if warm:
            warmed = round(_wait_until_warm(server, warm_timeout), 1)
        latencies: list[float] = []
        per_query: dict[str, list[float]] = {query: [] for query in SEARCHES}
        errors = 0
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(offset: int) -> None:
            nonlocal errors
            with httpx.Client(base_url=base, timeout=60) as http:
                n = offset
                while time.monotonic() < stop:
                    query = SEARCHES[n % len(SEARCHES)]
                    n += 1
                    started = time.perf_counter()
                    failed = 0
                    for path in MIXES[mix]:
                        failed += http.get(path, params={"q": query}).status_code != 200
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        per_query[query].append(elapsed)
                        errors += failed

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "mix": mix,
        "warm_s": warmed,
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "queries": {
            query: {
                "n": len(times),
                "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            }
            for query, times in per_query.items()
            if times
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a postgresql:// URL")
    parser.add_argument(
        "--no-pages", action="store_true", help="the load test only, no per-page times"
    )
    parser.add_argument("--load-seconds", type=float, default=20, help="0: no load test")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--mix",
        choices=sorted(MIXES),
        default="search",
        help="search: API searches on a cold server; page: search + facets + histogram per "
        "request, on a server warmed up first",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"pages": {} if args.no_pages else page_times(args.db)}
    if args.load_seconds > 0:
        result["load"] = load(args.db, args.load_seconds, args.clients, args.mix)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for kind, figures in result["pages"].items():
        if not isinstance(figures, dict):
            print(f"{kind}: {figures}")
            continue
        print(
            f"{kind:22} n={figures['n']:2}  p50 {figures['p50_ms']:7.1f} ms  "
            f"p95 {figures['p95_ms']:7.1f} ms  max {figures['max_ms']:7.1f} ms"
        )
    loaded = result.get("load")
    if loaded is None:
        return
    print(
        f"load ({loaded['mix']} mix"
        + (f", server warm in {loaded['warm_s']} s" if loaded["warm_s"] is not None else "")
        + f"): {loaded['clients']} clients, {loaded['requests']} requests in "
        f"{loaded['seconds']} s = {loaded['requests_per_s']} req/s, p50 {loaded['p50_ms']} ms, "
        f"p95 {loaded['p95_ms']} ms, {loaded['errors']} errors"
    )
    for query, figures in loaded["queries"].items():
        print(
            f"  {query[:40]:40} n={figures['n']:4}  p50 {figures['p50_ms']:7.1f} ms  "
            f"p95 {figures['p95_ms']:7.1f} ms"
        )


if __name__ == "__main__":
    main()
