"""`cablescope show ID` and `cablescope diff ID`: read one cable, or what changed between texts.

`show` decodes what a reader of the raw cable has to look up by hand: routing indicators to
station names, TAGS to their kind, portion markings to a colour by level, and which cables in
the archive cite this one. `diff` compares two stored versions (e.g. WikiLeaks' redacted and
unredacted releases): changed fields first, then a unified diff of the body text.

Cable text is never treated as Rich markup (a cable may contain ``[brackets]``): every piece of
it goes through `rich.text.Text`.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cablescope.cli import DbOption, app, is_url
from cablescope.data import routing_indicators
from cablescope.parse.rules.tags import tag_kind
from cablescope.store import DEFAULT_DB, Store, open_store

#: Colour of a classification level (portion markings and the banner), lowest to highest.
LEVEL_STYLES: dict[str, str] = {
    "UNCLASSIFIED": "green",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": "green",
    "SENSITIVE BUT UNCLASSIFIED": "cyan",
    "CONFIDENTIAL": "blue",
    "SECRET": "red",
    "TOP SECRET": "bold magenta",
}

#: What each TAGS kind (`parse.rules.tags.tag_kind`) means to a reader.
TAG_KIND_MEANINGS: dict[str, str] = {
    "SUBJECT": "subject category",
    "GEO": "country or region",
    "ORG": "organisation",
    "PROGRAM": "program or topic (K-tag)",
    "PERSON": "person",
    "UNKNOWN": "not in the TAGS lists",
}

#: Fields `diff` compares besides the body, with how to read each out of a record.
DIFF_FIELDS: tuple[str, ...] = (
    "classification",
    "subject",
    "date",
    "released",
    "dtg",
    "origin",
    "redactions",
    "tags",
    "captions",
    "signers",
    "references",
    "to",
    "info",
    "markings",
    "paragraphs",
    "summary",
    "problems",
)


def _stdout() -> Console:
    console = Console(file=sys.stdout, highlight=False)
    if not console.is_terminal and console.width < 120:  # a pipe or a test: don't wrap at 80
        console = Console(file=sys.stdout, highlight=False, width=120)
    return console


def _fail(message: str) -> typer.Exit:
    Console(file=sys.stderr, highlight=False).print(Text("error: ", style="red") + Text(message))
    return typer.Exit(1)


def _open(db: str) -> Store:
    if not is_url(db) and not Path(db).exists():
        raise _fail(f"no archive at {db}")
    return open_store(db)


def station_of(recipient: dict[str, Any]) -> str | None:
    """The decoded station name: the parser's, else the routing indicator looked up."""
    route = (recipient.get("route") or "").strip().upper()
    return recipient.get("station") or (routing_indicators().get(route) if route else None)


def level_style(level: str | None) -> str:
    return LEVEL_STYLES.get((level or "").upper(), "")


# -- show -------------------------------------------------------------------------------------
def _address(recipient: dict[str, Any]) -> Text:
    text = Text(recipient.get("name") or "?", style="bold")
    route = recipient.get("route")
    if route:
        text.append(f"  {route}", style="dim")
    station = station_of(recipient)
    if station:
        text.append(f" → {station}", style="italic")
    if recipient.get("precedence"):
        text.append(f"  [{recipient['precedence']}]", style="yellow")
    if recipient.get("excluded"):
        text.append(f"  (except {', '.join(recipient['excluded'])})", style="dim")
    return text


def _header_table(record: dict[str, Any], version_line: str) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()

    def row(label: str, value: Text | str | None) -> None:
        if value:
            grid.add_row(label, value if isinstance(value, Text) else Text(value))

    row("Version", version_line)
    if record.get("published_id") and record.get("published_id") != record.get("id"):
        row("Published as", record["published_id"])
    level = record.get("classification")
    row("Classification", Text(level, style=level_style(level)) if level else None)
    row("Date", record.get("date"))
    row("Released", record.get("released"))
    row("DTG", record.get("dtg"))
    precedence = record.get("precedence") or {}
    parts = [f"{k} {v}" for k, v in (precedence.items()) if v]
    row("Precedence", ", ".join(parts) or None)
    row("Transmission", record.get("transmission_id"))
    row("Origin", record.get("origin"))
    if record.get("sender"):
        row("From", _address(record["sender"]))
    for label, key in (("To", "to"), ("Info", "info")):
        for i, recipient in enumerate(record.get(key) or []):
            row(label if i == 0 else "", _address(recipient))
    if record.get("sections"):
        row("Sections", str(record["sections"]))
    row("Captions", " ".join(record.get("captions") or []) or None)
    row("Subject", record.get("subject"))
    classified = record.get("classified_by") or {}
    if classified.get("names") or classified.get("title"):
        who = ", ".join(classified.get("names") or [])
        title = classified.get("title")
        reasons = ", ".join(classified.get("reasons") or [])
        row(
            "Classified by",
            who + (f" ({title})" if title else "") + (f"; reasons {reasons}" if reasons else ""),
        )
    row("Declassify on", record.get("declassify_on"))
    row("Redactions", str(record["redactions"]) if record.get("redactions") else None)
    row("Signers", ", ".join(record.get("signers") or []) or None)
    return grid


