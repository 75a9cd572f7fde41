"""Stored-mentions benchmark: `cablescope enrich` throughput and the time of a question.

    python bench/enrich.py --db /tmp/h2_20k.db                 # extract all, then query
    python bench/enrich.py --db /tmp/h2_250k.db --limit 5000   # a slice of a big archive
    python bench/enrich.py --db FILE --query-only              # the question alone

It runs `cablescope enrich` as a user would (a subprocess, progress bar off) and reports
cables/s over the wall time, then runs it again (incremental: without `--limit` it should
find nothing to do; with it, it resumes with the next N cables), reports the megabytes the
mention tables take, then asks "which SECRET paragraphs mention ISI" through the Store API
(cold, then warm; the median of `--repeat` runs) and through the CLI (`cablescope mentions
ISI --marking S`).
Writes to the archive: run it on a copy you own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTITY = "ISI"
MARKING = "S"


def _cli(*args: str) -> tuple[float, str, str]:
    """Run ``python -m cablescope.cli ARGS``; (wall seconds, stdout, stderr)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cablescope.cli", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    return time.perf_counter() - started, done.stdout, done.stderr


def run_enrich(db: str, limit: int | None, workers: int | None) -> dict[str, float]:
    args = ["enrich", "--db", db, "--no-progress"]
    if limit:
        args += ["--limit", str(limit)]
    if workers is not None:
        args += ["--workers", str(workers)]
    wall, _, err = _cli(*args)
    match = re.search(r"enriched ([\d,]+) cables \(([\d,]+) mentions\)", err)
    cables = int(match.group(1).replace(",", "")) if match else 0
    mentions = int(match.group(2).replace(",", "")) if match else 0
    return {
        "cables": cables,
        "mentions": mentions,
        "wall_s": round(wall, 2),
        "cables_per_s": round(cables / wall, 1) if wall else 0.0,
        "log": err.strip(),
    }


def storage(db: str) -> dict[str, float] | None:
    """Megabytes the mention tables and their index take (SQLite's dbstat), if available."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            rows = con.execute(
                "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'mention%' GROUP BY name"
            ).fetchall()
    except sqlite3.Error:
        return None
    return {name: round(size / 1e6, 1) for name, size in rows}


def time_query(db: str, repeat: int) -> dict[str, float]:
    """The ISI/SECRET question through the Store API: resolve the name, list the first 50
    SECRET mentions, and count them per marking."""
    from cablescope.graph.corpus import stored_corrections
    from cablescope.graph.stored import selects_for, stored_id
    from cablescope.store import open_store

    times = []
    total = 0
    entity = None
    for _ in range(repeat):
        with open_store(db, read_only=True) as store:
            started = time.perf_counter()
            corrections = stored_corrections(store)
            entity = stored_id(store, ENTITY, corrections)
            selects = selects_for(entity or "", corrections)
            page = store.mentions(selects, marking=MARKING, limit=50)
            store.mention_counts(selects)
            times.append(time.perf_counter() - started)
            total = page.total
    return {
        "entity": entity,
        "secret_mentions": total,
        "first_ms": round(times[0] * 1000, 1),
        "median_ms": round(statistics.median(times) * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="A SQLite archive you own (it is written)")
    parser.add_argument("--limit", type=int, default=None, help="Extract at most N cables")
    parser.add_argument("--workers", type=int, default=None, help="Extraction processes")
    parser.add_argument("--repeat", type=int, default=5, help="Query runs (median)")
    parser.add_argument("--query-only", action="store_true", help="Skip the extraction")
    parser.add_argument("--json", action="store_true", help="One JSON object on stdout")
    args = parser.parse_args(argv)
    result: dict[str, object] = {"db": args.db, "cpus": os.cpu_count()}
    if hasattr(os, "getloadavg"):
        result["load_before"] = round(os.getloadavg()[0], 2)
    if not args.query_only:
        result["enrich"] = run_enrich(args.db, args.limit, args.workers)
        # Without --limit a second run must find nothing to do; with it, it resumes with the
        # next N cables (the rate again, further into the archive).
        again = "enrich_again" if args.limit is None else "enrich_next"
        result[again] = run_enrich(args.db, args.limit, args.workers)
    result["storage_mb"] = storage(args.db)
    result["query"] = time_query(args.db, args.repeat)
    cli_wall, out, _ = _cli("mentions", ENTITY, "--db", args.db, "--marking", MARKING, "--json")
    result["cli_mentions"] = {"wall_s": round(cli_wall, 2), "listed": len(json.loads(out))}
    if hasattr(os, "getloadavg"):
        result["load_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
