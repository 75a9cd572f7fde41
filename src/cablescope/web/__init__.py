"""The server-rendered web UI, installed on the API's app by `install(app)`.

Pages are HTML from Jinja templates (autoescaped: cable text is untrusted), with CSS, a small
script and no third-party assets, all served from ``/static`` out of this package, so the UI
works offline and under a CSP that allows nothing inline. Every page works without script;
the script only makes the histogram brushable and the clearance toggle instant.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

#: Paths that belong to the JSON API: errors there stay JSON.
API_PREFIX = "/api/"


def static_dir() -> Path:
    return Path(str(resources.files("cablescope.web").joinpath("static")))


def install(app: FastAPI) -> None:
    """Add the HTML pages, the static assets and an HTML error page to `app`. Idempotent."""
    if getattr(app.state, "web_installed", False):
        return
    from cablescope.web.account_routes import account_panel
    from cablescope.web.account_routes import router as account_router
    from cablescope.web.admin_routes import router as admin_router
    from cablescope.web.correct_routes import router as correct_router
    from cablescope.web.entity_routes import router as entity_router
    from cablescope.web.routes import router

    app.include_router(router)
    app.include_router(entity_router)
    app.include_router(correct_router)
    app.include_router(account_router)
    app.include_router(admin_router)
    _account_globals(account_panel)
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    _html_errors(app)
    _warm_on_startup(app)
    app.state.web_installed = True


def _account_globals(panel: Any) -> None:
    """What every page may ask of the signed-in user: who (`viewer()`, for the header)
    and, on the cable page, their notes (`account_panel`)."""
    from cablescope.api.auth import current_viewer
    from cablescope.web.templating import environment

    environment().globals.update(viewer=current_viewer, account_panel=panel)


def _warm_on_startup(app: FastAPI) -> None:
    """Once the server is up, count the whole archive in a background thread (landing and
    browse pages, the empty search): at 250k cables that takes seconds, which no visitor
    should wait for. ``CABLESCOPE_WARM=0`` turns it off."""
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(inner: Any) -> AsyncIterator[Any]:
        async with original(inner) as state:
            if os.environ.get("CABLESCOPE_WARM", "1") != "0":
                _start_warming(app)
            yield state

    app.router.lifespan_context = lifespan


#: Printed to standard error when the background warm-up is done (followed by its time).
WARM_NOTICE = "cablescope: archive warm (facet columns and browse pages counted)"


def _start_warming(app: FastAPI) -> threading.Thread | None:
    stores = getattr(app.state, "stores", None)
    if stores is None:
        return None

    def run() -> None:
        from cablescope.store import open_store
        from cablescope.web.browse_view import warm
        from cablescope.web.cache import CachedReads, page_cache

        started = time.perf_counter()
        store = open_store(stores.db, read_only=True)
        store.warm()  # in-memory facet columns, shared by every reader of this process
        warm(CachedReads(store, page_cache(app)))
        # An operator (and `bench/web.py`) can tell when every page is fast.
        print(
            f"{WARM_NOTICE} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True
        )

    thread = threading.Thread(target=run, name="cablescope-web-warm", daemon=True)
    thread.start()
    app.state.web_warming = thread
    return thread


def _html_errors(app: FastAPI) -> None:
    """HTTP errors off the API's paths (an unknown page, a wrong method) as an HTML page;
    on the API's paths whatever handler was there before, so the API keeps answering JSON
    whichever of the two is installed first."""
    from cablescope.web.templating import render

    previous = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith(API_PREFIX):
            answer = previous(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        title = "Not found" if exc.status_code == 404 else "Error"
        message = (
            "There is no page at this address."
            if exc.status_code == 404
            else f"The request could not be answered ({exc.status_code})."
        )
        response = render("error.html", exc.status_code, title=title, message=message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    app.add_exception_handler(StarletteHTTPException, handler)


__all__ = ["WARM_NOTICE", "install"]
