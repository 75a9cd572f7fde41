"""Ingest benchmark: parse + store + index into a fresh SQLite archive, end to end.

    python bench/ingest.py                     # the 3,347-page cablegate dev tarball
    python bench/ingest.py --generated 20000   # + a generated corpus of N cables
    python bench/ingest.py --json

Each corpus is ingested in a subprocess (`python -m cablescope.cli ingest`) into a new file;
reported: cables/s, peak RSS of that process, and the database size against the raw text
size (the texts as read, decompressed from the archive). The issue's target is 1,000
cables/s at 250k.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cablescope.store.records import decompress_raw

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "cablegate-html-dev.tar.gz"
TARGET_PER_S = 1000.0


def measure(corpus: Path, work: Path) -> dict[str, Any]:
    """Ingest `corpus` into a fresh archive in a child process and measure it."""
    db = work / f"{corpus.name}.db"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cablescope.cli",
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--no-progress",
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    cables, raw_bytes = _stored(db)
    db_bytes = sum(os.path.getsize(p) for p in work.glob(f"{db.name}*"))
    return {
        "corpus": str(corpus),
        "cables": cables,
        "seconds": round(wall, 2),
        "cables_per_s": round(cables / wall, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "raw_mb": round(raw_bytes / 1e6, 1),
        "db_mb": round(db_bytes / 1e6, 1),
        "db_over_raw": round(db_bytes / raw_bytes, 2) if raw_bytes else None,
    }


def _stored(db: Path) -> tuple[int, int]:
    """Cables stored (one source each) and the bytes of their texts as read, from the archive
    itself: its raw blobs decompress in seconds, where parsing the corpus again took minutes."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as archive:
        cables = archive.execute("SELECT count(*) FROM sources").fetchone()[0]
        raw_bytes = sum(
            len(decompress_raw(blob).encode("utf-8", "surrogatepass"))
            for (blob,) in archive.execute("SELECT raw FROM versions WHERE raw IS NOT NULL")
        )
    return cables, raw_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--generated", type=int, default=0, help="also N generated cables")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="cablescope-bench-") as tmp:
        work = Path(tmp)
        if args.corpus.exists():
            results.append(measure(args.corpus, work))
        if args.generated:
            from cablescope.demo.generator import write_corpus

            generated = work / "generated"
            write_corpus(generated, args.generated)
            results.append(measure(generated, work))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        flag = "ok" if r["cables_per_s"] >= TARGET_PER_S else f"below {TARGET_PER_S:,.0f}"
        print(
            f"{r['corpus']}\n  {r['cables']:,} cables in {r['seconds']} s = "
            f"{r['cables_per_s']:,} cables/s ({flag}); peak RSS {r['peak_rss_mb']} MB; "
            f"DB {r['db_mb']} MB vs raw {r['raw_mb']} MB ({r['db_over_raw']}x)"
        )


if __name__ == "__main__":
    main()
