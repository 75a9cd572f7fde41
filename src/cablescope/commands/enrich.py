"""`cablescope enrich`: extract every cable's entity mentions once and store them.

Streaming and incremental: only default versions without stored mentions are read (a
second run has nothing to do; a re-ingested text is a new version and is extracted, its
predecessor's rows dropped), `--batch-size` at a time, each batch committed on its own,
so an interrupted run resumes where it stopped. Extraction runs in worker processes (one
per CPU, as ingest parses) while this process reads and writes.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from cablescope.cli import DbOption, ProgressOption, _stderr_console, app
from cablescope.commands.graph import open_archive
from cablescope.graph.stored import MentionRow, rows_for_batch
from cablescope.ingest import default_workers
from cablescope.store import DEFAULT_DB

#: Records sent to a worker at once, and records read (and committed) per batch.
CHUNK = 16
BATCH = 500


@dataclass(slots=True)
class EnrichReport:
    """What a run did: cables extracted, mentions stored, versions pruned, seconds."""

    cables: int = 0
    mentions: int = 0
    pruned: int = 0
    already: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.cables / self.seconds if self.seconds > 0 else 0.0


Job = list[tuple[int, dict[str, Any]]]
Result = list[tuple[int, list[MentionRow]]]


def _chunks(items: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[Job]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _extracted(jobs: Iterator[Job], workers: int) -> Iterator[Result]:
    """Each job's rows, in order; in `workers` processes (0: here), a bounded number of
    jobs in flight so memory stays flat however big the archive."""
    if workers <= 0:
        yield from map(rows_for_batch, jobs)
        return
    context = multiprocessing.get_context("spawn")  # no inherited database handles
    with context.Pool(workers) as pool:
        pending: deque[Any] = deque()
        for job in jobs:
            pending.append(pool.apply_async(rows_for_batch, (job,)))
            while len(pending) > 4 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def enrich(
    store: Any,
    *,
    workers: int = 0,
    batch_size: int = BATCH,
    limit: int | None = None,
    redo: bool = False,
    progress: Callable[[int], object] | None = None,
) -> EnrichReport:
    """Extract and store the mentions of every default version that has none yet (at most
    `limit`); `redo` forgets every stored mention first (after a better extractor)."""
    started = time.perf_counter()
    report = EnrichReport(pruned=store.prune_mentions(everything=redo))
    report.already = store.mention_progress()[0]
    records = store.pending_mentions(batch_size)
    if limit is not None:
        records = itertools.islice(records, limit)
    batch: dict[int, list[MentionRow]] = {}

    def flush() -> None:
        report.mentions += store.write_mentions(batch)
        report.cables += len(batch)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for result in _extracted(_chunks(records, CHUNK), workers):
        batch.update(result)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    report.seconds = time.perf_counter() - started
    return report


@app.command(
    "enrich",
    epilog="Incremental: a second run extracts nothing; after a re-ingest only the new "
    "versions. Exit status: 0, or 1 when the archive is missing.",
)
def enrich_command(
    db: DbOption = DEFAULT_DB,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=0, help="Extraction processes (0: none; default: CPUs)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Cables committed at a time.")
    ] = BATCH,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Extract at most this many cables.")
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="Forget every stored mention and extract again.")
    ] = False,
    show_progress: ProgressOption = None,
) -> None:
    """Extract entity mentions of every cable not extracted yet and store them, so that
    `cablescope mentions`, entity pages and the API read them instead of extracting."""
    err = _stderr_console()
    chosen = default_workers() if workers is None else workers
    with open_archive(db, err, read_only=False) as store:
        done, total = store.mention_progress()
        todo = total if redo else max(0, total - done)
        todo = todo if limit is None else min(limit, todo)
        show = err.is_terminal if show_progress is None else show_progress
        if todo < 2 * CHUNK * max(1, chosen):
            chosen = 0  # a handful of cables: extracting here beats starting processes
        if not show:
            report = enrich(store, workers=chosen, batch_size=batch_size, limit=limit, redo=redo)
        else:
            with Progress(
                TextColumn("enrich"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:,.0f} cables/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
            ) as bar:
                task = bar.add_task("enrich", total=todo, rate=0.0)
                began = time.perf_counter()
                seen = [0]

                def advance(n: int) -> None:
                    seen[0] += n
                    rate = seen[0] / max(time.perf_counter() - began, 1e-9)
                    bar.update(task, advance=n, rate=rate)

                report = enrich(
                    store,
                    workers=chosen,
                    batch_size=batch_size,
                    limit=limit,
                    redo=redo,
                    progress=advance,
                )
    pruned = (
        f"; dropped the mentions of {report.pruned:,} replaced versions" if report.pruned else ""
    )
    err.print(
        f"enriched {report.cables:,} cables ({report.mentions:,} mentions) in "
        f"{report.seconds:.1f} s: {report.rate:,.1f} cables/s with {chosen} workers; "
        f"{report.already:,} were done already{pruned}",
        markup=False,
    )


__all__ = ["EnrichReport", "enrich", "enrich_command"]
