"""Response bodies of the JSON API, as Pydantic models so the OpenAPI schema says exactly
what each endpoint returns (and the schema-driven fuzz run can check every answer)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# -- errors -------------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    """Every error the API answers: a message, and for a bad query where it went wrong."""

    error: str = Field(description="What went wrong, in words.")
    position: int | None = Field(None, description="0-based offset of the trouble in `query`.")
    query: str | None = Field(None, description="The query as received.")
    id: str | None = Field(None, description="The cable id asked for (404 only).")
    detail: list[dict[str, Any]] | None = Field(
        None, description="Per-parameter validation problems (422 only)."
    )


# -- the cable record (`Cable.to_dict()`) -------------------------------------------------------


class Recipient(BaseModel):
    route: str | None = None
    name: str | None = None
    precedence: str | None = None
    mcn: str | None = None
    excluded: list[str] = []
    station: str | None = None


class Reference(BaseModel):
    value: str | None = None
    kind: str | None = None
    bullet: str | None = None
    title: str | None = None


class Precedence(BaseModel):
    action: str | None = None
    info: str | None = None


class ClassifiedBy(BaseModel):
    names: list[str] = []
    title: str | None = None
    reasons: list[str] = []


class Paragraph(BaseModel):
    number: int | None = None
    marking: str | None = None
    classification: str | None = None
    noforn: bool = False
    releasable_to: list[str] = []
    heading: str | None = None
    text: str | None = None
    line: int | None = None


class Problem(BaseModel):
    field: str
    message: str
    line: int | None = None


class Source(BaseModel):
    name: str | None = None
    format: str | None = None
    line: int | None = None
    offset: int | None = None


class CableRecord(BaseModel):
    """One stored version of a cable, as `docs/cable-record.md` describes it (no `raw`)."""

    # A key the record gains later passes through rather than vanishing from the API.
    model_config = ConfigDict(extra="allow")

    id: str | None = None
    published_id: str | None = None
    origin: str | None = None
    date: str | None = None
    released: str | None = None
    dtg: str | None = None
    classification: str | None = None
    transmission_id: str | None = None
    precedence: Precedence | None = None
    sender: Recipient | None = None
    to: list[Recipient] = []
    info: list[Recipient] = []
    sections: int | None = None
    captions: list[str] = []
    subject: str | None = None
    title: str | None = None
    tags: list[str] = []
    references: list[Reference] = []
    classified_by: ClassifiedBy | None = None
    declassify_on: str | None = None
    paragraphs: list[Paragraph] = []
    summary: str | None = None
    comments: list[str] = []
    signers: list[str] = []
    redactions: int = 0
    body: str | None = None
    header: str | None = None
    problems: list[Problem] = []
    synthetic: bool = False
    source: Source | None = None


class VersionInfo(BaseModel):
    version: int = Field(description="Version number, 1 for the first text ingested.")
    content_hash: str
    released: str | None = None
    redactions: int | None = None
    default: bool = Field(description="True for the version searches and `show` use.")
    ingested_at: str | None = None


class CableLinks(BaseModel):
    raw: str
    versions: str
    cites: str
    cited_by: str


class CableResponse(BaseModel):
    """One version of a cable and where to read more about it."""

    id: str
    version: int
    default: bool
    version_count: int
    record: CableRecord
    links: CableLinks


class VersionsResponse(BaseModel):
    id: str
    versions: list[VersionInfo]


class FieldChange(BaseModel):
    field: str
    old: str
    new: str


class DiffResponse(BaseModel):
    """What changed from version `from` to version `to`: fields, then the body line by line."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    from_version: int = Field(alias="from")
    to_version: int = Field(alias="to")
    changed_fields: list[FieldChange]
    body_diff: list[str] = Field(description="Unified diff lines of the two bodies.")


# -- pages ----------------------------------------------------------------------------------------


class PageInfo(BaseModel):
    total: int = Field(description="Items in all pages together.")
    limit: int
    offset: int
    next: str | None = Field(None, description="Path and query of the next page, if any.")
    prev: str | None = Field(None, description="Path and query of the previous page, if any.")


class SearchHit(BaseModel):
    id: str
    date: str | None = None
    origin: str | None = None
    classification: str | None = None
    subject: str | None = None
    snippet: str | None = Field(None, description="Matched words between « and ».")
    paragraph: int | None = None
    marking: str | None = None
    score: float | None = None


class SearchResponse(PageInfo):
    query: str
    sort: str
    hits: list[SearchHit]


class Citation(Reference):
    in_archive: bool = Field(description="True when the referenced cable is in this archive.")


class CitesResponse(PageInfo):
    id: str
    references: list[Citation]


class CitedByResponse(PageInfo):
    id: str
    cited_by: list[str]


class FacetValue(BaseModel):
    value: str
    count: int


class Facet(BaseModel):
    total: int = Field(description="Distinct values of this facet among the matching cables.")
    values: list[FacetValue]


class FacetsResponse(BaseModel):
    query: str | None
    matching: int = Field(description="Cables matching the query.")
    limit: int
    offset: int
    facets: dict[str, Facet]


class Bucket(BaseModel):
    bucket: str
    count: int


class HistogramResponse(PageInfo):
    query: str | None
    interval: str
    buckets: list[Bucket]


class TagInfo(BaseModel):
    tag: str
    kind: str = Field(description="SUBJECT, GEO, ORG, PROGRAM, PERSON or UNKNOWN.")
    meaning: str
    count: int = Field(description="Cables (default versions) carrying the tag.")


class TagsResponse(PageInfo):
    tags: list[TagInfo]


class OriginCount(BaseModel):
    origin: str
    count: int


class OriginsResponse(PageInfo):
    origins: list[OriginCount]


class StatsResponse(BaseModel):
    cables: int
    versions: int
    paragraphs: int
    problems: int
    first_year: str | None
    last_year: str | None
    by_year: list[Bucket]
    by_classification: list[FacetValue]


# -- users' things (`cablescope.accounts`) --------------------------------------------------------


class AccountResponse(BaseModel):
    """The signed-in user."""

    name: str
    admin: bool
    created_at: str | None = Field(description="ISO 8601, UTC.")


class NoteResponse(BaseModel):
    """A private note on a cable, or on one of its paragraphs."""

    id: int
    cable_id: str
    paragraph: int | None = Field(description="The paragraph noted; null for the whole cable.")
    text: str
    created_at: str | None
    updated_at: str | None


class UserTagResponse(BaseModel):
    """One of the user's own tags on a cable (not the cable's TAGS line)."""

    cable_id: str
    tag: str


class CollectionResponse(BaseModel):
    """A named set of cables, owned by one user and readable by those it is shared with."""

    id: int
    owner: str
    name: str
    description: str
    created_at: str | None
    mine: bool = Field(description="True when the caller owns it (and so may change it).")
    items: list[str] = Field(description="Cable ids, in the order they were added.")
    shared_with: list[str] = Field(description="Who may read it (the owner only sees this).")
