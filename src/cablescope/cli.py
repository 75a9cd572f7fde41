"""The ``cablescope`` command line: ``parse``, ``demo`` and ``fields``.

``cablescope parse PATH...`` streams one record per cable to stdout as it reads: a table on a
terminal, JSON Lines otherwise (``--json``, ``--nl``, ``--csv``, ``--table`` choose). Everything
meant for a person (progress, the end-of-run summary, files that were not cables) goes to
stderr, so stdout stays clean for pipes.

Exit status: 0 when every path existed (files that turn out not to be cables are reported in
the summary but do not fail the run), 1 when a path does not exist,
2 for a usage error (conflicting format flags, an unknown field).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

import cablescope
from cablescope.errors import CableError, StoreError
from cablescope.model import Cable
from cablescope.output import (
    DEFAULT_TABLE_FIELDS,
    TableWriter,
    iter_selected,
    parse_fields,
    table_cell,
    write_csv,
    write_json,
    write_nl,
)
from cablescope.reader import STDIN
from cablescope.store import DEFAULT_DB

app = typer.Typer(
    name="cablescope",
    help="Read, parse and explore corpora of US diplomatic cables.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

#: What each key of a record means (`cablescope fields`); kept beside the CLI that shows it.
FIELD_HELP: dict[str, str] = {
    "id": "canonical reference id, e.g. 08LONDON3062",
    "published_id": "the id exactly as the publication wrote it, before canonicalising",
    "origin": "posting that sent the cable, e.g. Embassy London",
    "date": "creation date (ISO), from the publication metadata or the date-time group",
    "released": "date the publication released the cable (ISO), where known",
    "dtg": "date-time group as ISO 8601 UTC, e.g. 2008-12-08T16:51:00Z",
    "classification": "classification level (metadata; the body banner when there is none)",
    "transmission_id": "transmission id of the routing header, e.g. VZCZCXRO1023",
    "precedence": "action and info precedence of the DTG line {action, info}",
    "sender": "the FM line {route, name}",
    "to": "action addressees: list of {route, name, precedence, mcn, excluded, station}",
    "info": "info addressees, same shape as `to`",
    "sections": "number of sections (SECTION 01 OF 02 → 2); null when unsectioned",
    "captions": "handling captions in order of appearance (SIPDIS, NOFORN, EXDIS …)",
    "subject": "one-line subject",
    "title": "the subject in headline case",
    "tags": "TAGS, upper case",
    "references": "REF entries: list of {value, kind, bullet, title}",
    "classified_by": "the Classified By line {names, title, reasons}",
    "declassify_on": "declassification date (ISO) or marker as written (GDS, OADR, X1)",
    "paragraphs": "numbered paragraphs with decoded portion markings and headings",
    "summary": "text between the summary opener and End summary",
    "comments": "comment blocks",
    "signers": "signer surnames",
    "redactions": "number of redacted runs (XXXXXXXXXXXX)",
    "body": "clean reading text of the cable",
    "header": "the routing header as read",
    "problems": "what the parser could not read cleanly: list of {field, message, line}",
    "synthetic": "true for generated demo cables (CABLESCOPE SYNTHETIC caption)",
    "source": "where the record came from {name, format, line, offset}",
    "raw": "the text as read (only with --raw or when asked for in --fields)",
}

#: Headers and fields of the demo's summary table.
DEMO_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("date", "Date"),
    ("origin", "Origin"),
    ("classification", "Classification"),
    ("subject", "Subject"),
    ("paragraphs", "¶"),
    ("problems", "Problems"),
)

DEFAULT_DEMO_SIZE = 50


# -- shared run state -----------------------------------------------------------------------
@dataclass(slots=True)
class RunReport:
    """What a run saw, for the summary on stderr."""

    cables: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    problem_example: dict[str, str] = field(default_factory=dict)
    formats: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def saw(self, cable: Cable) -> None:
        self.cables += 1
        self.formats[cable.source.format or "?"] += 1
        for problem in cable.problems:
            self.problems[problem.field] += 1
            self.problem_example.setdefault(problem.field, problem.message)

    def not_a_cable(self, error: Exception) -> None:
        source = getattr(error, "source", None) or "?"
        reason = getattr(error, "reason", None) or str(error)
        self.failed.append((str(source), str(reason)))


def output_format(as_json: bool, as_nl: bool, as_csv: bool, as_table: bool) -> str:
    """The one output format asked for; default a table on a terminal, JSON Lines otherwise."""
    chosen = [
        name
        for name, on in (("json", as_json), ("nl", as_nl), ("csv", as_csv), ("table", as_table))
        if on
    ]
    if len(chosen) > 1:
        raise typer.BadParameter(
            f"choose one output format, not {' and '.join('--' + c for c in chosen)}"
        )
    return chosen[0] if chosen else ("table" if sys.stdout.isatty() else "nl")


def query_or_exit(query: str, err: Console) -> Any:
    """The parsed query; bad syntax prints the message with a caret and exits 2."""
    from cablescope.search import QuerySyntaxError, parse_query

    try:
        return parse_query(query)
    except QuerySyntaxError as exc:
        err.print(f"[red]error:[/] bad query: {escape(exc.message)}", soft_wrap=True)
        err.print(exc.caret(), soft_wrap=True, markup=False)
        raise typer.Exit(2) from None


#: ``--db``: a SQLite file, or a PostgreSQL URL (a string: a `Path` would fold its ``//``).
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        help="The archive: a SQLite file, or a postgresql://user@host/dbname URL.",
        envvar="CABLESCOPE_DB",
    ),
]


#: ``--progress/--no-progress`` of the long-running writers (ingest, transfer, enrich).
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bar on stderr (default: when stderr is a terminal).",
        show_default=False,
    ),
]

#: The output options every listing command offers.
AsJson = Annotated[bool, typer.Option("--json", help="A JSON array.")]
AsNl = Annotated[bool, typer.Option("--nl", help="JSON Lines (default off a TTY).")]
AsCsv = Annotated[bool, typer.Option("--csv", help="CSV.")]
AsTable = Annotated[bool, typer.Option("--table", help="A table (default on a TTY).")]


def is_url(db: str | os.PathLike[str]) -> bool:
    """Whether `db` names a database server (``postgresql://…``) rather than a file."""
    return "://" in os.fspath(db)


def archive_or_exit(db: str | os.PathLike[str], err: Console) -> None:
    """Exit 1 with a clear message when the archive file is missing (a server's database is
    checked when it is opened)."""
    if not is_url(db) and not Path(db).exists():
        err.print(f"[red]error:[/] no archive at {escape(os.fspath(db))}")
        raise typer.Exit(1)


def _stderr_console(force_terminal: bool | None = None) -> Console:
    console = Console(file=sys.stderr, force_terminal=force_terminal, highlight=False)
    if not console.is_terminal and console.width < 120:  # a log file: don't wrap at 80
        console = Console(file=sys.stderr, highlight=False, width=120)
    return console


def _stdout_console(min_width: int = 0) -> Console:
    console = Console(file=sys.stdout, highlight=False)
    if not console.is_terminal and min_width and console.width < min_width:
        console = Console(file=sys.stdout, highlight=False, width=min_width)
    return console


def _iter_cables(paths: Sequence[Path], report: RunReport) -> Iterator[Cable]:
    """Every cable under every path, in order; what cannot be read goes to the report."""
    for path in paths:
        if str(path) != STDIN and not path.exists():
            report.missing.append(str(path))
            continue
        try:
            yield from cablescope.read(path, on_error=report.not_a_cable)
        except (CableError, OSError) as exc:
            report.failed.append((str(path), str(getattr(exc, "reason", None) or exc)))


def _counted(
    cables: Iterable[Cable], report: RunReport, progress: Progress | None
) -> Iterator[Cable]:
    task = progress.add_task("parsing", total=None, source="") if progress else None
    for cable in cables:
        report.saw(cable)
        if progress is not None and task is not None:
            progress.update(task, advance=1, source=cable.source.name or "")
        yield cable


def _records(cables: Iterable[Cable], include_raw: bool) -> Iterator[dict[str, Any]]:
    for cable in cables:
        yield cable.to_dict(include_raw=include_raw)


def _print_summary(console: Console, report: RunReport, *, top: int = 10) -> None:
    elapsed = time.perf_counter() - report.started
    rate = report.cables / elapsed if elapsed > 0 else 0.0
    formats = ", ".join(f"{name} {count:,}" for name, count in report.formats.most_common())
    line = f"[bold]{report.cables:,}[/] cables read in {elapsed:.1f} s ({rate:,.0f} cables/s)"
    console.print(line + (f" — {formats}" if formats else ""))
    _print_missing(console, report)
    if report.failed:
        console.print(f"[yellow]{len(report.failed):,} file(s) were not cables:[/]")
        for source, reason in report.failed[:20]:
            console.print(f"  {escape(source)}: {escape(reason)}", soft_wrap=True)
        if len(report.failed) > 20:
            console.print(f"  … and {len(report.failed) - 20:,} more")
    if report.problems:
        total = sum(report.problems.values())
        table = Table(title=f"{total:,} problems, commonest by field", title_justify="left")
        table.add_column("field")
        table.add_column("count", justify="right")
        table.add_column("example")
        for name, count in report.problems.most_common(top):
            table.add_row(escape(name), f"{count:,}", escape(report.problem_example.get(name, "")))
        console.print(table)


def _print_missing(console: Console, report: RunReport) -> None:
    for path in report.missing:
        console.print(f"[red]error:[/] no such file or directory: {escape(path)}", soft_wrap=True)


def _progress(console: Console, enabled: bool) -> Progress | None:
    if not enabled:
        return None
    return Progress(
        SpinnerColumn(),
        MofNCompleteColumn(),
        TextColumn("cables"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[source]}", style="dim"),
        console=console,
        transient=True,
        # Never let Rich reroute stdout through the stderr console: records go to stdout.
        redirect_stdout=False,
        redirect_stderr=False,
    )


def _known_field(path: str) -> bool:
    return path.split(".", 1)[0] in FIELD_HELP


# -- commands -------------------------------------------------------------------------------
@app.command(
    "parse",
    epilog="Exit status: 0 when every path existed (files that are not cables are listed in "
    "the summary), 1 when a path does not exist, 2 for a usage error. "
    "`cablescope fields` lists the keys --fields accepts.",
)
def parse_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Cable files, directories or archives (.gz, .zip, .tar, .tar.gz); - reads stdin.",
            show_default=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of records.")] = False,
    as_nl: Annotated[
        bool, typer.Option("--nl", help="JSON Lines: one record a line (default off a TTY).")
    ] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="CSV; lists joined with '; ', objects as JSON.")
    ] = False,
    as_table: Annotated[
        bool, typer.Option("--table", help="A table (default on a terminal).")
    ] = False,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            "-f",
            help="Comma-separated keys to keep; dotted paths reach inside (sender.name).",
        ),
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Add the text as read (`raw`).")] = False,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar on stderr (default: stderr a terminal, stdout redirected).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary; only errors on stderr.")
    ] = False,
) -> None:
    """Parse cables and stream one record per cable to stdout.

    The output is a table when stdout is a terminal and JSON Lines otherwise; a summary
    (cables read, files that were not cables, commonest problems) goes to stderr.
    """
    fmt = output_format(as_json, as_nl, as_csv, as_table)
    selected = parse_fields(fields)
    unknown = [f for f in selected if not _known_field(f)]
    if unknown:
        raise typer.BadParameter(
            f"unknown field(s) {', '.join(unknown)}; see `cablescope fields`",
            param_hint="--fields",
        )
    include_raw = raw or any(f.split(".", 1)[0] == "raw" for f in selected)

    err = _stderr_console(force_terminal=True if progress else None)
    # By default only while stdout goes to a file or pipe: on a terminal the records
    # themselves show progress, and a live bar would tangle with them.
    show_progress = (
        progress if progress is not None else (err.is_terminal and not sys.stdout.isatty())
    )
    report = RunReport()

    with ExitStack() as stack:
        bar = _progress(err, show_progress)
        if bar is not None:
            stack.enter_context(bar)
        cables = _counted(_iter_cables(paths, report), report, bar)
        records = _records(cables, include_raw)
        try:
            _write(fmt, records, selected)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(1 if report.missing else 0) from None

    if quiet:
        _print_missing(err, report)
        for source, reason in report.failed:
            err.print(f"[yellow]not a cable:[/] {escape(source)}: {escape(reason)}", soft_wrap=True)
    else:
        _print_summary(err, report)
    if report.missing:
        raise typer.Exit(1)


