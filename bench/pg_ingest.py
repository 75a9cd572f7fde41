"""Ingest benchmark for the PostgreSQL backend: COPY write rate and end-to-end CLI ingest.

    python bench/pg_ingest.py                          # the dev tarball, a throw-away cluster
    python bench/pg_ingest.py --corpus /tmp/c20k       # a generated corpus (make_corpus.py)
    python bench/pg_ingest.py --db postgresql://u@host/db   # an existing (empty) database
    python bench/pg_ingest.py --limit 5000 --json
    python bench/pg_ingest.py --transfer-from /tmp/c20k.db --no-cli   # `cablescope transfer`

Figures. *write*: cables parsed and flattened here beforehand (`records.to_rows`), then
only `Store.write_rows` timed, 500 a batch, plus the end of the load (`finish_load`: the
indexes an empty archive defers, built once): the backend's own rate, what COPY buys (the
issue's target is 2,000 cables/s). *end to end*: `cablescope ingest CORPUS --db URL` in a
subprocess, parsing included (bounded by the parse workers on a small machine). *transfer*:
`commands.transfer` from a SQLite archive into an empty database, index builds included,
with ``--workers`` reading ahead. With ``--sqlite`` the same write figure for a SQLite file,
for comparison. CPU per cable is given for this process (the client) and, for PostgreSQL,
for its server process (read from /proc: the cluster runs on this machine), so that a
figure taken on a busy machine can still be judged. The throw-away cluster
(`tests/store/pg_server.py`) keeps PostgreSQL's durable defaults (fsync on).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import resource
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


def _server_cpu(store: Any) -> float:
    """CPU seconds of the PostgreSQL server process behind `store` (0 for SQLite or a
    server elsewhere)."""
    db = getattr(store, "db", None)
    info = getattr(db, "info", None)
    try:
        fields = Path(f"/proc/{info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (AttributeError, OSError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu(count: int, client: float, server: float) -> dict[str, float]:
    per = 1000 / max(1, count)
    return {
        "client_ms_per_cable": round(client * per, 3),
        "server_ms_per_cable": round(server * per, 3),
    }


def write_rate(target: str, corpus: Path, limit: int | None) -> dict[str, Any]:
    """Time `write_rows` alone into a fresh archive at `target`, then the end of the load."""
    spent, count, client = 0.0, 0, 0.0
    with open_store(target) as store:
        server = _server_cpu(store)
        for rows in batches(corpus, limit):
            started, cpu = time.perf_counter(), time.process_time()
            store.write_rows(rows)
            spent += time.perf_counter() - started
            client += time.process_time() - cpu
            count += len(rows)
        started = time.perf_counter()
        store.finish_load()
        finished = time.perf_counter() - started
        server = _server_cpu(store) - server
        versions = store.counts()["versions"]
    return {
        "cables": count,
        "versions": versions,
        "write_seconds": round(spent, 2),
        "index_seconds": round(finished, 2),
        "write_per_s": round(count / (spent + finished), 1) if spent else None,
        **_cpu(count, client, server),
    }


def transfer_rate(source: Path, target: str, workers: int) -> dict[str, Any]:
    """`cablescope transfer SOURCE TARGET` (the command's code, in this process), timed."""
    from cablescope.commands.transfer import transfer

    with open_store(source, read_only=True) as src, open_store(target) as dst:
        server = _server_cpu(dst)
        started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        totals = transfer(src, dst, workers=workers, location=str(source))
        loaded = time.perf_counter()
        dst.finish_load()
        done = time.perf_counter()
        # The read-ahead workers count as the client: they have ended (and been waited for).
        client = time.process_time() + _children_cpu() - cpu
        server = _server_cpu(dst) - server
    count = totals["versions"]
    return {
        "cables": count,
        "workers": workers,
        "copy_seconds": round(loaded - started, 2),
        "index_seconds": round(done - loaded, 2),
        "cables_per_s": round(count / (done - started), 1),
        **_cpu(count, client, server),
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
    parser.add_argument(
        "--transfer-from", type=Path, help="also `cablescope transfer` from this SQLite archive"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="the transfer's read-ahead processes"
    )
    parser.add_argument("--no-write", action="store_true", help="skip the write figure")
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
        if not args.no_write:
            write_db = args.db or cluster.create_db("bench_write")
            results["postgresql_write"] = write_rate(write_db, args.corpus, args.limit)
        if args.transfer_from is not None:
            into = cluster.create_db("bench_transfer") if cluster is not None else args.db
            results["postgresql_transfer"] = transfer_rate(args.transfer_from, into, args.workers)
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
            cpu = ""
            if "client_ms_per_cable" in result:
                cpu = (
                    f"  (CPU per cable: client {result['client_ms_per_cable']:.3f} ms, "
                    f"server {result['server_ms_per_cable']:.3f} ms)"
                )
            print(f"{key:20} {result['cables']:>8,} cables  {rate:>9,.0f} cables/s{cpu}")


if __name__ == "__main__":  # guarded: the transfer's worker processes import this module
    main()
