"""The search page's content: one page of hits, facet counts and the date histogram for the
query in the URL, with every link (facet value, bar, page, sort) a URL of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cablescope.search.query import DateRange, Node, QuerySyntaxError, parse_query
from cablescope.search.results import SORTS, SearchPage
from cablescope.web import charts, links
from cablescope.web.cache import CachedReads
from cablescope.web.levels import slug_of

PAGE_SIZE = 20
#: Deeper than this, a narrower query serves a reader better than page 500 of everything.
MAX_OFFSET = 10_000
#: Facets in the sidebar, in order, with their headings (years come from the histogram).
FACETS: tuple[tuple[str, str], ...] = (
    ("classification", "Classification"),
    ("origin", "Origin"),
    ("tag", "TAGS"),
    ("recipient", "Recipients"),
    ("signer", "Signers"),
)
FACET_LIMIT = 10
SORT_LABELS: dict[str, str] = {
    "relevance": "Relevance",
    "-date": "Newest first",
    "date": "Oldest first",
}
#: A node every cable matches: the store's search needs a tree, an empty box means "all".
MATCH_ALL: Node = DateRange(None, None)


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int
    href: str | None
    active: bool
    css: str = ""


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True, slots=True)
class PageLink:
    label: str
    href: str | None  # None: the current page, or a gap
    current: bool = False


@dataclass(frozen=True, slots=True)
class QueryError:
    message: str
    query: str
    position: int


def parse_params(params: Any) -> tuple[str, str, int]:
    """(q, sort, offset) from the URL, forgiving: a bad sort or offset falls back to the
    default instead of an error page, because URLs get hand-edited and truncated."""
    query = " ".join(str(params.get("q", "")).split())
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        sort = "relevance"
    try:
        offset = int(params.get("offset", 0))
    except ValueError:
        offset = 0
    offset = min(max(0, offset), MAX_OFFSET)
    return query, sort, offset - offset % PAGE_SIZE


def parse(query: str) -> tuple[Node | None, QueryError | None]:
    """The query's tree (None for an empty box) or what is wrong with it."""
    if not query:
        return None, None
    try:
        return parse_query(query), None
    except QuerySyntaxError as exc:
        return None, QueryError(exc.message, query, exc.position)


def _facet(name: str, title: str, pairs: list[tuple[str, int]], query: str) -> Facet:
    values = []
    for value, count in pairs:
        filter_term = links.facet_term(name, value)
        active = filter_term is not None and links.has_term(query, filter_term)
        if filter_term is None:
            href = None
        elif active:
            href = links.search_url(links.remove_term(query, filter_term))
        else:
            href = links.search_url(links.add_term(query, filter_term))
        css = f"lvl-{slug_of(value)}" if name == "classification" else ""
        values.append(FacetValue(value, count, href, active, css))
    return Facet(name, title, values)


def _pages(query: str, sort: str, offset: int, total: int) -> list[PageLink]:
    """Previous, a window of page numbers around this one (and first, last), next."""
    last_offset = min(max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE), MAX_OFFSET)
    current = offset // PAGE_SIZE
    last = last_offset // PAGE_SIZE
    if last == 0:
        return []
    sort_param = None if sort == "relevance" else sort

    def url(page: int) -> str:
        return links.search_url(query, sort=sort_param, offset=page * PAGE_SIZE)

    shown = sorted({0, last, *range(max(0, current - 2), min(last, current + 2) + 1)})
    result = [PageLink("Previous", url(min(current - 1, last)) if current > 0 else None)]
    previous = -1
    for page in shown:
        if page - previous > 1:
            result.append(PageLink("…", None))
        result.append(
            PageLink(str(page + 1), None if page == current else url(page), page == current)
        )
        previous = page
    result.append(PageLink("Next", url(current + 1) if current < last else None))
    return result


#: The sidebar's facet fields, in the one order every caller uses (one cache entry).
FACET_FIELDS: tuple[str, ...] = tuple(name for name, _ in FACETS)


def build(reads: CachedReads, query: str, sort: str, offset: int) -> dict[str, Any]:
    """The search template's context for a query that parsed (or an empty one)."""
    node, _ = parse(query)
    page: SearchPage = reads.search(node or MATCH_ALL, limit=PAGE_SIZE, offset=offset, sort=sort)
    counted = reads.facets(node, fields=FACET_FIELDS, limit=FACET_LIMIT)
    years = reads.histogram(node, interval="year")
    interval = charts.pick_interval(years)
    buckets = years if interval == "year" else reads.histogram(node, interval="month")
    chart = charts.histogram(
        buckets, interval, lambda bucket: links.search_url(links.with_date(query, bucket))
    )
    commonest = sorted((pair for pair in years if pair[1]), key=lambda pair: -pair[1])
    year_facet = sorted(commonest[:FACET_LIMIT], reverse=True)  # the busiest years, newest first
    facets = [_facet(name, title, counted.get(name, []), query) for name, title in FACETS]
    facets.insert(2, _facet("year", "Year", year_facet, query))
    return {
        "query": query,
        "sort": sort,
        "offset": offset,
        "page": page,
        "facets": facets,
        "histogram": chart,
        "date_template": links.with_date(query, "RANGE"),
        "pages": _pages(query, sort, offset, page.total),
        "sorts": [
            (key, label, links.search_url(query, sort=None if key == "relevance" else key))
            for key, label in SORT_LABELS.items()
        ],
        "first": offset + 1 if page.hits else 0,
        "last": offset + len(page.hits),
    }


__all__ = [
    "FACET_FIELDS",
    "FACET_LIMIT",
    "MATCH_ALL",
    "PAGE_SIZE",
    "build",
    "parse",
    "parse_params",
]
