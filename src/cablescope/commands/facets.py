"""The `facets` command: what the cables matching a query have in common, counted.

``cablescope facets 'iran date:2009'`` counts the matching cables by origin, classification,
year, month, TAGS, recipient and signer; ``--histogram year|month`` gives their spread over
time instead. One record per (facet, value) — ``{"facet", "value", "count"}`` — or per bucket —
``{"bucket", "count"}`` — so JSON Lines and CSV stay flat and stream into pandas or a plot;
the table shows one small table per facet. The number of matching cables goes to stderr.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from cablescope.cli import (
    AsCsv,
    AsJson,
    AsNl,
    DbOption,
    _stderr_console,
    _stdout_console,
    app,
    archive_or_exit,
    output_format,
    query_or_exit,
)
from cablescope.output import write_csv, write_json, write_nl
from cablescope.store import DEFAULT_DB

FACET_COLUMNS = ("facet", "value", "count")
HISTOGRAM_COLUMNS = ("bucket", "count")
#: Widest bar in the histogram table, in characters.
BAR_WIDTH = 40


def _fields(requested: list[str] | None) -> list[str] | None:
    """``--field tag --field origin,year`` → canonical facet names; None for all."""
    from cablescope.store.sqlite_facets import facet_field

    if not requested:
        return None
    names = [part for item in requested for part in item.split(",") if part.strip()]
    try:
        return list(dict.fromkeys(facet_field(name) for name in names)) or None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--field") from None


def _facet_tables(facets: dict[str, list[tuple[str, int]]]) -> None:
    console = _stdout_console(min_width=100)
    for name, pairs in facets.items():
        table = Table(title=name, title_justify="left", header_style="bold")
        table.add_column("value", overflow="fold")
        table.add_column("cables", justify="right")
        for value, count in pairs:
            table.add_row(Text(value), f"{count:,}")
        if not pairs:
            table.add_row(Text("(none)", style="dim"), "")
        console.print(table)


def _histogram_table(buckets: list[tuple[str, int]]) -> None:
    table = Table(header_style="bold")
    table.add_column("bucket")
    table.add_column("cables", justify="right")
    table.add_column("", no_wrap=True)
    peak = max((count for _, count in buckets), default=0)
    for bucket, count in buckets:
        width = round(BAR_WIDTH * count / peak) if peak else 0
        table.add_row(bucket, f"{count:,}", "█" * max(width, 1 if count else 0))
    _stdout_console(min_width=80).print(table)


def _write(fmt: str, records: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    if fmt == "json":
        write_json(records, sys.stdout)
    elif fmt == "csv":
        write_csv(records, sys.stdout, list(columns))
    else:
        write_nl(records, sys.stdout)


@app.command(
    "facets",
    epilog="Facets: origin, classification, year, month, tag, recipient, signer (aliases: "
    "tags, class, from, to). The query language is the one `cablescope search` takes; no "
    "query counts every cable. Exit status: 0 on success, 1 when the archive is missing, 2 "
    "for a bad query or usage error.",
)
def facets_command(
    query: Annotated[
        str, typer.Argument(help="The query, e.g. 'iran tag:PREL'; empty for every cable.")
    ] = "",
    db: DbOption = DEFAULT_DB,
    field_names: Annotated[
        list[str] | None,
        typer.Option("--field", help="A facet to count (repeat, or comma-separate); all if none."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Values per facet, commonest first; 0 for all.")
    ] = 10,
    histogram: Annotated[
        str | None,
        typer.Option("--histogram", help="Matching cables per 'year' or 'month' instead."),
    ] = None,
    as_json: AsJson = False,
    as_nl: AsNl = False,
    as_csv: AsCsv = False,
    as_table: Annotated[bool, typer.Option("--table", help="Tables (default on a TTY).")] = False,
) -> None:
    """Count the matching cables by origin, classification, date, TAGS, recipient, signer."""
    from cablescope.store import open_store
    from cablescope.store.sqlite_facets import INTERVALS

    fmt = output_format(as_json, as_nl, as_csv, as_table)
    if histogram is not None and histogram not in INTERVALS:
        raise typer.BadParameter(f"choose one of {', '.join(INTERVALS)}", param_hint="--histogram")
    fields = _fields(field_names)
    err = _stderr_console()
    tree = query_or_exit(query, err) if query.strip() else None
    archive_or_exit(db, err)
    with open_store(db) as store:
        total = store.search(tree, limit=0).total if tree is not None else None
        if histogram is not None:
            buckets = store.histogram(tree, interval=histogram)
        else:
            counted = store.facets(tree, fields=fields, limit=limit or None)
        if total is None:
            total = store.counts()["cables"]
    if histogram is not None:
        if fmt == "table":
            _histogram_table(buckets)
        else:
            records = [{"bucket": bucket, "count": count} for bucket, count in buckets]
            _write(fmt, records, HISTOGRAM_COLUMNS)
    elif fmt == "table":
        _facet_tables(counted)
    else:
        records = [
            {"facet": name, "value": value, "count": count}
            for name, pairs in counted.items()
            for value, count in pairs
        ]
        _write(fmt, records, FACET_COLUMNS)
    err.print(f"{total:,} matching cables")


__all__ = ["facets_command"]
