"""`cablescope transfer SOURCE TARGET`: copy an archive to another backend, e.g. a laptop's
SQLite file to the team's PostgreSQL server (or back).

The stored rows are streamed, a batch of versions at a time (memory stays flat at any size):
every version of every cable with its child rows, paragraphs and sources, in version-id
order, then the files that were not cables and the users' entity corrections. Nothing is
parsed again: the rows go to the target's `write_rows`, the same path as an ingest, which
skips what the target holds already — so a transfer that stopped is completed by running it
again, and a second run adds nothing. Into an empty archive the version ids, numbers and
defaults come out as in the source, so the two archives have equal `Store.checksum`s
(``--verify`` compares them). Into PostgreSQL the original ingest times are kept and the
indexes are built once at the end (`PostgresStore.finish_load`).

Not copied: stored entity mentions (`cablescope enrich` rebuilds them from the text).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from cablescope.cli import ProgressOption, _stderr_console, app, archive_or_exit
from cablescope.errors import CableError, StoreError
from cablescope.store import RowPreparer, Store
from cablescope.store.records import (
    CHILD_COLUMNS,
    PARAGRAPH_COLUMNS,
    SOURCE_COLUMNS,
    VERSION_COLUMNS,
    VersionRows,
)

#: Child tables as `VersionRows` holds them (its field, the columns after version_id).
CHILDREN = {**CHILD_COLUMNS, "paragraphs": ("cable_id", "position", *PARAGRAPH_COLUMNS)}
DEFAULT_BATCH = 2000


class _Reader:
    """Plain SQL over a store's connection: both backends have the same tables and columns,
    only the parameter marks differ (``?`` for SQLite, ``%s`` for PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self.db: Any = store.db  # type: ignore[attr-defined]
        self.postgres = type(store).__name__ == "PostgresStore"

    def rows(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            query = query.replace("?", "%s")
        return [tuple(row) for row in self.db.execute(query, params).fetchall()]


def stored_rows(source: Store, batch_size: int = DEFAULT_BATCH) -> Iterator[list[VersionRows]]:
    """Every stored version of `source` as `VersionRows`, oldest id first, `batch_size`
    versions a batch; a version read from several files comes once per file (its first
    source first), as an ingest of those files would have given it."""
    reader = _Reader(source)
    for low, high in id_ranges(source, batch_size):
        yield read_range(reader, low, high)


def id_ranges(source: Store, batch_size: int) -> list[tuple[int, int]]:
    """(first, last) version ids of each batch, in order."""
    ids = [row[0] for row in _Reader(source).rows("SELECT id FROM versions ORDER BY id")]
    return [
        (ids[start], ids[min(start + batch_size, len(ids)) - 1])
        for start in range(0, len(ids), batch_size)
    ]


def read_range(reader: _Reader, low: int, high: int) -> list[VersionRows]:
    """The `VersionRows` of the versions with ids from `low` to `high`."""
    versions = reader.rows(
        f"SELECT {', '.join(VERSION_COLUMNS)} FROM versions WHERE id BETWEEN ? AND ? ORDER BY id",
        (low, high),
    )
    children = {
        table: _by_version(
            reader.rows(
                f"SELECT version_id, {', '.join(names)} FROM {table} "
                "WHERE version_id BETWEEN ? AND ? ORDER BY version_id, "
                + ("role, position" if table == "recipients" else "position"),
                (low, high),
            )
        )
        for table, names in CHILDREN.items()
    }
    sources = _by_version(
        reader.rows(
            f"SELECT version_id, {', '.join(SOURCE_COLUMNS)} FROM sources "
            "WHERE version_id BETWEEN ? AND ? ORDER BY id",
            (low, high),
        )
    )
    batch: list[VersionRows] = []
    extra: list[VersionRows] = []
    for values in versions:
        version = dict(zip(VERSION_COLUMNS, values, strict=True))
        vid = version["id"]
        found = [dict(zip(SOURCE_COLUMNS, s, strict=True)) for s in sources.get(vid, [])]
        rows = VersionRows(
            cable_id=version["cable_id"],
            content_hash=version["content_hash"],
            raw_hash=found[0]["raw_hash"] if found else "",
            version=version,
            source=found[0] if found else None,  # type: ignore[arg-type]
            **{table: children[table].get(vid, []) for table in CHILDREN},
        )
        batch.append(rows)
        # The same text read from other files too: after the batch, as an ingest stores a
        # version's later sources after its first.
        extra += [replace(rows, source=more) for more in found[1:]]
    return batch + extra


# -- reading ahead in worker processes ---------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _start_worker(location: str, prepare: RowPreparer | None) -> None:
    from cablescope.store import open_store

    _WORKER["store"] = open_store(location, read_only=True)
    _WORKER["reader"] = _Reader(_WORKER["store"])
    _WORKER["prepare"] = prepare


def _read_in_worker(bounds: tuple[int, int]) -> list[VersionRows]:
    rows = read_range(_WORKER["reader"], *bounds)
    if _WORKER["prepare"] is not None:
        _WORKER["prepare"](rows)
    return rows


def read_ahead(
    location: str, ranges: list[tuple[int, int]], workers: int, *, prepare: RowPreparer | None
) -> Iterator[list[VersionRows]]:
    """`read_range` of each range, in order, done by `workers` processes a few batches ahead
    of the writer; they also `prepare` the rows as the target asks (`Store.row_preparer`: a
    PostgreSQL target's word vectors, the costliest part of a load on the client's side)."""
    context = multiprocessing.get_context("spawn")  # no inherited database handles
    with context.Pool(workers, _start_worker, (location, prepare)) as pool:
        pending: deque[Any] = deque()
        queued = iter(ranges)
        for bounds in itertools.islice(queued, 2 * workers):
            pending.append(pool.apply_async(_read_in_worker, (bounds,)))
        while pending:
            batch = pending.popleft().get()
            for bounds in itertools.islice(queued, 1):
                pending.append(pool.apply_async(_read_in_worker, (bounds,)))
            yield batch


def _by_version(rows: list[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for vid, *rest in rows:
        grouped.setdefault(vid, []).append(tuple(rest))
    return grouped


def read_errors(source: Store) -> list[CableError]:
    """The files of `source` that were not cables, as the errors an ingest reports."""
    rows = _Reader(source).rows("SELECT source, reason FROM read_errors ORDER BY source, reason")
    return [CableError(reason, source=name) for name, reason in rows]


def copy_corrections(source: Store, target: Store) -> int:
    """Add the source's entity corrections the target lacks (in order); how many. The
    target's must be the first of the source's (a rerun, or none yet): a target whose users
    corrected it otherwise keeps its own, and this raises rather than interleave the two."""

    def body(correction: dict[str, Any]) -> str:
        kept = {k: v for k, v in correction.items() if k not in ("seq", "created_at")}
        return json.dumps(kept, sort_keys=True, ensure_ascii=False)

    try:
        theirs = source.corrections()
    except NotImplementedError:
        return 0
    ours = [body(c) for c in target.corrections()]
    if ours != [body(c) for c in theirs[: len(ours)]]:
        raise StoreError(
            f"{target.url} holds entity corrections that are not the source's: not copied"
        )
    for correction in theirs[len(ours) :]:
        target.add_correction(correction)
    return len(theirs) - len(ours)


def transfer(
    source: Store,
    target: Store,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Any = None,
    workers: int = 0,
    location: str | None = None,
) -> dict[str, int]:
    """Copy every stored row of `source` into `target` (see the module); the counts of what
    was new in the target. `progress(versions)` is called after each batch. With `workers`
    (and `location`, the source's file or URL, password included, for them to open it)
    worker processes read and prepare the batches ahead of the writer."""
    totals = {"versions": 0, "new_versions": 0, "new_sources": 0}
    if workers > 0 and location is not None:
        ranges = id_ranges(source, batch_size)
        batches = read_ahead(location, ranges, workers, prepare=target.row_preparer())
    else:
        batches = stored_rows(source, batch_size)
    for batch in batches:
        result = target.write_rows(batch)
        done = len({id(r.version) for r in batch})  # a version read from two files: once
        totals["versions"] += done
        totals["new_versions"] += result.new_versions
        totals["new_sources"] += result.new_sources
        if progress is not None:
            progress(done)
    errors = read_errors(source)
    for start in range(0, len(errors), batch_size):
        target.write_rows([], errors[start : start + batch_size])
    totals["read_errors"] = len(errors)
    totals["corrections"] = copy_corrections(source, target)
    return totals


@app.command(
    "transfer",
    epilog="Exit status: 0, 1 when an archive cannot be read or written (rerun to complete), "
    "2 when --verify finds the two archives differ.",
)
def transfer_command(
    source: Annotated[str, typer.Argument(help="The archive to copy: a file or a URL.")],
    target: Annotated[
        str, typer.Argument(help="Where to: a SQLite file or a postgresql://user@host/db URL.")
    ],
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Versions per transaction.")
    ] = DEFAULT_BATCH,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Processes that read and prepare batches beside the writer "
            "(default: one per CPU but one; 0: none).",
            show_default=False,
        ),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Compare the two archives' checksums at the end.")
    ] = False,
    progress: ProgressOption = None,
) -> None:
    """Copy an archive to another backend (SQLite ⇄ PostgreSQL): every version, source,
    problem and correction; safe to rerun, which completes a transfer that stopped."""
    from cablescope.ingest import default_workers
    from cablescope.store import open_store

    err = _stderr_console()
    archive_or_exit(source, err)
    show = progress if progress is not None else err.is_terminal
    started = time.perf_counter()
    try:
        with open_store(source, read_only=True) as src, open_store(target) as dst:
            total = src.counts()["versions"]
            bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} versions/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
                disable=not show,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            with bar:
                task = bar.add_task("copying", total=total, rate="…")

                def advance(count: int) -> None:
                    bar.update(task, advance=count)
                    elapsed = max(1e-9, time.perf_counter() - started)
                    bar.update(task, rate=f"{bar.tasks[0].completed / elapsed:,.0f}")

                count = max(0, default_workers() - 1) if workers is None else workers
                totals = transfer(
                    src,
                    dst,
                    batch_size=batch_size,
                    progress=advance,
                    workers=count,
                    location=source,
                )
                copied = time.perf_counter()
                bar.update(task, description="building indexes", rate="–")
                dst.finish_load()
            built = time.perf_counter()
            counts = dst.counts()
            same = None
            if verify:
                err.print("comparing checksums …")
                same = src.checksum() == dst.checksum()
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    rate = total / max(1e-9, built - started)
    err.print(
        f"[bold]{total:,}[/] versions copied in {built - started:.1f} s ({rate:,.0f}/s; "
        f"indexes {built - copied:.1f} s): {totals['new_versions']:,} new versions, "
        f"{totals['new_sources']:,} new sources, {totals['read_errors']:,} unreadable files, "
        f"{totals['corrections']:,} corrections"
    )
    err.print(
        f"archive {escape(target)}: {counts['cables']:,} cables, {counts['versions']:,} "
        f"versions, {counts['paragraphs']:,} paragraphs, {counts['sources']:,} sources"
    )
    if same is not None:
        if not same:
            err.print("[red]checksums differ[/]: the target holds other rows than the source")
            raise typer.Exit(2)
        err.print("checksums equal")


__all__ = ["copy_corrections", "read_ahead", "read_errors", "read_range", "stored_rows", "transfer"]
