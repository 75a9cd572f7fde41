"""Paging for every list the API returns: `limit` and `offset` within fixed bounds, and the
next/previous links as a path with its query (relative: the Host header is the client's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 10_000

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip (at most {MAX_OFFSET:,}).")
]


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int

    def slice(self, items: list[Any]) -> list[Any]:
        return items[self.offset : self.offset + self.limit]


def _link(request: Request, offset: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    params.append(("offset", str(offset)))
    return f"{request.url.path}?{urlencode(params)}"


def page_info(request: Request, paging: Paging, total: int) -> dict[str, Any]:
    """`total`, `limit`, `offset`, `next` and `prev` for a response model."""
    following = paging.offset + paging.limit
    has_next = following < total and following <= MAX_OFFSET
    previous = max(0, paging.offset - paging.limit)
    return {
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
        "next": _link(request, following) if has_next else None,
        "prev": _link(request, previous) if paging.offset > 0 else None,
    }


__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MAX_OFFSET", "Limit", "Offset", "Paging", "page_info"]
