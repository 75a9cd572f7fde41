"""Reading one cable's neighbourhood from the SQLite archive: which cables cite it.

Kept out of `sqlite.py` so the reading queries grow without touching the write path. Only
default versions count as citing: an older text of a cable is history, not the archive's
current word, and counting it would list the same citing cable twice.
"""

from __future__ import annotations

import sqlite3


def cited_by(db: sqlite3.Connection, cable_id: str) -> list[str]:
    """Ids of the default versions whose REF entries name `cable_id`, in id order.

    `refs.value` holds the canonical id for cable references, and `refs_value_nocase`
    indexes it (case-blind, as the `ref:` filter compares),
    so this is an index lookup whatever the archive size.
    """
    rows = db.execute(
        "SELECT DISTINCT v.cable_id FROM refs r JOIN versions v ON v.id = r.version_id "
        "WHERE r.value = ? COLLATE NOCASE AND v.is_current AND v.cable_id != ? "
        "ORDER BY v.cable_id",
        (cable_id, cable_id),
    )
    return [row[0] for row in rows]


__all__ = ["cited_by"]
