"""Users' entity corrections (merge, split, rename) in an SQLite archive.

They live in their own table, ``entity_corrections``, made on first use: nothing the
machine writes (ingest, re-ingest, a later re-extraction) touches it, so a user's decisions
outlive every rebuild of the machine's output. Each row is one correction as a JSON object,
numbered in the order it was made (corrections are applied in that order).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

TABLE = "entity_corrections"
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "created_at TEXT NOT NULL, "
    "correction TEXT NOT NULL)"
)


def corrections(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every stored correction, oldest first, with its ``seq`` and ``created_at``; none
    when the table was never made (an archive nobody corrected, opened read-only)."""
    try:
        rows = db.execute(
            f"SELECT seq, created_at, correction FROM {TABLE} ORDER BY seq"
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    return [json.loads(body) | {"seq": seq, "created_at": created} for seq, created, body in rows]


def add_correction(db: sqlite3.Connection, correction: dict[str, Any]) -> None:
    """Append one correction (a JSON-able dict) in its own transaction."""
    body = {k: v for k, v in correction.items() if k not in ("seq", "created_at")}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_CREATE)
        db.execute(f"INSERT INTO {TABLE} (created_at, correction) VALUES (?, ?)", (now, text))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


__all__ = ["TABLE", "add_correction", "corrections"]
