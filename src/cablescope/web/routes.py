"""The HTML pages: landing, search, cable (with raw text and version diff), browse.

Every handler is a plain function (FastAPI runs it in its thread pool) that reads this
thread's read-only store, and reads query parameters leniently: a hand-edited URL gets the
nearest sensible page, not a validation error. Nothing here writes SQL.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from cablescope.commands.show import body_diff, changed_fields
from cablescope.store import Store
from cablescope.web import browse_view, search_view
from cablescope.web.cable_view import build as build_cable
from cablescope.web.cache import CachedReads, page_cache
from cablescope.web.templating import render

router = APIRouter(include_in_schema=False)


def _store(request: Request) -> Store:
    return request.app.state.stores.get()


def _reads(request: Request) -> CachedReads:
    """This thread's store, with the app's cache of archive-wide counts in front."""
    return CachedReads(_store(request), page_cache(request.app))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def not_found(message: str) -> HTMLResponse:
    return render("error.html", 404, title="Not found", message=message)


def _resolve(store: Store, cable_id: str) -> str | None:
    """The id as stored: as typed, else upper case (ids are upper case; typing is not)."""
    for candidate in dict.fromkeys((cable_id.strip(), cable_id.strip().upper())):
        if candidate and store.versions(candidate):
            return candidate
    return None


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """Archive statistics: totals, cables by year and by classification."""
    return render("home.html", **browse_view.home(_reads(request)))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request) -> Response:
    """Query box, facets with counts, histogram, hits; a bad query gets a caret, and 400."""
    query, sort, offset = search_view.parse_params(request.query_params)
    _, error = search_view.parse(query)
    if error is not None:
        return render("search.html", 400, query=query, error=error, sort=sort)
    context = search_view.build(_reads(request), query, sort, offset)
    return render("search.html", error=None, **context)


@router.get("/cable/{cable_id}", response_class=HTMLResponse)
def cable(request: Request, cable_id: str) -> Response:
    """The reading view of one cable (its default version unless ``?version=N``)."""
    store = _store(request)
    found = _resolve(store, cable_id)
    if found is None:
        return not_found(f"There is no cable {cable_id} in this archive.")
    version = _int(request.query_params.get("version"))
    record = store.get(found, version)
    versions = store.versions(found)
    if record is None:
        numbers = ", ".join(str(v["version"]) for v in versions)
        return not_found(f"{found} has no version {version} (versions: {numbers}).")
    view = build_cable(store, record, versions, version, request.query_params.get("cleared"))
    return render("cable.html", view=view, record=record)


@router.get("/cable/{cable_id}/raw", response_class=PlainTextResponse)
def raw(request: Request, cable_id: str) -> Response:
    """The cable's text as published, as plain text (never interpreted as HTML)."""
    store = _store(request)
    found = _resolve(store, cable_id)
    record = store.get(found, _int(request.query_params.get("version"))) if found else None
    if record is None:
        return not_found(f"There is no cable {cable_id} (or no such version) in this archive.")
    text = record.get("raw") or "\n\n".join(
        p for p in (record.get("header"), record.get("body")) if p
    )
    return PlainTextResponse(text, headers={"content-disposition": "inline"})


@router.get("/cable/{cable_id}/diff", response_class=HTMLResponse)
def diff(request: Request, cable_id: str) -> Response:
    """What changed between two versions: fields, then the body as a unified diff."""
    store = _store(request)
    found = _resolve(store, cable_id)
    if found is None:
        return not_found(f"There is no cable {cable_id} in this archive.")
    versions = store.versions(found)
    numbers = [v["version"] for v in versions]
    old_number = _int(request.query_params.get("from"))
    new_number = _int(request.query_params.get("to"))
    if new_number is None:
        new_number = numbers[-1]
    if old_number is None:
        earlier = [n for n in numbers if n < new_number] or [n for n in numbers if n != new_number]
        old_number = earlier[-1] if earlier else new_number
    old = store.get(found, old_number)
    new = store.get(found, new_number)
    if old is None or new is None:
        missing = old_number if old is None else new_number
        have = ", ".join(map(str, numbers))
        return not_found(f"{found} has no version {missing} (versions: {have}).")
    lines = body_diff(
        old.get("body") or "",
        new.get("body") or "",
        f"{found} v{old_number}",
        f"{found} v{new_number}",
    )
    return render(
        "diff.html",
        cable_id=found,
        record=new,
        versions=versions,
        old_number=old_number,
        new_number=new_number,
        changes=changed_fields(old, new) if old_number != new_number else [],
        lines=[(_diff_class(line), line) for line in lines],
    )


def _diff_class(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "del"
    return "same"


@router.get("/browse/origins", response_class=HTMLResponse)
def browse_origins(request: Request) -> Response:
    """Every sending post with its number of cables."""
    return render("browse_list.html", **browse_view.origins(_reads(request)))


@router.get("/browse/tags", response_class=HTMLResponse)
def browse_tags(request: Request) -> Response:
    """Every TAG with its kind, meaning and number of cables."""
    return render("browse_list.html", **browse_view.tags(_reads(request)))


@router.get("/browse/months", response_class=HTMLResponse)
def browse_months(request: Request) -> Response:
    """Cables per month, a row per year."""
    return render("browse_months.html", **browse_view.months(_reads(request)))


__all__ = ["not_found", "router"]
