"""Streaming, batched ingest: `cablescope.read` → `Store.write_batch`, whatever the backend.

Memory stays bounded by one batch (500 cables by default) whatever the corpus size. Each
batch is one transaction, so a killed run leaves whole batches behind and a rerun, whose
writes are idempotent, completes the archive without duplicating anything.
"""

from __future__ import annotations

import os
import tarfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import cablescope
from cablescope.errors import CableError
from cablescope.model import Cable
from cablescope.store import BatchResult, Store

DEFAULT_BATCH_SIZE = 500

#: Called after each batch with the cables just stored and the last source name.
ProgressHook = Callable[[int, str], object]

_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_MULTI_CABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".gz", ".bz2", ".xz", ".zip")


@dataclass(slots=True)
class IngestReport:
    """What a run read and what it changed."""

    stored: BatchResult = field(default_factory=BatchResult)
    failed: list[tuple[str, str]] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        elapsed = self.elapsed
        return self.stored.cables / elapsed if elapsed > 0 else 0.0


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """Read every cable under `paths` and store it, one transaction per `batch_size` cables."""
    report = IngestReport()
    errors: list[CableError] = []
    batch: list[Cable] = []

    def flush() -> None:
        report.stored.add(store.write_batch(batch, errors))
        report.failed.extend((str(e.source or "?"), str(e.reason or e)) for e in errors)
        if progress is not None:
            progress(len(batch), batch[-1].source.name or "" if batch else "")
        batch.clear()
        errors.clear()

    for cable in cablescope.read(list(paths), on_error=errors.append):
        for problem in cable.problems:
            report.problems[problem.field] += 1
        batch.append(cable)
        if len(batch) >= batch_size:
            flush()
    if batch or errors:
        flush()
    return report


def estimate_total(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many cables `paths` hold, where cheap to tell (files, tar members); else None.

    Multi-cable files (CSV, JSON Lines, compressed streams) cannot be counted without
    parsing them, so a corpus holding any gives None: a rate without an ETA.
    """
    total = 0
    for path in paths:
        name = os.fspath(path)
        if os.path.isdir(name):
            for _root, dirs, files in os.walk(name):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for file in files:
                    if file.startswith("."):
                        continue
                    if file.lower().endswith(_ARCHIVE_SUFFIXES + _MULTI_CABLE_SUFFIXES):
                        return None
                    total += 1
        elif name.lower().endswith(_ARCHIVE_SUFFIXES):
            count = _tar_members(name)
            if count is None:
                return None
            total += count
        elif name.lower().endswith(_MULTI_CABLE_SUFFIXES) or not os.path.isfile(name):
            return None
        else:
            total += 1
    return total


def _tar_members(name: str) -> int | None:
    """Regular, non-hidden members of a tar, counted from its headers in one streaming pass."""
    try:
        with tarfile.open(name, mode="r|*") as archive:
            return sum(
                1
                for member in archive
                if member.isfile()
                and not any(part.startswith(".") for part in member.name.split("/"))
            )
    except (OSError, tarfile.TarError, EOFError):
        return None


__all__ = ["DEFAULT_BATCH_SIZE", "IngestReport", "estimate_total", "ingest"]
