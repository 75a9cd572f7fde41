"""Corrections from the web UI: rename, merge and split on an entity's page.

The server is read-only by default, and stays so unless ``CABLESCOPE_WEB_CORRECTIONS=1``
is set where it runs: then the entity page shows three small forms that POST here, and the
correction is stored in the archive's corrections (`Store.add_correction`, through a
writable store opened for the one write) exactly as ``cablescope entity merge|split|rename``
stores it. A POST must come from a page of this same site (its ``Origin``, or
``Sec-Fetch-Site: same-origin``): another site's form cannot write.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cablescope.graph import corrections as fixes
from cablescope.graph.lookup import find_entity
from cablescope.web.templating import render

router = APIRouter(include_in_schema=False)

ENV = "CABLESCOPE_WEB_CORRECTIONS"
#: Cables read to find the entities a correction names.
FIND_CABLES = 40
MAX_FORM_BYTES = 4_096


def enabled() -> bool:
    return os.environ.get(ENV, "") == "1"


def same_origin(request: Request) -> bool:
    """Whether the browser says the POST comes from this site's own page."""
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    origin = request.headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


def _refuse(status: int, message: str) -> Response:
    return render("error.html", status, title="Correction refused", message=message)


def _store_it(db: str, key: str, form: dict[str, str]) -> str:
    """Build and store the correction; returns the id of the page to show next."""
    from cablescope.store import open_store

    with open_store(db) as store:
        found = find_entity(store, key, limit=FIND_CABLES)
        if found.entity is None:
            raise ValueError(f"no entity {key!r}")
        op = form.get("op")
        if op == "rename":
            correction = fixes.rename(found.entity, form.get("name", ""))
        elif op == "merge":
            other = find_entity(store, form.get("other", ""), limit=FIND_CABLES).entity
            if other is None:
                raise ValueError(f"no entity {form.get('other', '')!r}")
            correction = fixes.merge([found.entity, other], form.get("name") or None)
        elif op == "split":
            taken = [e.id for e in found.entities]
            aliases = [form.get("alias", "")]
            correction = fixes.split(found.entity, aliases, form.get("name") or None, taken)
        else:
            raise ValueError("unknown correction")
        store.add_correction(correction)
    return found.entity.id


@router.post("/entity/{key:path}/correct")
async def correct(request: Request, key: str) -> Response:
    """Store one correction, then show the entity's page (303, so a reload does not post)."""
    if not enabled():
        return _refuse(403, f"This server is read-only (set {ENV}=1 to allow corrections).")
    if not same_origin(request):
        return _refuse(403, "A correction must be sent from this site's own entity page.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _refuse(400, "The form is too large.")
    pairs = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    form: dict[str, Any] = {k: v[0].strip() for k, v in pairs.items() if v}
    try:
        target = await run_in_threadpool(_store_it, request.app.state.stores.db, key, form)
    except ValueError as exc:
        return _refuse(400, str(exc))
    except (PermissionError, NotImplementedError):
        return _refuse(403, "The archive cannot store corrections here.")
    from cablescope.web.entity_routes import entity_url

    return RedirectResponse(entity_url(target), status_code=303)


__all__ = ["ENV", "enabled", "router", "same_origin"]
