"""Search, facets, date histogram and archive totals: everything that counts or lists the
cables matching a query in the CLI's query language."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from cablescope.api.deps import get_store
from cablescope.api.errors import ApiError, documented
from cablescope.api.models import (
    Bucket,
    Facet,
    FacetsResponse,
    FacetValue,
    HistogramResponse,
    SearchHit,
    SearchResponse,
    StatsResponse,
)
from cablescope.api.pages import DEFAULT_LIMIT, MAX_OFFSET, Limit, Offset, Paging, page_info
from cablescope.api.queries import MAX_QUERY_CHARS, MAX_QUERY_TERMS, parse, parse_optional
from cablescope.store import Store

router = APIRouter(tags=["search"])

StoreDep = Annotated[Store, Depends(get_store)]
QUERY_HELP = (
    'The query: words, "phrases", AND/OR/NOT, (…), prefix*, from: to: tag: class: '
    "(class>=CONFIDENTIAL) date: (2008-01..2009-06) ref: signer: caption: para:."
)
LIMITS = f" At most {MAX_QUERY_CHARS} characters and {MAX_QUERY_TERMS} terms (else 400)."
RequiredQuery = Annotated[str, Query(description=QUERY_HELP + LIMITS)]
OptionalQuery = Annotated[str | None, Query(description=QUERY_HELP + LIMITS + " None: all.")]
#: Facet names the API accepts (the store's, see `store.sqlite_facets.FACET_FIELDS`).
FacetName = Literal["origin", "classification", "year", "month", "tag", "recipient", "signer"]
FACET_NAMES: tuple[str, ...] = FacetName.__args__  # type: ignore[attr-defined]
#: A histogram's buckets come in one page: a century of months is 1,200.
MAX_BUCKETS = 1_200


@router.get("/search", response_model=SearchResponse, responses=documented(400))
def search(
    request: Request,
    store: StoreDep,
    q: RequiredQuery,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    sort: Literal["relevance", "date", "-date"] = "relevance",
) -> SearchResponse:
    """One page of the cables (default versions) matching `q`, with snippets."""
    if not q.strip():
        raise ApiError(400, "bad query: empty query", position=0, query=q)
    page = store.search(parse(q), limit=limit, offset=offset, sort=sort)
    return SearchResponse(
        **page_info(request, Paging(limit, offset), page.total),
        query=q,
        sort=sort,
        hits=[SearchHit(**hit.to_dict()) for hit in page.hits],
    )


def _matching(store: Store, q: str | None) -> int:
    tree = parse_optional(q)
    return store.search(tree, limit=0).total if tree is not None else store.counts()["cables"]


@router.get("/facets", response_model=FacetsResponse, responses=documented(400))
def facets(
    store: StoreDep,
    q: OptionalQuery = None,
    fields: Annotated[
        list[FacetName] | None, Query(description="Facets to count (repeat); all when none.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Values per facet.")] = 10,
    offset: Offset = 0,
) -> FacetsResponse:
    """The matching cables counted by origin, classification, year, month, TAGS, recipient
    and signer: per facet the commonest values first, a page of them, and how many there are."""
    tree = parse_optional(q)
    wanted = list(dict.fromkeys(fields or FACET_NAMES))
    counted = store.facets(tree, fields=wanted, limit=None)
    return FacetsResponse(
        query=q,
        matching=_matching(store, q),
        limit=limit,
        offset=offset,
        facets={
            name: Facet(
                total=len(pairs),
                values=[FacetValue(value=v, count=n) for v, n in pairs[offset : offset + limit]],
            )
            for name, pairs in counted.items()
        },
    )


@router.get("/histogram", response_model=HistogramResponse, responses=documented(400))
def histogram(
    request: Request,
    store: StoreDep,
    q: OptionalQuery = None,
    interval: Literal["year", "month"] = "year",
    limit: Annotated[
        int, Query(ge=1, le=MAX_BUCKETS, description=f"Buckets per page (at most {MAX_BUCKETS}).")
    ] = MAX_BUCKETS,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HistogramResponse:
    """Matching cables per year or month, oldest first, empty buckets in between as 0."""
    buckets = store.histogram(parse_optional(q), interval=interval)
    paging = Paging(limit, offset)
    return HistogramResponse(
        **page_info(request, paging, len(buckets)),
        query=q,
        interval=interval,
        buckets=[Bucket(bucket=b, count=n) for b, n in paging.slice(buckets)],
    )


@router.get("/stats", response_model=StatsResponse)
def stats(store: StoreDep) -> StatsResponse:
    """What the archive holds: totals, cables per year and per classification."""
    counts = store.counts()
    counted = store.facets(None, fields=["year", "classification"], limit=None)
    years = sorted(counted["year"], key=lambda pair: int(pair[0]))
    return StatsResponse(
        cables=counts["cables"],
        versions=counts["versions"],
        paragraphs=counts["paragraphs"],
        problems=counts["problems"],
        first_year=years[0][0] if years else None,
        last_year=years[-1][0] if years else None,
        by_year=[Bucket(bucket=y, count=n) for y, n in years],
        by_classification=[FacetValue(value=v, count=n) for v, n in counted["classification"]],
    )


__all__ = ["router"]
