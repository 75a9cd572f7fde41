"""What the archive is made of: its TAGS (with what each kind means) and its origins, each
counted over the cables matching an optional query, commonest first."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from cablescope.api.deps import get_store
from cablescope.api.errors import documented
from cablescope.api.models import OriginCount, OriginsResponse, TagInfo, TagsResponse
from cablescope.api.pages import DEFAULT_LIMIT, Limit, Offset, Paging, page_info
from cablescope.api.queries import parse_optional
from cablescope.api.search_routes import OptionalQuery
from cablescope.parse.rules.tags import tag_kind
from cablescope.store import Store

router = APIRouter(tags=["catalog"])

StoreDep = Annotated[Store, Depends(get_store)]
Order = Annotated[Literal["count", "name"], Query(description="Commonest first, or alphabetical.")]


def tag_meaning(tag: str) -> tuple[str, str]:
    """(kind, meaning) of a tag: SUBJECT → subject category, GEO → country or region, …"""
    from cablescope.commands.show import TAG_KIND_MEANINGS

    kind = tag_kind(tag)
    return kind, TAG_KIND_MEANINGS.get(kind, "")


def _ordered(pairs: list[tuple[str, int]], sort: str) -> list[tuple[str, int]]:
    return sorted(pairs) if sort == "name" else pairs  # the store gives commonest first


@router.get("/tags", response_model=TagsResponse, responses=documented(400))
def tags(
    request: Request,
    store: StoreDep,
    q: OptionalQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    sort: Order = "count",
) -> TagsResponse:
    """The TAGS of the matching cables (all cables without `q`), with kind and meaning."""
    pairs = _ordered(store.facets(parse_optional(q), fields=["tag"], limit=None)["tag"], sort)
    paging = Paging(limit, offset)
    items = []
    for tag, count in paging.slice(pairs):
        kind, meaning = tag_meaning(tag)
        items.append(TagInfo(tag=tag, kind=kind, meaning=meaning, count=count))
    return TagsResponse(**page_info(request, paging, len(pairs)), tags=items)


@router.get("/origins", response_model=OriginsResponse, responses=documented(400))
def origins(
    request: Request,
    store: StoreDep,
    q: OptionalQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    sort: Order = "count",
) -> OriginsResponse:
    """The postings that sent the matching cables (all cables without `q`), with counts."""
    found = store.facets(parse_optional(q), fields=["origin"], limit=None)["origin"]
    pairs = _ordered(found, sort)
    paging = Paging(limit, offset)
    return OriginsResponse(
        **page_info(request, paging, len(pairs)),
        origins=[OriginCount(origin=o, count=n) for o, n in paging.slice(pairs)],
    )


__all__ = ["router", "tag_meaning"]
