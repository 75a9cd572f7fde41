"""The seeds in two archives, one with mentions extracted and stored (`cablescope enrich`)
and one without, for the tests that compare both ways of reading mentions."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import cablescope
from cablescope.commands.enrich import enrich
from cablescope.store import open_store


def seeds_with_and_without_mentions(seeds_dir: Path, directory: Path) -> dict[str, Any]:
    """``{"plain": path, "stored": path, "records": [the seeds' records]}``."""
    cables = list(cablescope.read(seeds_dir))
    plain = directory / "plain.db"
    with open_store(plain) as store:
        store.write_batch(cables)
    stored = plain.with_name("stored.db")
    shutil.copy(plain, stored)
    with open_store(stored) as store:
        enrich(store)
    return {"plain": plain, "stored": stored, "records": [c.to_dict() for c in cables]}
