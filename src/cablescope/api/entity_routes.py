"""Entities and graphs: the entities of a query's cables, one entity's profile, and the
reference, addressee and co-occurrence networks as JSON (nodes and edges lists).

Entities are extracted on the fly from a capped number of cables (resolution clusters a
batch at once); every answer says how many cables it read and whether it stopped early.
Results are remembered per archive state, so a page asked for twice is computed once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from cablescope.api.deps import get_store
from cablescope.api.errors import ApiError, documented
from cablescope.api.queries import parse_optional
from cablescope.graph import build
from cablescope.graph.lookup import KINDS, find_entity
from cablescope.graph.profile import entity_list, profile
from cablescope.graph.stored import selection, stored_profile, with_snippets
from cablescope.store import Store

router = APIRouter(tags=["entities"])

StoreDep = Annotated[Store, Depends(get_store)]
OptionalQuery = Annotated[
    str | None, Query(description="A query in the search language; none: every cable.")
]
#: Cables read at most per request, by kind of answer.
MAX_LIST_CABLES = 1_000
MAX_ENTITY_CABLES = 300
MAX_GRAPH_CABLES = {"refs": 20_000, "posts": 20_000, "entities": 1_000}
DEFAULT_GRAPH_CABLES = {"refs": 2_000, "posts": 2_000, "entities": 100}


class EntityRow(BaseModel):
    id: str = Field(description="Stable id from the canonical name, e.g. org:lashkar-e-taiba.")
    name: str
    kind: str = Field(description="PERSON, ORG, PLACE or EVENT.")
    aliases: list[str] = Field(description="Spellings in the cables, commonest first.")
    cables: int
    mentions: int
    first: str | None
    last: str | None


class EntitiesResponse(BaseModel):
    query: str | None
    cables_read: int = Field(description="Matching cables read (oldest first).")
    capped: bool = Field(description="True when more cables match than were read.")
    total: int = Field(description="Entities found in the cables read.")
    entities: list[EntityRow]


class EntityProfile(EntityRow):
    timeline: list[dict[str, Any]] = Field(description="{month, cables, mentions}, oldest first.")
    cooccurring: list[dict[str, Any]] = Field(description="Entities sharing cables with it.")
    cable_list: list[dict[str, Any]] = Field(description="The cables mentioning it, by date.")
    paragraphs: dict[str, list[dict[str, Any]]] = Field(
        description="Paragraphs mentioning it, grouped by portion marking (« » marks it)."
    )
    corrections: list[dict[str, Any]] = Field(description="Users' corrections about it.")
    searched: dict[str, Any] = Field(description="Search terms and cables read to find it.")
    stored: dict[str, Any] | None = Field(
        None,
        description="When the archive has stored mentions (`cablescope enrich`): mentions, "
        "cables and paragraphs per marking over the whole archive; `paragraphs` then lists "
        "the first `listed` of each marking from them.",
    )


class MentionItem(BaseModel):
    cable_id: str
    version: int
    date: str | None
    field: str = Field(description="text, heading, subject, classified_by, signature, tags.")
    position: int | None = Field(description="Index of the paragraph in the record.")
    paragraph: int | None = Field(description="The paragraph's number as the cable gives it.")
    start: int = Field(description="Character offset into the field's text.")
    end: int
    text: str = Field(description="The mention as written.")
    kind: str
    entity: str = Field(description="The entity id resolution gave it within its cable.")
    marking: str | None = Field(description="The paragraph's portion marking as written.")
    level: str | None = Field(description="The level of that marking (SECRET).")
    snippet: str = Field(description="The field around the mention, « » around it.")


class MentionsResponse(BaseModel):
    entity: str
    marking: str | None
    total: int = Field(description="Mentions matching, in default versions.")
    limit: int
    offset: int
    mentions: list[MentionItem]


class GraphResponse(BaseModel):
    name: str
    directed: bool
    meta: dict[str, Any]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


def _cache(request: Request) -> Any:
    from cablescope.web.cache import page_cache

    return page_cache(request.app)


def cached_list(
    request: Request, store: Store, q: str | None, kind: str | None, cables: int
) -> tuple[list[dict[str, Any]], int, bool]:
    """(entity rows, cables read, capped); only the rows are remembered, not the mentions."""
    tree = parse_optional(q)

    def compute() -> tuple[list[dict[str, Any]], int, bool]:
        rows, collected = entity_list(store, tree, cables=cables, kind=kind)
        return rows, collected.read, collected.capped

    return _cache(request).get(("entities", tree, kind, cables), compute)


def cached_profile(
    request: Request, store: Store, key: str, cables: int, aliases: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The entity's profile, or None when it is not found."""

    def compute() -> dict[str, Any] | None:
        found = find_entity(store, key, limit=cables, extra_terms=aliases)
        if found.entity is None:
            return None
        data = profile(found) | {"stored": None}
        if store.has_mentions():  # complete paragraphs by marking, not just the cables read
            data.update(stored_profile(store, found))
        return data

    return _cache(request).get(("entity", key, cables, aliases), compute)


