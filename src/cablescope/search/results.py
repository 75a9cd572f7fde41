"""What a search returns, whatever the backend: one page of hits and the total count."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Sort orders every backend understands.
SORTS = ("relevance", "date", "-date")

#: Around the matched words in snippets: plain text survives JSON, CSV and terminals alike.
HIGHLIGHT = ("«", "»")


@dataclass(slots=True)
class SearchHit:
    """One matching cable (its default version) and where it matched best."""

    id: str
    date: str | None
    origin: str | None
    classification: str | None
    subject: str | None
    snippet: str | None = None
    paragraph: int | None = None
    marking: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SearchPage:
    """`hits` from `offset`, at most `limit` of them, out of `total` matching cables."""

    total: int
    limit: int
    offset: int
    sort: str
    hits: list[SearchHit] = field(default_factory=list)


__all__ = ["HIGHLIGHT", "SORTS", "SearchHit", "SearchPage"]
