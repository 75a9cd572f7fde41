"""`cablescope graph refs|posts|entities [QUERY]`: networks of the archive as graph files.

``refs`` is cables citing cables (cited cables the archive lacks are nodes with
``in_archive=false``; replies and threads are marked, see `cablescope.graph.refs`),
``posts`` the addressee network (sending post → addressee post, by volume and years),
``entities`` the co-occurrence of persons, organisations, places and events.

``--format graphml`` (default) or ``gexf`` (1.3) writes one file (``--out FILE``, else
stdout) that Gephi, networkx (``read_graphml``/``read_gexf``) and R's igraph read;
``--format csv`` writes ``nodes.csv`` and ``edges.csv`` into the ``--out`` folder, or the
edges table alone to stdout. A summary (nodes, edges, cables read) goes to stderr.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cablescope.cli import _stderr_console, app, query_or_exit
from cablescope.graph import ENTITY_CABLES, KINDS, build
from cablescope.graph.formats import FORMATS, write, write_edges_csv, write_nodes_csv


def open_archive(db: str, err: Any, *, read_only: bool = True) -> Any:
    """The store at a path or URL; exit 1 with a message when a path has no archive."""
    from cablescope.store import open_store

    if "://" not in db and not Path(db).exists():
        err.print(f"[red]error:[/] no archive at {escape(db)}")
        raise typer.Exit(1)
    return open_store(db, read_only=read_only)


def _write_graph(graph: Any, fmt: str, out: Path | None) -> str:
    """Write the graph; returns where it went, for the summary."""
    if fmt == "csv" and out is not None:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "nodes.csv").open("w", encoding="utf-8", newline="") as f:
            write_nodes_csv(graph, f)
        with (out / "edges.csv").open("w", encoding="utf-8", newline="") as f:
            write_edges_csv(graph, f)
        return f"{out / 'nodes.csv'} and {out / 'edges.csv'}"
    target = out.open("w", encoding="utf-8", newline="") if out else nullcontext(sys.stdout)
    with target as f:
        write(graph, fmt, f)
    return str(out) if out else "stdout"


@app.command(
    "graph",
    epilog="Kinds: refs (cables citing cables), posts (who sends to whom), entities "
    "(co-occurrence). Formats: graphml, gexf (1.3), csv (--out DIR: nodes.csv + edges.csv; "
    "no --out: the edges to stdout). Exit status: 0, 1 when the archive is missing, 2 for a "
    "bad query or usage error.",
)
def graph_command(
    kind: Annotated[str, typer.Argument(help="refs, posts or entities.")],
    query: Annotated[
        str, typer.Argument(help="The query, e.g. 'tag:PK date:2009'; empty for every cable.")
    ] = "",
    db: Annotated[str, typer.Option("--db", help="The archive file or URL.")] = "cables.db",
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf or csv.")] = "graphml",
    out: Annotated[
        Path | None, typer.Option("--out", help="File (graphml, gexf) or folder (csv).")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help=f"Read at most N matching cables, oldest first (entities: {ENTITY_CABLES:,}).",
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="entities: keep the N biggest only.")
    ] = None,
) -> None:
    """Write the reference, addressee or entity network of the matching cables."""
    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="KIND")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    err = _stderr_console()
    tree = query_or_exit(query, err) if query.strip() else None
    with open_archive(db, err) as store:
        graph = build(store, kind, tree, limit=limit, top=top)
    where = _write_graph(graph, fmt, out)
    meta = graph.meta
    note = f" (stopped at --limit {meta['limit']:,})" if meta.get("capped") else ""
    extra = ""
    if kind == "refs":
        extra = f"; {meta.get('missing', 0):,} cited cables not in the archive"
        extra += f", {meta.get('threads', 0):,} threads"
    err.print(
        f"{len(graph.nodes):,} nodes, {len(graph.edges):,} edges from "
        f"{meta['cables_read']:,} cables{note}{extra} → {escape(where)}"
    )


__all__ = ["graph_command", "open_archive"]
