"""`cablescope entities [QUERY]` and `cablescope entity show|merge|split|rename|corrections`.

``entities`` lists the persons, organisations, places and events of the matching cables
(the first ``--cables`` of them, oldest first: resolution clusters a whole batch at once),
biggest first, in the usual output formats. ``entity show NAME`` finds one entity by id
(``org:lashkar-e-taiba``) or name and shows its timeline, co-occurring entities, cables and
paragraphs by portion marking.

``merge``, ``split`` and ``rename`` store a user's correction in the archive, apart from
the machine's output: every later listing, page and graph applies it, and it survives
re-ingest and re-extraction. ``entity corrections`` lists them (``--json`` to keep a copy).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cablescope.cli import (
    AsCsv,
    AsJson,
    AsNl,
    AsTable,
    DbOption,
    _stderr_console,
    _stdout_console,
    app,
    output_format,
    query_or_exit,
)
from cablescope.commands.graph import open_archive
from cablescope.graph import corrections as fixes
from cablescope.graph.lookup import DEFAULT_CABLES, KINDS, Found, find_entity
from cablescope.graph.profile import entity_list, profile
from cablescope.output import write_csv, write_json, write_nl
from cablescope.store import DEFAULT_DB

LIST_COLUMNS = ("id", "name", "kind", "cables", "mentions", "first", "last", "aliases")
#: Cables `entities` reads unless told otherwise.
LIST_CABLES = 1_000

entity_app = typer.Typer(
    help="One entity: show it, or correct the machine (merge, split, rename).",
    no_args_is_help=True,
)
app.add_typer(entity_app, name="entity")

Cables = Annotated[
    int, typer.Option("--cables", min=1, help="Most relevant matching cables read to find it.")
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    Console(file=sys.stderr, highlight=False).print(Text("error: ", style="red") + Text(message))
    return typer.Exit(code)


def _kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    if kind.lower() not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="--kind")
    return kind.lower()


@app.command(
    "entities",
    epilog="Kinds: person, org, place, event. Entities come from the first --cables matching "
    "cables, oldest first. Exit status: 0, 1 when the archive is missing, 2 for a bad query.",
)
def entities_command(
    query: Annotated[str, typer.Argument(help="The query; empty for every cable.")] = "",
    db: DbOption = DEFAULT_DB,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Entities listed; 0: all.")] = 50,
    cables: Annotated[
        int, typer.Option("--cables", min=1, help="Matching cables read (oldest first).")
    ] = LIST_CABLES,
    as_json: AsJson = False,
    as_nl: AsNl = False,
    as_csv: AsCsv = False,
    as_table: AsTable = False,
) -> None:
    """List the entities of the matching cables: name, kind, aliases, cables, mentions."""
    fmt = output_format(as_json, as_nl, as_csv, as_table)
    wanted = _kind(kind)
    err = _stderr_console()
    tree = query_or_exit(query, err) if query.strip() else None
    with open_archive(db, err) as store:
        rows, collected = entity_list(store, tree, cables=cables, kind=wanted)
    total = len(rows)
    rows = rows[:limit] if limit else rows
    if fmt == "table":
        _entity_table(rows)
    elif fmt == "json":
        write_json(rows, sys.stdout)
    elif fmt == "csv":
        write_csv(rows, sys.stdout, list(LIST_COLUMNS))
    else:
        write_nl(rows, sys.stdout)
    capped = f" (the first {collected.read:,}, oldest first)" if collected.capped else ""
    err.print(f"{total:,} entities in {collected.read:,} cables{capped}; {len(rows):,} listed")


def _entity_table(rows: list[dict[str, Any]]) -> None:
    table = Table(header_style="bold")
    for column, justify in (
        ("id", "left"),
        ("name", "left"),
        ("kind", "left"),
        ("cables", "right"),
        ("mentions", "right"),
        ("aliases", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            Text(row["id"]),
            Text(row["name"]),
            row["kind"],
            f"{row['cables']:,}",
            f"{row['mentions']:,}",
            Text("; ".join(row["aliases"][:5])),
        )
    _stdout_console(min_width=120).print(table)


def _find(store: Any, name: str, cables: int) -> Found:
    found = find_entity(store, name, limit=cables)
    if found.entity is None:
        raise _fail(f"no entity {name!r} in the cables that mention it (searched {found.terms})")
    return found


@entity_app.command("show", epilog="Exit status: 0, or 1 when the archive or entity is missing.")
def show_command(
    name: Annotated[str, typer.Argument(help="An entity id (org:lashkar-e-taiba) or a name.")],
    db: DbOption = DEFAULT_DB,
    cables: Cables = DEFAULT_CABLES,
    as_json: Annotated[bool, typer.Option("--json", help="Everything as one JSON object.")] = False,
) -> None:
    """Show one entity: timeline, co-occurring entities, cables, paragraphs by marking."""
    err = _stderr_console()
    with open_archive(db, err) as store:
        found = _find(store, name, cables)
        data = profile(found)
        if store.has_mentions():  # paragraphs by marking over the whole archive
            from cablescope.graph.stored import stored_profile

            data.update(stored_profile(store, found))
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print_profile(data)


def _print_profile(data: dict[str, Any]) -> None:
    console = _stdout_console(min_width=120)
    title = Text(data["name"], style="bold") + Text(f"  {data['id']}  {data['kind']}")
    console.print(title)
    console.print(Text("Also written: " + "; ".join(data["aliases"][:12])))
    searched = data["searched"]
    note = " (the most relevant only)" if searched["capped"] else ""
    console.print(
        Text(
            f"{data['cables']:,} cables, {data['mentions']:,} mentions, "
            f"{data['first'] or '?'} – {data['last'] or '?'}; "
            f"read {searched['read']:,} of {searched['matching']:,} matching cables{note}"
        )
    )
    peak = max((m["cables"] for m in data["timeline"]), default=0)
    timeline = Table(title="Timeline (cables per month)", title_justify="left")
    timeline.add_column("month")
    timeline.add_column("cables", justify="right")
    timeline.add_column("mentions", justify="right")
    timeline.add_column("")
    for m in data["timeline"]:
        bar = "█" * max(1, round(30 * m["cables"] / peak)) if peak else ""
        timeline.add_row(m["month"], str(m["cables"]), str(m["mentions"]), bar)
    console.print(timeline)
    near = Table(title="Co-occurring entities", title_justify="left")
    for column in ("id", "name", "kind", "cables", "paragraphs"):
        near.add_column(column)
    for other in data["cooccurring"]:
        near.add_row(
            Text(other["id"]),
            Text(other["name"]),
            other["kind"],
            str(other["cables"]),
            str(other["paragraphs"]),
        )
    console.print(near)
    listed = Table(title="Cables", title_justify="left")
    for column in ("id", "date", "origin", "classification", "subject", "mentions"):
        listed.add_column(column, overflow="fold")
    for cable in data["cable_list"]:
        listed.add_row(
            *(Text(str(cable.get(c) or "")) for c in ("id", "date", "origin", "classification")),
            Text(cable.get("subject") or ""),
            str(cable["mentions"]),
        )
    console.print(listed)
    stored = data.get("stored") or {}
    for marking, group in data["paragraphs"].items():
        total = (stored.get("paragraphs") or {}).get(marking, len(group))
        listed = f" (first {len(group)} listed)" if total > len(group) else ""
        console.print(Text(f"Paragraphs marked ({marking}): {total}{listed}", style="bold"))
        for p in group:
            where = f"  {p['cable_id']} ¶{p['paragraph'] if p['paragraph'] is not None else '?'}: "
            console.print(Text(where, style="cyan") + Text(p["snippet"]), soft_wrap=False)
    for fix in data["corrections"]:
        console.print(Text(f"corrected: {fixes.describe(fix)}", style="yellow"))


def _store_correction(db: str, make: Any, names: list[str], cables: int) -> dict[str, Any]:
    """Find the named entities, build the correction, store it; exit 1 on a bad one."""
    err = _stderr_console()
    with open_archive(db, err, read_only=False) as store:
        found = [_find(store, name, cables) for name in names]
        try:
            correction = make(found)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        try:
            store.add_correction(correction)
        except NotImplementedError as exc:
            raise _fail(str(exc)) from None
    err.print(f"stored: {fixes.describe(correction)}", markup=False)
    return correction


@entity_app.command("merge", epilog="Exit status: 0, or 1 when an entity is not found.")
def merge_command(
    names: Annotated[list[str], typer.Argument(help="Two or more entity ids or names.")],
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option("--name", help="The merged entity's name.")] = None,
    cables: Cables = DEFAULT_CABLES,
) -> None:
    """Make several entities one (the first keeps its id)."""
    if len(names) < 2:
        raise typer.BadParameter("name two entities or more", param_hint="NAMES")
    _store_correction(db, lambda found: fixes.merge([f.entity for f in found], name), names, cables)


@entity_app.command("split", epilog="Exit status: 0, or 1 when the entity or alias is missing.")
def split_command(
    entity: Annotated[str, typer.Argument(help="The entity id or name.")],
    alias: Annotated[
        list[str], typer.Option("--alias", help="A spelling to move to a new entity (repeat).")
    ],
    db: DbOption = DEFAULT_DB,
    name: Annotated[str | None, typer.Option("--name", help="The new entity's name.")] = None,
    cables: Cables = DEFAULT_CABLES,
) -> None:
    """Move the mentions written as --alias out of an entity into a new one."""

    def make(found: list[Found]) -> dict[str, Any]:
        taken = [e.id for e in found[0].entities]
        return fixes.split(found[0].entity, alias, name, taken)  # type: ignore[arg-type]

    _store_correction(db, make, [entity], cables)


@entity_app.command("rename", epilog="Exit status: 0, or 1 when the entity is not found.")
def rename_command(
    entity: Annotated[str, typer.Argument(help="The entity id or name.")],
    new_name: Annotated[str, typer.Argument(help="Its new name.")],
    db: DbOption = DEFAULT_DB,
    cables: Cables = DEFAULT_CABLES,
) -> None:
    """Give an entity another name (its id stays, so links keep working)."""
    _store_correction(db, lambda found: fixes.rename(found[0].entity, new_name), [entity], cables)


@entity_app.command("corrections")
def corrections_command(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one a line.")] = False,
) -> None:
    """List the stored corrections, oldest first."""
    from cablescope.graph.corpus import stored_corrections

    err = _stderr_console()
    with open_archive(db, err) as store:
        items = stored_corrections(store)
    if as_json:
        write_nl(items, sys.stdout)
        return
    console = _stdout_console(min_width=100)
    for item in items:
        console.print(Text(f"{item.get('seq')}  {item.get('created_at')}  {fixes.describe(item)}"))
    err.print(f"{len(items):,} corrections")


MENTION_COLUMNS = ("cable_id", "date", "paragraph", "marking", "text", "snippet")


@app.command(
    "mentions",
    epilog="--marking S (or SECRET) lists every SECRET paragraph (S, S/NF, S/REL …); S/NF "
    "exactly that marking; unmarked the paragraphs without one. Reads the mentions "
    "`cablescope enrich` stored. Exit status: 0, or 1 when the archive, its mentions or the "
    "entity is missing.",
)
def mentions_command(
    entity: Annotated[str, typer.Argument(help="An entity id (org:lashkar-e-taiba) or a name.")],
    db: DbOption = DEFAULT_DB,
    marking: Annotated[
        str | None, typer.Option("--marking", help="Only paragraphs marked so: S, C, U, S/NF…")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Mentions listed; 0: all.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Mentions skipped.")] = 0,
    as_json: AsJson = False,
    as_nl: AsNl = False,
    as_csv: AsCsv = False,
    as_table: AsTable = False,
) -> None:
    """Where an entity is mentioned: cable, date, paragraph, its marking, the text as
    written and a snippet — e.g. which SECRET paragraphs mention ISI."""
    from cablescope.graph.stored import selection, with_snippets

    fmt = output_format(as_json, as_nl, as_csv, as_table)
    err = _stderr_console()
    with open_archive(db, err) as store:
        if not store.has_mentions():
            raise _fail(f"no stored mentions in {db}: run `cablescope enrich --db {db}` first")
        chosen = selection(store, entity)
        if chosen is None:
            raise _fail(f"no entity {entity!r} in the stored mentions or the cables naming it")
        entity_id, selects = chosen
        page = store.mentions(selects, marking=marking, limit=limit or None, offset=offset)
    rows = with_snippets(page.rows)
    if fmt == "table":
        _mention_table(rows)
    elif fmt == "json":
        write_json(rows, sys.stdout)
    elif fmt == "csv":
        write_csv(rows, sys.stdout, [*MENTION_COLUMNS, "field", "entity", "start", "end"])
    else:
        write_nl(rows, sys.stdout)
    where = f" in paragraphs marked {marking}" if marking else ""
    err.print(f"{page.total:,} mentions of {entity_id}{where}; {len(rows):,} listed", markup=False)


def _mention_table(rows: list[dict[str, Any]]) -> None:
    table = Table(header_style="bold")
    for column in ("cable", "date", "¶", "marking", "written", "snippet"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            Text(row["cable_id"]),
            Text(row["date"] or ""),
            "" if row["paragraph"] is None else str(row["paragraph"]),
            Text(row["marking"] or ("" if row["field"] in ("text", "heading") else row["field"])),
            Text(row["text"]),
            Text(row["snippet"]),
        )
    _stdout_console(min_width=120).print(table)


__all__ = ["entities_command", "entity_app", "mentions_command"]
