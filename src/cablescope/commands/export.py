"""The `export` command: every cable matching a query, as full records, for bulk work.

``cablescope export 'tag:PTER date:2009' --format parquet --out pter.parquet`` streams the
matching default versions oldest first, a batch at a time, into JSON Lines, CSV (nested
values as JSON cells) or Parquet (typed and nested; see `cablescope.parquet`) — for pandas,
DuckDB or R. With no query, the whole archive. The count goes to stderr.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cablescope.cli import DbOption, _stderr_console, app, archive_or_exit, query_or_exit
from cablescope.output import write_csv, write_nl
from cablescope.store import DEFAULT_DB


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command("export")
def export_command(
    query: Annotated[
        str | None, typer.Argument(help="A search query; leave out to export everything.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet.")
    ] = ExportFormat.jsonl,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Include each cable's text as read.")] = False,
) -> None:
    """Write the full records of the cables matching QUERY (default versions, oldest first)."""
    from cablescope.store import open_store

    err = _stderr_console()
    tree = query_or_exit(query, err) if query and query.strip() else None
    archive_or_exit(db, err)
    if fmt is ExportFormat.parquet and out is None and sys.stdout.isatty():
        raise typer.BadParameter("Parquet is binary: give --out FILE or redirect stdout")
    with open_store(db, read_only=True) as store:
        records = store.export(tree, include_raw=raw)
        count = _write(fmt, records, out, raw)
    err.print(f"exported {count:,} cables" + (f" to {out}" if out else ""))


def _write(fmt: ExportFormat, records: Any, out: Path | None, raw: bool) -> int:
    if fmt is ExportFormat.parquet:
        from cablescope.parquet import write_parquet

        return write_parquet(records, str(out) if out else sys.stdout.buffer, include_raw=raw)
    with open(out, "w", encoding="utf-8", newline="") if out else nullcontext(sys.stdout) as stream:
        count = write_csv(records, stream) if fmt is ExportFormat.csv else write_nl(records, stream)
        stream.flush()
    return count
