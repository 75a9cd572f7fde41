"""Streaming, batched ingest: `cablescope.read` → `Store.write_batch`, whatever the backend.

Memory stays bounded by a few batches (2,000 cables each by default) whatever the corpus size. Each
batch is one transaction, so a killed run leaves whole batches behind and a rerun, whose
writes are idempotent, completes the archive without duplicating anything.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import tarfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cablescope.errors import CableError
from cablescope.parse import Document, parse_document
from cablescope.parse.formats.detect import UnreadFile
from cablescope.reader import TarMember, iter_sources, read_source
from cablescope.store import BatchResult, RowPreparer, Store
from cablescope.store.records import VersionRows, to_rows

#: Cables per transaction. Each batch becomes one new segment of each full-text index, which
#: later merges rewrite: at 250k cables, 2,000 a batch cost the writer 0.76 ms of CPU a cable
#: against 1.09 ms at 500 (`bench/ingest.py`); memory stays near 0.7 GB.
DEFAULT_BATCH_SIZE = 2000

#: Called after each batch with the cables just stored and the last source name.
ProgressHook = Callable[[int, str], object]

Source = Document | UnreadFile | TarMember

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
    workers: int | None = None,
) -> IngestReport:
    """Read every cable under `paths` and store it, one transaction per `batch_size` cables.

    With `workers` > 0 (default: one per CPU), parsing and flattening run in that many
    worker processes while this one reads files and writes the database: on two cores the
    writer and the parsers overlap instead of taking turns. The first `INLINE_FIRST` sources
    are parsed here, so a job of a few files never waits for a pool to start. What the
    backend would otherwise do to the rows in the writer (`Store.row_preparer`: PostgreSQL's
    word vectors) is done there too. Cables are stored in input order either way: the
    archive is identical (`Store.checksum`).
    """
    report = IngestReport()
    errors: list[CableError] = []
    batch: list[VersionRows] = []
    sources = iter_sources(list(paths), on_error=errors.append)
    count = default_workers() if workers is None else workers
    parsed = _adaptive(sources, count, window=2 * batch_size, prepare=store.row_preparer())
    with _BatchWriter(store, report, progress) as writer:
        for outcome in parsed:
            if isinstance(outcome, CableError):
                errors.append(outcome)
                continue
            rows, problem_fields = outcome
            report.problems.update(problem_fields)
            batch.append(rows)
            if len(batch) >= batch_size:
                writer.submit(batch, errors[:])
                batch = []
                errors.clear()
        if batch or errors:
            writer.submit(batch, errors[:])
    return report


class _BatchWriter:
    """Writes batches in a thread of its own, one behind the batch being gathered.

    The database does most of its work (indexing above all) in C with the GIL released, so
    this process can meanwhile take the workers' results and cut the next batch: on two cores
    that overlap was a fifth of the run. Batches are written in order, one transaction each,
    and at most one waits: memory stays bounded. An error in the writer stops the run at the
    next batch, and is raised here.
    """

    def __init__(self, store: Store, report: IngestReport, progress: ProgressHook | None) -> None:
        self.store, self.report, self.progress = store, report, progress
        self.queue: queue.Queue[tuple[list[VersionRows], list[CableError]] | None] = queue.Queue(
            maxsize=1
        )
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="cablescope-writer", daemon=True)

    def __enter__(self) -> _BatchWriter:
        self.thread.start()
        return self

    def submit(self, batch: list[VersionRows], errors: list[CableError]) -> None:
        self._raise_failure()
        self.queue.put((batch, errors))

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:
            self.failure = self.failure or _Stopped()  # the writer drops what still waits
        self.queue.put(None)
        self.thread.join()
        if error is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self.failure is not None and not isinstance(self.failure, _Stopped):
            raise self.failure

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.failure is not None:
                continue
            batch, errors = item
            try:
                self.report.stored.add(self.store.write_rows(batch, errors))
                self.report.failed.extend(
                    (str(e.source or "?"), str(e.reason or e)) for e in errors
                )
                if self.progress is not None:
                    last = str(batch[-1].source.get("name") or "") if batch else ""
                    self.progress(len(batch), last)
            except BaseException as exc:  # handed to the ingesting thread
                self.failure = exc


class _Stopped(Exception):
    """The ingesting thread stopped (an error of its own): batches still queued are dropped."""


def default_workers() -> int:
    """One parse worker per CPU this process may use (the writer shares them)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: What a worker makes of one cable: its rows and its problem fields, or an error.