def _tags_table(tags: list[str]) -> Table:
    table = Table(title="TAGS", title_justify="left", header_style="bold")
    table.add_column("tag")
    table.add_column("kind")
    table.add_column("meaning")
    for tag in tags:
        kind = tag_kind(tag)
        table.add_row(Text(tag), kind, TAG_KIND_MEANINGS.get(kind, ""))
    return table


def _refs_table(refs: list[dict[str, Any]], in_archive: set[str]) -> Table:
    table = Table(title="References", title_justify="left", header_style="bold")
    for column in ("", "reference", "kind", "title", "in archive"):
        table.add_column(column)
    for ref in refs:
        table.add_row(
            Text(ref.get("bullet") or ""),
            Text(ref.get("value") or ""),
            ref.get("kind") or "",
            Text(ref.get("title") or ""),
            "yes" if ref.get("value") in in_archive else "",
        )
    return table


def _paragraph(paragraph: dict[str, Any]) -> Text:
    number = paragraph.get("number")
    text = Text(f"¶{number} " if number is not None else "¶ ", style="bold")
    marking = paragraph.get("marking")
    if marking:
        text.append(f"({marking}) ", style=level_style(paragraph.get("classification")))
    if paragraph.get("heading"):
        text.append(f"{paragraph['heading']}: ", style="underline")
    text.append(paragraph.get("text") or "")
    return text


def render(
    record: dict[str, Any], versions: list[dict[str, Any]], cited: list[str], in_archive: set[str]
) -> Group:
    """Everything `show` prints for one record, as one Rich renderable."""
    number = next((v["version"] for v in versions if v.get("shown")), None)
    default = next((v["version"] for v in versions if v["default"]), None)
    version_line = f"{number} of {len(versions)}" + (" (default)" if number == default else "")
    parts: list[Any] = [
        Panel(
            _header_table(record, version_line),
            title=Text(record.get("id") or "?", style="bold"),
            title_align="left",
            border_style=level_style(record.get("classification")) or "white",
        )
    ]
    if record.get("tags"):
        parts.append(_tags_table(record["tags"]))
    if record.get("references"):
        parts.append(_refs_table(record["references"], in_archive))
    if cited:
        parts.append(Text("Cited by: ", style="bold") + Text(", ".join(cited)))
    if record.get("summary"):
        parts.append(Panel(Text(record["summary"]), title="Summary", title_align="left"))
    paragraphs = record.get("paragraphs") or []
    if paragraphs:
        parts.append(Text("Paragraphs", style="bold"))
        for paragraph in paragraphs:
            parts.append(_paragraph(paragraph))
            parts.append(Text(""))
    elif record.get("body"):
        parts.append(Panel(Text(record["body"]), title="Body", title_align="left"))
    if record.get("problems"):
        parts.append(Text("Problems", style="bold yellow"))
        for problem in record["problems"]:
            line = f" (line {problem['line']})" if problem.get("line") is not None else ""
            parts.append(Text(f"  {problem['field']}: {problem['message']}{line}"))
    return Group(*parts)


@app.command("show", epilog="Exit status: 0, or 1 when the archive, cable or version is missing.")
def show_command(
    cable_id: Annotated[str, typer.Argument(help="The cable id, e.g. 08LONDON3062.")],
    db: DbOption = DEFAULT_DB,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="This version instead of the default.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The stored record as JSON.")] = False,
) -> None:
    """Show one cable: decoded header, TAGS, references and citing cables, paragraphs."""
    with _open(db) as store:
        cable_id = _resolve(store, cable_id)
        versions = store.versions(cable_id)
        record = store.get(cable_id, version)
        if record is None:
            if versions:
                numbers = ", ".join(str(v["version"]) for v in versions)
                raise _fail(f"{cable_id} has no version {version} (versions: {numbers})")
            raise _fail(f"no cable {cable_id} in {db}")
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
            return
        cited = store.cited_by(cable_id)
        in_archive = {
            ref["value"]
            for ref in record.get("references") or []
            if ref.get("value") and store.versions(ref["value"])
        }
    shown = (
        version
        if version is not None
        else next((v["version"] for v in versions if v["default"]), None)
    )
    for v in versions:
        v["shown"] = v["version"] == shown
    _stdout().print(render(record, versions, cited, in_archive))


