"""The entity pages: a list of a query's entities, one entity's page (timeline,
co-occurring entities, cables, paragraphs by marking) and the network view of a query.

Entities are extracted on the fly from a capped number of cables (`PAGE_CABLES` for an
entity, `LIST_CABLES` for a list), and every page says so; results are remembered in the
app's cache until the archive changes. When `cablescope enrich` has stored the archive's
mentions, an entity's paragraphs by marking come from them instead: complete counts over
every cable, the first `graph.stored.PAGE_PARAGRAPHS` of each marking listed. The network
view is drawn in the browser by ``static/graph.js`` from ``/api/v1/graph/…``; without
script the page lists the biggest nodes and edges instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from cablescope.api.entity_routes import DEFAULT_GRAPH_CABLES, cached_list, cached_profile
from cablescope.api.errors import ApiError
from cablescope.graph.corrections import describe
from cablescope.graph.lookup import KINDS, query_text
from cablescope.web import charts, correct_routes, links
from cablescope.web.routes import not_found
from cablescope.web.search_view import parse
from cablescope.web.templating import render

router = APIRouter(include_in_schema=False)

#: Cables read for one entity's page, and for a list of a query's entities.
PAGE_CABLES = 40
LIST_CABLES = 100
LIST_ROWS = 100
#: Nodes the network view draws at most.
GRAPH_NODES = 80
GRAPH_KINDS = ("entities", "refs", "posts")
#: Beyond this many months a timeline is drawn per year.
MAX_MONTHS = 72


def entity_url(entity_id: str, aliases: list[str] | None = None) -> str:
    """``/entity/ID`` with up to three spellings to search for (``?alias=LeT``)."""
    base = "/entity/" + quote(entity_id, safe=":")
    params = [("alias", a) for a in (aliases or [])[:3]]
    return base + ("?" + urlencode(params) if params else "")


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while (year, month) <= (int(last[:4]), int(last[5:7])):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def timeline_chart(timeline: list[dict[str, Any]], name: str) -> charts.Histogram:
    """The timeline as a histogram: every month from first to last (gaps as 0), or every
    year when that is more than `MAX_MONTHS`; each bar searches the name in its period."""
    dated = {t["month"]: t["cables"] for t in timeline if t["month"][:4].isdigit()}
    search = query_text([name])
    if not dated:
        return charts.histogram([], "month", lambda b: None)
    months = _months(min(dated), max(dated))
    if len(months) <= MAX_MONTHS:
        buckets = [(m, dated.get(m, 0)) for m in months]
        interval = "month"
    else:
        years: dict[str, int] = {}
        for m in months:
            years[m[:4]] = years.get(m[:4], 0) + dated.get(m, 0)
        buckets = list(years.items())
        interval = "year"
    return charts.histogram(
        buckets, interval, lambda b: links.search_url(links.with_date(search, b))
    )


def _store(request: Request) -> Any:
    return request.app.state.stores.get()


@router.get("/entity/{key:path}", response_class=HTMLResponse)
def entity_page(request: Request, key: str) -> Response:
    """One entity: names, timeline, co-occurring entities, cables, paragraphs by marking."""
    aliases = tuple(a for a in request.query_params.getlist("alias")[:8] if a.strip())
    data = cached_profile(request, _store(request), key, PAGE_CABLES, aliases) if key else None
    if data is None:
        return not_found(f"No entity {key!r} was found in the cables that mention it.")
    for other in data["cooccurring"]:
        other["href"] = entity_url(other["id"], other["aliases"])
    return render(
        "entity.html",
        entity=data,
        chart=timeline_chart(data["timeline"], data["name"]),
        corrections=[(c.get("by") or "a user", describe(c)) for c in data["corrections"]],
        search_href=links.search_url(query_text(data["searched"]["terms"])),
        graph_href="/graph?" + urlencode({"q": query_text(data["aliases"][:6] or [data["name"]])}),
        page_cables=PAGE_CABLES,
        corrections_enabled=correct_routes.enabled(),
        correct_href=entity_url(data["id"]).split("?")[0] + "/correct",
        mentions_href="/api/v1/entities/" + quote(data["id"], safe=":") + "/mentions",
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request) -> Response:
    """The entities of a query's first cables (oldest first), biggest first."""
    query = " ".join(str(request.query_params.get("q", "")).split())
    kind = request.query_params.get("kind") or None
    kind = kind if kind in KINDS else None
    _, error = parse(query)
    if error is not None:
        return render(
            "entities.html", 400, query=query, kind=kind, kinds=KINDS, error=error, rows=[]
        )
    try:
        rows, read, capped = cached_list(request, _store(request), query or None, kind, LIST_CABLES)
    except ApiError as exc:  # a query too long or with too many terms for a server
        return render("entities.html", 400, query=query, kind=kind, kinds=KINDS, error=exc, rows=[])
    for row in rows:
        row["href"] = entity_url(row["id"], row["aliases"])
    return render(
        "entities.html",
        query=query,
        kind=kind,
        kinds=KINDS,
        error=None,
        rows=rows[:LIST_ROWS],
        total=len(rows),
        read=read,
        capped=capped,
        list_cables=LIST_CABLES,
        graph_href="/graph?" + urlencode({"q": query} if query else {}),
    )


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request) -> Response:
    """The network view of a query: entities, references or posts, drawn by graph.js."""
    from cablescope.api.entity_routes import cached_graph

    query = " ".join(str(request.query_params.get("q", "")).split())
    kind = request.query_params.get("kind") or "entities"
    kind = kind if kind in GRAPH_KINDS else "entities"
    _, error = parse(query)
    context: dict[str, Any] = {"query": query, "kind": kind, "kinds": GRAPH_KINDS}
    if error is not None:
        return render("graph.html", 400, error=error, **context)
    top = GRAPH_NODES if kind == "entities" else None
    limit = DEFAULT_GRAPH_CABLES[kind]
    try:
        data = cached_graph(request, _store(request), kind, query or None, limit, top)
    except ApiError as exc:
        return render("graph.html", 400, error=exc, **context)
    nodes = sorted(data["nodes"], key=_node_size, reverse=True)[:GRAPH_NODES]
    shown = {n["id"] for n in nodes}
    edges = [e for e in data["edges"] if e["source"] in shown and e["target"] in shown]
    edges.sort(key=lambda e: -(e.get("weight") or 0))
    params = {"q": query} if query else {}
    params |= {"top": str(top)} if top else {}
    return render(
        "graph.html",
        error=None,
        meta=data["meta"],
        nodes=nodes,
        edges=edges[:200],
        labels={n["id"]: n.get("label") or n["id"] for n in data["nodes"]},
        total_nodes=len(data["nodes"]),
        total_edges=len(data["edges"]),
        limit=limit,
        max_nodes=GRAPH_NODES,
        src=f"/api/v1/graph/{kind}?" + urlencode(params),
        node_href=lambda n: _node_href(kind, n),
        **context,
    )


def _node_size(node: dict[str, Any]) -> float:
    for name in ("cables", "cited_by", "sent"):
        if node.get(name) is not None:
            return float(node[name] or 0) + float(node.get("received_to") or 0)
    return 0.0


def _node_href(kind: str, node: dict[str, Any]) -> str | None:
    if kind == "entities":
        aliases = [a for a in str(node.get("aliases") or "").split("; ") if a]
        return entity_url(node["id"], aliases)
    if kind == "refs":
        return links.cable_url(node["id"]) if node.get("in_archive") else None
    return None


__all__ = ["entity_url", "router", "timeline_chart"]
