"""Corrections from the web UI: rename, merge and split on an entity's page.

The server is read-only by default, and stays so unless ``CABLESCOPE_WEB_CORRECTIONS=1``
is set where it runs: then the entity page shows a signed-in administrator three small
forms that POST here, and the correction is stored in the archive's corrections
(`Store.add_correction`, through a writable store opened for the one write) exactly as
``cablescope entity merge|split|rename`` stores it, plus ``by``: the administrator's name.
A correction changes the entities everybody sees, so a POST passes every check of the
site's other forms (same origin, a session, its CSRF token: `account_routes._checked`) and
then the administrator's rights: visitors go to the login page, other users get 403.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cablescope.graph import corrections as fixes
from cablescope.graph.lookup import find_entity
from cablescope.web.account_routes import checked_admin, same_origin
from cablescope.web.templating import render

router = APIRouter(include_in_schema=False)

ENV = "CABLESCOPE_WEB_CORRECTIONS"
#: Cables read to find the entities a correction names.
FIND_CABLES = 40
MAX_FORM_BYTES = 4_096
NOT_ADMIN = "Only an administrator corrects entities."


def enabled() -> bool:
    return os.environ.get(ENV, "") == "1"


def _refuse(status: int, message: str) -> Response:
    return render("error.html", status, title="Correction refused", message=message)


def _store_it(db: str, key: str, form: dict[str, str], by: str) -> str:
    """Build and store the correction, signed with the name `by`; returns the id of the
    page to show next."""
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
        store.add_correction(correction | {"by": by})
    return found.entity.id


@router.post("/entity/{key:path}/correct")
async def correct(request: Request, key: str) -> Response:
    """Store one correction, then show the entity's page (303, so a reload does not post)."""
    if not enabled():
        return _refuse(403, f"This server is read-only (set {ENV}=1 to allow corrections).")
    checked = await checked_admin(request, NOT_ADMIN)
    if isinstance(checked, Response):
        return checked
    user, posted = checked
    if len(await request.body()) > MAX_FORM_BYTES:  # read once already: Starlette keeps it
        return _refuse(400, "The form is too large.")
    form = {k: v.strip() for k, v in posted.items() if k != "csrf"}
    try:
        db = request.app.state.stores.db
        target = await run_in_threadpool(_store_it, db, key, form, user.name)
    except ValueError as exc:
        return _refuse(400, str(exc))
    except (PermissionError, NotImplementedError):
        return _refuse(403, "The archive cannot store corrections here.")
    from cablescope.web.entity_routes import entity_url

    return RedirectResponse(entity_url(target), status_code=303)


__all__ = ["ENV", "NOT_ADMIN", "enabled", "router", "same_origin"]