def cached_graph(
    request: Request, store: Store, kind: str, q: str | None, limit: int, top: int | None
) -> dict[str, Any]:
    tree = parse_optional(q)
    return _cache(request).get(
        ("graph", kind, tree, limit, top),
        lambda: build(store, kind, tree, limit=limit, top=top).to_dict(),
    )


@router.get("/entities", response_model=EntitiesResponse, responses=documented(400))
def entities(
    request: Request,
    store: StoreDep,
    q: OptionalQuery = None,
    kind: Annotated[Literal["person", "org", "place", "event"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Entities returned.")] = 50,
    cables: Annotated[
        int, Query(ge=1, le=MAX_LIST_CABLES, description="Matching cables read, oldest first.")
    ] = 200,
) -> EntitiesResponse:
    """The entities of the matching cables, biggest first, users' corrections applied."""
    rows, read, capped = cached_list(request, store, q, kind, cables)
    return EntitiesResponse(
        query=q,
        cables_read=read,
        capped=capped,
        total=len(rows),
        entities=[EntityRow(**row) for row in rows[:limit]],
    )


@router.get("/entities/{key}/mentions", response_model=MentionsResponse, responses=documented(404))
def entity_mentions(
    request: Request,
    store: StoreDep,
    key: Annotated[
        str,
        Path(min_length=1, max_length=200, description="An entity id or a name (ISI)."),
    ],
    marking: Annotated[
        str | None,
        Query(
            max_length=100,
            description="S or SECRET: every SECRET paragraph (S, S/NF, …); S/NF: that exact "
            "marking; unmarked: paragraphs without one.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MentionsResponse:
    """Where an entity is mentioned, from the mentions `cablescope enrich` stored: cable,
    date, paragraph and its marking, the text as written, a snippet; corrections applied."""
    if not store.has_mentions():
        raise ApiError(404, "this archive has no stored mentions: run `cablescope enrich`")

    def compute() -> dict[str, Any] | None:
        chosen = selection(store, key)
        if chosen is None:
            return None
        entity_id, selects = chosen
        page = store.mentions(selects, marking=marking, limit=limit, offset=offset)
        return {"entity": entity_id, "total": page.total, "rows": with_snippets(page.rows)}

    data = _cache(request).get(("mentions", key, marking, limit, offset), compute)
    if data is None:
        raise ApiError(404, f"no entity {key!r} found")
    return MentionsResponse(
        entity=data["entity"],
        marking=marking,
        total=data["total"],
        limit=limit,
        offset=offset,
        mentions=[MentionItem(**row) for row in data["rows"]],
    )


@router.get("/entities/{key}", response_model=EntityProfile, responses=documented(404))
def entity(
    request: Request,
    store: StoreDep,
    key: Annotated[
        str,
        Path(
            min_length=1,
            max_length=200,
            description="An entity id (org:lashkar-e-taiba) or a name (Kayani).",
        ),
    ],
    cables: Annotated[
        int, Query(ge=1, le=MAX_ENTITY_CABLES, description="Most relevant cables read.")
    ] = 100,
    alias: Annotated[
        list[str] | None, Query(max_length=100, description="More spellings to search for.")
    ] = None,
) -> EntityProfile:
    """One entity: names, timeline, co-occurring entities, cables, paragraphs by marking."""
    aliases = tuple((alias or [])[:8])
    data = cached_profile(request, store, key, cables, aliases) if key.strip() else None
    if data is None:
        raise ApiError(404, f"no entity {key!r} found in the cables that mention it")
    return EntityProfile(**data)


@router.get("/graph/{kind}", response_model=GraphResponse, responses=documented(400))
def graph(
    request: Request,
    store: StoreDep,
    kind: Literal["refs", "posts", "entities"],
    q: OptionalQuery = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=20_000,
            description="Matching cables read, oldest first (entities: at most 1,000).",
        ),
    ] = None,
    top: Annotated[
        int | None, Query(ge=1, le=1_000, description="entities: keep the N biggest.")
    ] = None,
) -> GraphResponse:
    """The reference (refs), addressee (posts) or entity co-occurrence (entities) network
    of the matching cables."""
    cap = min(limit or DEFAULT_GRAPH_CABLES[kind], MAX_GRAPH_CABLES[kind])
    return GraphResponse(**cached_graph(request, store, kind, q, cap, top))


__all__ = ["KINDS", "cached_graph", "cached_list", "cached_profile", "router"]