def _resolve(store: Store, cable_id: str) -> str:
    """The id as stored: as typed, else upper-cased (ids are upper case; typing is not)."""
    cable_id = cable_id.strip()
    if not store.versions(cable_id) and store.versions(cable_id.upper()):
        return cable_id.upper()
    return cable_id


# -- diff -------------------------------------------------------------------------------------
def _field(record: dict[str, Any], name: str) -> str:
    """A comparable, printable form of one field of a record."""
    if name in ("to", "info"):
        return "; ".join(r.get("name") or "" for r in record.get(name) or [])
    if name == "references":
        return "; ".join(r.get("value") or "" for r in record.get("references") or [])
    if name == "markings":
        return " ".join(p.get("marking") or "-" for p in record.get("paragraphs") or [])
    if name == "paragraphs":
        return str(len(record.get("paragraphs") or []))
    if name == "problems":
        return "; ".join(p.get("field") or "" for p in record.get("problems") or [])
    value = record.get(name)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, old, new) for every compared field whose value differs."""
    return [
        (name, _field(old, name), _field(new, name))
        for name in DIFF_FIELDS
        if _field(old, name) != _field(new, name)
    ]


def body_diff(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """Unified diff lines of two bodies (no trailing newlines)."""
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2
        )
    )


def _diff_line(line: str) -> Text:
    if line.startswith(("+++", "---")):
        return Text(line, style="bold")
    if line.startswith("@@"):
        return Text(line, style="cyan")
    if line.startswith("+"):
        return Text(line, style="green")
    if line.startswith("-"):
        return Text(line, style="red")
    return Text(line)


def _pick(numbers: list[int], first: int | None, second: int | None) -> tuple[int, int]:
    """--from/--to with defaults: the two newest, or the neighbour of the one given."""
    if first is None and second is None:
        return numbers[-2], numbers[-1]
    if second is None:
        later = [n for n in numbers if n != first]
        return first or numbers[0], later[-1]
    if first is None:
        earlier = [n for n in numbers if n < second] or [n for n in numbers if n != second]
        return earlier[-1], second
    return first, second


@app.command("diff", epilog="Exit status: 0, or 1 when the archive, cable or version is missing.")
def diff_command(
    cable_id: Annotated[str, typer.Argument(help="The cable id.")],
    db: DbOption = DEFAULT_DB,
    first: Annotated[
        int | None, typer.Option("--from", min=1, help="Old version (default: second newest).")
    ] = None,
    second: Annotated[
        int | None, typer.Option("--to", min=1, help="New version (default: newest).")
    ] = None,
) -> None:
    """Show what changed between two versions of a cable: fields, then the body as a diff."""
    console = _stdout()
    with _open(db) as store:
        cable_id = _resolve(store, cable_id)
        versions = store.versions(cable_id)
        if not versions:
            raise _fail(f"no cable {cable_id} in {db}")
        numbers = [v["version"] for v in versions]
        if len(numbers) == 1:
            console.print(Text(f"{cable_id} has only one version; nothing to compare."))
            return
        old_number, new_number = _pick(numbers, first, second)
        missing = [n for n in (old_number, new_number) if n not in numbers]
        if missing:
            have = ", ".join(map(str, numbers))
            raise _fail(f"{cable_id} has no version {missing[0]} (versions: {have})")
        old, new = store.get(cable_id, old_number), store.get(cable_id, new_number)
    assert old is not None and new is not None  # both numbers were listed by versions()
    console.print(Text(f"{cable_id}: version {old_number} → version {new_number}", style="bold"))
    changes = changed_fields(old, new)
    if changes:
        table = Table(title="Changed fields", title_justify="left", header_style="bold")
        table.add_column("field")
        table.add_column(f"v{old_number}")
        table.add_column(f"v{new_number}")
        for name, before, after in changes:
            table.add_row(name, Text(before, style="red"), Text(after, style="green"))
        console.print(table)
    else:
        console.print(Text("No field changed."))
    lines = body_diff(
        old.get("body") or "",
        new.get("body") or "",
        f"{cable_id} v{old_number}",
        f"{cable_id} v{new_number}",
    )
    if not lines:
        console.print(Text("Body text identical."))
    for line in lines:
        console.print(_diff_line(line), soft_wrap=True)


__all__ = ["body_diff", "changed_fields", "diff_command", "render", "show_command", "station_of"]