def _write(fmt: str, records: Iterator[dict[str, Any]], selected: list[str]) -> None:
    out = sys.stdout
    if fmt == "table":
        columns = selected or list(DEFAULT_TABLE_FIELDS)
        writer = TableWriter(_stdout_console(min_width=140), columns)
        for record in iter_selected(records, columns):
            writer.write(record)
        writer.close()
    elif fmt == "json":
        write_json(iter_selected(records, selected), out)
    elif fmt == "csv":
        write_csv(iter_selected(records, selected), out, selected or None)
    else:
        write_nl(iter_selected(records, selected), out)
    out.flush()


def _silence_stdout() -> None:
    """After a closed pipe (``| head``), point stdout at /dev/null so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@app.command("demo")
def demo_command(
    size: Annotated[
        int | None,
        typer.Option("--size", "-n", min=1, help=f"Cables to generate ({DEFAULT_DEMO_SIZE})."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the generated cables here instead of parsing."),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Generator seed (same seed, same bytes).")
    ] = 0,
) -> None:
    """Parse the bundled demo cables and show what came out.

    Without --out: the two real seed cables plus generated synthetic ones (five formats,
    written to a temporary directory) are parsed and summarised as a table. With --out:
    the generated cables are written there, for `cablescope parse DIR`.
    """
    from cablescope.demo.generator import write_corpus

    count = size or DEFAULT_DEMO_SIZE
    err = _stderr_console()
    if out is not None:
        written = write_corpus(out, count, seed=seed)
        err.print(f"wrote {count:,} synthetic cables in {len(written):,} files to {out}")
        return

    console = _stdout_console(min_width=140)
    with ExitStack() as stack:
        seeds = stack.enter_context(resources.as_file(resources.files("cablescope.demo") / "seeds"))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cablescope-demo-")))
        write_corpus(tmp, count, seed=seed)
        report = RunReport()  # timed from here: parsing, not generating
        cables = _counted(_iter_cables([Path(seeds), tmp], report), report, None)
        writer = TableWriter(
            console,
            [name for name, _ in DEMO_COLUMNS],
            headers=[header for _, header in DEMO_COLUMNS],
            title=f"Cablescope demo: 2 seed cables + {count} synthetic (seed {seed})",
        )
        for record in iter_selected(_records(cables, False), [n for n, _ in DEMO_COLUMNS]):
            writer.write(record)
        writer.close()
    _print_summary(err, report)
    if report.missing or report.failed:
        raise typer.Exit(1)


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Cable files, directories or archives to store; - reads stdin (any of them, "
            "streamed: zcat corpus.tar.gz | cablescope ingest -).",
            show_default=False,
        ),
    ],
    db: DbOption = DEFAULT_DB,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Cables per transaction.")
    ] = 2000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Parse processes beside the writer (default: one per CPU; 0: parse inline).",
            show_default=False,
        ),
    ] = None,
    progress: ProgressOption = None,
) -> None:
    """Parse cables and store them in an archive, a SQLite file or a PostgreSQL database
    (idempotent, safe to rerun)."""
    from rich.progress import BarColumn, TimeRemainingColumn

    from cablescope.ingest import estimate_total, ingest
    from cablescope.store import open_store

    err = _stderr_console()
    missing = [str(p) for p in paths if str(p) != STDIN and not p.exists()]
    for path in missing:
        err.print(f"[red]error:[/] no such file or directory: {escape(path)}", soft_wrap=True)
    present = [p for p in paths if str(p) == STDIN or p.exists()]
    show = progress if progress is not None else err.is_terminal
    try:
        with ExitStack() as stack:
            store = stack.enter_context(open_store(db))
            hook = None
            if show:
                bar = Progress(
                    SpinnerColumn(),
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]} cables/s"),
                    TimeElapsedColumn(),
                    TimeRemainingColumn(),
                    console=err,
                    transient=True,
                    redirect_stdout=False,
                    redirect_stderr=False,
                )
                stack.enter_context(bar)
                task = bar.add_task("ingest", total=estimate_total(present), rate="…")
                started = time.perf_counter()

                def hook(count: int, source: str) -> None:
                    bar.update(task, advance=count)
                    done = bar.tasks[0].completed
                    bar.update(task, rate=f"{done / max(1e-9, time.perf_counter() - started):,.0f}")

            report = ingest(present, store, batch_size=batch_size, progress=hook, workers=workers)
            # A bulk load into an empty PostgreSQL archive builds its indexes at the end:
            # minutes at 250k, shown rather than left to a silent `close`.
            loaded = time.perf_counter()
            if show:
                bar.update(task, description="building indexes", rate="–")
            built = store.finish_load()
            indexes = time.perf_counter() - loaded
            counts = store.counts()
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    stored = report.stored
    err.print(
        f"[bold]{stored.cables:,}[/] cables read in {report.elapsed:.1f} s "
        f"({report.rate:,.0f} cables/s"
        + (f"; {len(built)} indexes built in {indexes:.1f} s" if built else "")
        + f"): {stored.new_versions:,} new versions, "
        f"{stored.new_cables:,} new cables, {stored.new_sources:,} new sources"
    )
    err.print(
        f"archive {escape(str(db))}: {counts['cables']:,} cables, {counts['versions']:,} "
        f"versions, {counts['paragraphs']:,} paragraphs, {counts['problems']:,} problems"
        + ("" if is_url(db) else f", {_file_size(db) / 1e6:,.1f} MB")
    )
    for source, reason in report.failed[:20]:
        err.print(f"[yellow]not a cable:[/] {escape(source)}: {escape(reason)}", soft_wrap=True)
    if missing:
        raise typer.Exit(1)


def _file_size(db: str | os.PathLike[str]) -> int:
    return sum(
        os.path.getsize(f"{db}{suffix}")
        for suffix in ("", "-wal")
        if os.path.exists(f"{db}{suffix}")
    )


@app.command("problems")
def problems_command(
    db: DbOption = DEFAULT_DB,
    field_name: Annotated[
        str | None, typer.Option("--field", help="Only problems of this field.")
    ] = None,
    as_json: AsJson = False,
    as_nl: AsNl = False,
    as_csv: AsCsv = False,
    as_table: AsTable = False,
) -> None:
    """List what the parser could not read cleanly in the stored cables."""
    from cablescope.store import open_store

    fmt = output_format(as_json, as_nl, as_csv, as_table)
    archive_or_exit(db, _stderr_console())
    columns = ["id", "version", "default", "field", "message", "line", "source"]
    with open_store(db) as store:
        records = store.problems(field_name)
        if fmt == "table":
            writer = TableWriter(_stdout_console(min_width=140), columns)
            for record in records:
                writer.write(record)
            writer.close()
        elif fmt == "json":
            write_json(records, sys.stdout)
        elif fmt == "csv":
            write_csv(records, sys.stdout, columns)
        else:
            write_nl(records, sys.stdout)


#: What the search table shows: field, header, width (None: what is left).
SEARCH_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("id", "ID", 18),
    ("date", "Date", 10),
    ("origin", "Origin", 18),
    ("classification", "Class", 12),
    ("paragraph", "¶", 3),
    ("marking", "Mark", 6),
    ("snippet", "Snippet", None),
)


def _search_table(records: list[dict[str, Any]]) -> None:
    """Hits as a table whose snippet column gets the room (cable text is not Rich markup)."""
    from rich.text import Text

    table = Table(header_style="bold")
    for _key, header, width in SEARCH_COLUMNS:
        table.add_column(header, width=width, no_wrap=width is not None, overflow="ellipsis")
    for record in records:
        table.add_row(*(Text(table_cell(record.get(key))) for key, _h, _w in SEARCH_COLUMNS))
    _stdout_console(min_width=140).print(table)


@app.command(
    "search",
    epilog='Query language: words, "phrases", AND/OR/NOT, (…), prefix*, and from: to: tag: '
    "class: (class>=CONFIDENTIAL) date: (2008-01..2009-06) ref: signer: caption: para:. "
    "Exit status: 0 on success (even with no hits), 1 when the archive is missing, 2 for a "
    "bad query or usage error.",
)
def search_command(
    query: Annotated[str, typer.Argument(help="The query, e.g. 'iran tag:PREL date:2009'.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of hits.")] = False,
    as_nl: AsNl = False,
    as_csv: AsCsv = False,
    as_table: AsTable = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Hits per page.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Hits to skip.")] = 0,
    sort: Annotated[
        str, typer.Option("--sort", help="relevance, date (oldest first) or -date.")
    ] = "relevance",
) -> None:
    """Search the archive's default versions; the total goes to stderr, hits to stdout."""
    from cablescope.search.results import SORTS, SearchHit
    from cablescope.store import open_store

    fmt = output_format(as_json, as_nl, as_csv, as_table)
    if sort not in SORTS:
        raise typer.BadParameter(f"choose one of {', '.join(SORTS)}", param_hint="--sort")
    err = _stderr_console()
    tree = query_or_exit(query, err)
    archive_or_exit(db, err)
    with open_store(db) as store:
        page = store.search(tree, limit=limit, offset=offset, sort=sort)
    records = [hit.to_dict() for hit in page.hits]
    if fmt == "table":
        _search_table(records)
    elif fmt == "json":
        write_json(records, sys.stdout)
    elif fmt == "csv":
        write_csv(records, sys.stdout, [f.name for f in fields(SearchHit)])
    else:
        write_nl(records, sys.stdout)
    shown = f"{offset + 1:,}–{offset + len(records):,}" if records else "none"
    err.print(f"{page.total:,} matching cables; showing {shown}")


@app.command("fields")
def fields_command() -> None:
    """List the keys of a record and what they mean (for --fields)."""
    table = Table(show_header=True, header_style="bold")
    table.add_column("field")
    table.add_column("meaning")
    for name, meaning in FIELD_HELP.items():
        table.add_row(name, meaning)
    _stdout_console().print(table)


__all__ = ["FIELD_HELP", "app"]


# Commands kept in their own modules register themselves on `app` when imported.
import cablescope.commands.backup  # noqa: E402
import cablescope.commands.enrich  # noqa: E402
import cablescope.commands.entities  # noqa: E402
import cablescope.commands.export  # noqa: E402
import cablescope.commands.facets  # noqa: E402
import cablescope.commands.graph  # noqa: E402
import cablescope.commands.serve  # noqa: E402
import cablescope.commands.show  # noqa: E402
import cablescope.commands.transfer  # noqa: E402
import cablescope.commands.users  # noqa: E402

if __name__ == "__main__":  # `python -m cablescope.cli …`, as the benchmark runs it
    # Run the app of the imported module, on which the command modules registered: this
    # file running as __main__ is a second copy of it.
    from cablescope.cli import app as registered_app

    registered_app()