Outcome = tuple[VersionRows, list[str]] | CableError


def parse_and_flatten(source: Source, prepare: RowPreparer | None = None) -> list[Outcome]:
    """A worker's job for one source: read and decode it if need be, parse, flatten to rows
    (and `prepare` them for the backend). A tar member may hold any number of cables: a CSV
    file, a nested archive."""
    outcomes: list[Outcome] = []
    for item in read_source(source):
        if isinstance(item, CableError):
            outcomes.append(item)
        else:
            cable = parse_document(item)
            outcomes.append((to_rows(cable), [problem.field for problem in cable.problems]))
    if prepare is not None:
        prepare([outcome[0] for outcome in outcomes if not isinstance(outcome, CableError)])
    return outcomes


def _parse_chunk(sources: list[Source], prepare: RowPreparer | None = None) -> list[Any]:
    """Outcomes for a chunk; errors travel as (reason, source, line), since an exception
    whose constructor takes keywords does not survive pickling."""
    outcomes: list[Any] = []
    for source in sources:
        for outcome in parse_and_flatten(source, prepare):
            if isinstance(outcome, CableError):
                outcome = (outcome.reason, outcome.source, outcome.line)
            outcomes.append(outcome)
    return outcomes


def _unpickled(outcome: Any) -> Outcome:
    if len(outcome) == 3:
        reason, source, line = outcome
        return CableError(reason, source=source, line=line)
    return outcome


#: Sources parsed here before worker processes are started: a small job (a few files)
#: finishes before a pool would have started, a big one soon moves to the workers.
INLINE_FIRST = 256


def _adaptive(
    sources: Iterator[Source], workers: int, *, window: int, prepare: RowPreparer | None
) -> Iterator[Outcome]:
    head = list(itertools.islice(sources, INLINE_FIRST if workers > 0 else None))
    for source in head:
        yield from parse_and_flatten(source, prepare)
    if workers > 0 and len(head) == INLINE_FIRST:
        yield from _parallel(sources, workers, window=window, prepare=prepare)


def _chunks(sources: Iterator[Source], size: int) -> Iterator[list[Source]]:
    while chunk := list(itertools.islice(sources, size)):
        yield chunk


def _parallel(
    sources: Iterator[Source],
    workers: int,
    *,
    window: int,
    prepare: RowPreparer | None,
    chunk_size: int = 32,
) -> Iterator[Outcome]:
    """Parse in `workers` processes, yielding results in input order.

    About `window` sources are in flight: enough that the workers keep parsing while this
    process writes a whole batch, and a bound on memory however far the reader could run
    ahead (`Pool.imap` would consume the whole input eagerly).
    """
    most = max(2 * workers + 2, window // chunk_size)
    context = multiprocessing.get_context("spawn")  # no inherited database handles
    with context.Pool(workers, initializer=_yield_to_writer) as pool:
        pending: deque[Any] = deque()
        for chunk in _chunks(sources, chunk_size):
            pending.append(pool.apply_async(_parse_chunk, (chunk, prepare)))
            while len(pending) > most:
                yield from map(_unpickled, pending.popleft().get())
        while pending:
            yield from map(_unpickled, pending.popleft().get())


#: How much lower the parse workers' scheduling priority is than the writer's.
WORKER_NICENESS = 10


def _yield_to_writer() -> None:
    """A parse worker's first act: give way to the writer. Only one thread can write the
    database, so it sets the pace; with the workers on equal terms it got two thirds of a
    core on two (three busy processes) and sat a third of its time waiting to run."""
    with contextlib.suppress(OSError, AttributeError):  # not allowed, or not on this OS
        os.nice(WORKER_NICENESS)


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


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "IngestReport",
    "default_workers",
    "estimate_total",
    "ingest",
    "parse_and_flatten",
]
