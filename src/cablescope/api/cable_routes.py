"""One cable: its record, raw text, versions, the diff between two versions, the cables it
cites and the cables citing it. Ids are matched as the CLI matches them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse

from cablescope.api.deps import get_store
from cablescope.api.errors import ERROR_SCHEMA, ApiError, documented
from cablescope.api.models import (
    CableLinks,
    CableRecord,
    CableResponse,
    Citation,
    CitedByResponse,
    CitesResponse,
    DiffResponse,
    FieldChange,
    VersionInfo,
    VersionsResponse,
)
from cablescope.api.pages import DEFAULT_LIMIT, Limit, Offset, Paging, page_info
from cablescope.ids import canonical_id
from cablescope.store import Store

router = APIRouter(prefix="/cables", tags=["cables"])

StoreDep = Annotated[Store, Depends(get_store)]
CableId = Annotated[
    str, Path(min_length=1, max_length=100, description="Cable id, e.g. 08LONDON3062.")
]
VersionNumber = Annotated[
    int | None,
    Query(ge=1, le=1_000_000, description="This version instead of the default."),
]


def resolve(store: Store, cable_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The id as stored and its versions: as typed, upper-cased, or canonicalised
    (``05rio123`` → ``05RIODEJANEIRO123``); 404 when none is in the archive."""
    typed = cable_id.strip()
    for candidate in dict.fromkeys((typed, typed.upper(), canonical_id(typed))):
        if not candidate:
            continue
        versions = store.versions(candidate)
        if versions:
            return candidate, versions
    raise ApiError(404, f"no cable {typed!r} in the archive", id=typed)


def _record(
    store: Store, cable_id: str, versions: list[dict[str, Any]], version: int | None
) -> tuple[dict[str, Any], int]:
    """The record of `version` (default when None) and its number; 404 when there is none."""
    if version is None:
        version = next(v["version"] for v in versions if v["default"])
    record = store.get(cable_id, version)
    if record is None:
        have = ", ".join(str(v["version"]) for v in versions)
        raise ApiError(404, f"{cable_id} has no version {version} (versions: {have})", id=cable_id)
    return record, version


@router.get("/{cable_id}", response_model=CableResponse, responses=documented(404))
def cable(store: StoreDep, cable_id: CableId, version: VersionNumber = None) -> CableResponse:
    """One version of a cable (the default unless `version` is given), without its raw text."""
    cable_id, versions = resolve(store, cable_id)
    record, number = _record(store, cable_id, versions, version)
    record.pop("raw", None)
    base = f"/api/v1/cables/{cable_id}"
    return CableResponse(
        id=cable_id,
        version=number,
        default=any(v["default"] and v["version"] == number for v in versions),
        version_count=len(versions),
        record=CableRecord(**record),
        links=CableLinks(
            raw=f"{base}/raw?version={number}",
            versions=f"{base}/versions",
            cites=f"{base}/cites",
            cited_by=f"{base}/cited-by",
        ),
    )


@router.get(
    "/{cable_id}/raw",
    response_class=PlainTextResponse,
    responses={
        200: {"description": "The text as read."},
        # by reference: a `model` here would be documented as text/plain, like the 200
        404: {
            "description": "No such cable or version.",
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA}}},
        },
    },
)
def raw(store: StoreDep, cable_id: CableId, version: VersionNumber = None) -> PlainTextResponse:
    """The text of a cable exactly as it was read, as plain text."""
    cable_id, versions = resolve(store, cable_id)
    record, _ = _record(store, cable_id, versions, version)
    return PlainTextResponse(record.get("raw") or "")


@router.get("/{cable_id}/versions", response_model=VersionsResponse, responses=documented(404))
def versions(store: StoreDep, cable_id: CableId) -> VersionsResponse:
    """Every stored text of a cable, oldest first; `default` marks the one searches use."""
    cable_id, found = resolve(store, cable_id)
    return VersionsResponse(id=cable_id, versions=[VersionInfo(**v) for v in found])


def pick(numbers: list[int], first: int | None, second: int | None) -> tuple[int, int]:
    """`from`/`to` with the CLI's defaults: the two newest, or the neighbour of the one given."""
    if first is None and second is None:
        return numbers[-2], numbers[-1]
    if second is None:
        return first or numbers[0], [n for n in numbers if n != first][-1]
    if first is None:
        earlier = [n for n in numbers if n < second] or [n for n in numbers if n != second]
        return earlier[-1], second
    return first, second


@router.get("/{cable_id}/diff", response_model=DiffResponse, responses=documented(404, 409))
def diff(
    store: StoreDep,
    cable_id: CableId,
    first: Annotated[
        int | None, Query(alias="from", ge=1, le=1_000_000, description="Old version.")
    ] = None,
    second: Annotated[
        int | None, Query(alias="to", ge=1, le=1_000_000, description="New version.")
    ] = None,
) -> DiffResponse:
    """What changed between two versions: the fields that differ, then a unified body diff.
    Defaults: the second newest against the newest."""
    from cablescope.commands.show import body_diff, changed_fields

    cable_id, found = resolve(store, cable_id)
    numbers = [v["version"] for v in found]
    if len(numbers) == 1:
        raise ApiError(409, f"{cable_id} has only one version; nothing to compare", id=cable_id)
    old_number, new_number = pick(numbers, first, second)
    old, _ = _record(store, cable_id, found, old_number)
    new, _ = _record(store, cable_id, found, new_number)
    return DiffResponse(
        id=cable_id,
        from_version=old_number,
        to_version=new_number,
        changed_fields=[
            FieldChange(field=name, old=before, new=after)
            for name, before, after in changed_fields(old, new)
        ],
        body_diff=body_diff(
            old.get("body") or "",
            new.get("body") or "",
            f"{cable_id} v{old_number}",
            f"{cable_id} v{new_number}",
        ),
    )


@router.get("/{cable_id}/cites", response_model=CitesResponse, responses=documented(404))
def cites(
    request: Request,
    store: StoreDep,
    cable_id: CableId,
    version: VersionNumber = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> CitesResponse:
    """The REF entries of a cable, each marked with whether the cited cable is in the archive."""
    cable_id, found = resolve(store, cable_id)
    record, _ = _record(store, cable_id, found, version)
    references = record.get("references") or []
    paging = Paging(limit, offset)
    return CitesResponse(
        **page_info(request, paging, len(references)),
        id=cable_id,
        references=[
            Citation(**ref, in_archive=bool(ref.get("value") and store.versions(ref["value"])))
            for ref in paging.slice(references)
        ],
    )


@router.get("/{cable_id}/cited-by", response_model=CitedByResponse, responses=documented(404))
def cited_by(
    request: Request,
    store: StoreDep,
    cable_id: CableId,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> CitedByResponse:
    """Ids of the cables (default versions) whose references name this cable, in id order."""
    cable_id, _ = resolve(store, cable_id)
    citing = store.cited_by(cable_id)
    paging = Paging(limit, offset)
    return CitedByResponse(
        **page_info(request, paging, len(citing)), id=cable_id, cited_by=paging.slice(citing)
    )


__all__ = ["pick", "resolve", "router"]
