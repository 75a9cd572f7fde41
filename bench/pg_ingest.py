"""Ingest benchmark for the PostgreSQL backend: COPY write rate and end-to-end CLI ingest.

    python bench/pg_ingest.py                          # the dev tarball, a throw-away cluster
    python bench/pg_ingest.py --corpus /tmp/c20k       # a generated corpus (make_corpus.py)
    python bench/pg_ingest.py --db postgresql://u@host/db   # an existing (empty) database
    python bench/pg_ingest.py --limit 5000 --json

Two figures. *write*: cables parsed and flattened here beforehand (`records.to_rows`), then
only `Store.write_rows` timed, 500 a batch: the backend's own rate, what COPY buys (the
issue's target is 2,000 cables/s). *end to end*: `cablescope ingest CORPUS --db URL` in a
subprocess, parsing included (bounded by the parse workers on a small machine). With
``--sqlite`` the same write figure for a SQLite file, for comparison. The throw-away cluster
(`tests/store/pg_server.py`) keeps PostgreSQL's durable defaults (fsync on).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cablescope
from cablescope.store import open_store
from cablescope.store.records import VersionRows, to_rows

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "cablegate-html-dev.tar.gz"
TARGET_PER_S = 2000.0
BATCH = 500


def _pg_server() -> Any:
    spec = importlib.util.spec_from_file_location("pg_server", REPO / "tests/store/pg_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def batches(corpus: Path, limit: int | None) -> Iterator[list[VersionRows]]:
    """Flattened cables, `BATCH` at a time (parsing is not timed)."""
    cables = itertools.islice(cablescope.read(corpus), limit)
    while chunk := list(itertools.islice(cables, BATCH)):
        yield [to_rows(cable) for cable in chunk]


def write_rate(target: str, corpus: Path, limit: int | None) -> dict[str, Any]:
    """Time `write_rows` alone into a fresh archive at `target`."""
    spent, count = 0.0, 0
    with open_store(target) as store:
        for rows in batches(corpus, limit):
            started = time.perf_counter()
            store.write_rows(rows)
            spent += time.perf_counter() - started
            count += len(rows)
        versions = store.counts()["versions"]
    return {
        "cables": count,
        "versions": versions,
        "write_seconds": round(spent, 2),
        "write_per_s": round(count / spent, 1) if spent else None,
    }


def cli_rate(url: str, corpus: Path) -> dict[str, Any]:
    """`cablescope ingest` end to end (parse workers included) into `url`."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cablescope.cli", "ingest", str(corpus), "--db", url],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    with open_store(url, read_only=True) as store:
        count = store.counts()["sources"]
    return {
        "cables": count,
        "seconds": round(wall, 2),
        "cables_per_s": round(count / wall, 1),
        "summary": done.stderr.strip().splitlines()[0] if done.stderr.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--db", help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--limit", type=int, help="write only the first N cables")
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the end-to-end ingest (always with --db)"
    )
    parser.add_argument("--sqlite", action="store_true", help="also the SQLite write rate")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"corpus": str(args.corpus), "target_per_s": TARGET_PER_S}
    cluster = None
    if args.db is None:
        server = _pg_server()
        bindir = server.find_bindir()
        if bindir is None:
            sys.exit("PostgreSQL's server programs are missing: apt-get install postgresql")
        cluster = server.Cluster(bindir, durable=True)
        cluster.start()
    try:
        write_db = args.db or cluster.create_db("bench_write")
        results["postgresql_write"] = write_rate(write_db, args.corpus, args.limit)
        if not args.no_cli and cluster is not None:  # --db is filled by the write run
            results["postgresql_cli"] = cli_rate(cluster.create_db("bench_cli"), args.corpus)
        if args.sqlite:
            with tempfile.TemporaryDirectory(prefix="cablescope-bench-") as tmp:
                db = str(Path(tmp) / "write.db")
                results["sqlite_write"] = write_rate(db, args.corpus, args.limit)
    finally:
        if cluster is not None:
            cluster.destroy()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"corpus {results['corpus']}")
    for key, result in results.items():
        if isinstance(result, dict):
            rate = result.get("write_per_s") or result.get("cables_per_s")
            print(f"{key:18} {result['cables']:>8,} cables  {rate:>9,.0f} cables/s")


if __name__ == "__main__":
    main()
