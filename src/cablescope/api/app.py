"""The application factory: API under /api/v1, the web UI at /, one security policy for both."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import APIRouter, FastAPI

from cablescope.api import (
    account_routes,
    admin_routes,
    cable_routes,
    catalog_routes,
    entity_routes,
    errors,
    export,
    search_routes,
)
from cablescope.api.auth import Accounts, AccountSettings, AuthMiddleware
from cablescope.api.deps import StorePool
from cablescope.api.security import SafeJSONResponse, SecurityMiddleware

API_PREFIX = "/api/v1"
#: The routers of version 1 of the API, each mounted under `API_PREFIX`.
ROUTERS: tuple[APIRouter, ...] = (
    search_routes.router,
    cable_routes.router,
    catalog_routes.router,
    export.router,
    entity_routes.router,
    account_routes.router,
    admin_routes.router,
)


def api_router() -> APIRouter:
    """Every endpoint of version 1 of the API."""
    router = APIRouter(prefix=API_PREFIX, default_response_class=SafeJSONResponse)
    for child in ROUTERS:
        router.include_router(child)
    return router


def create_app(
    db: str | os.PathLike[str],
    *,
    allowed_hosts: Iterable[str] | None = None,
    anonymous: bool = True,
    accounts: AccountSettings | None = None,
) -> FastAPI:
    """A server over the archive at `db` (which must exist): the archive read-only, users'
    notes, tags and collections (`cablescope.accounts`) beside it.

    `allowed_hosts` limits the Host header the server answers to (None: any); a server on
    the loopback interface passes the loopback names, so no web page can reach it through a
    DNS-rebound name. `anonymous=False` (or `accounts.anonymous`) answers nobody without an
    account; `accounts` also sets session lifetimes (and, for tests, clock and hasher)."""
    stores = StorePool(db)
    settings = accounts or AccountSettings()
    if not anonymous:
        settings = replace(settings, anonymous=False)
    users = Accounts(stores.db, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()
        users.close()

    app = FastAPI(
        title="Cablescope",
        version="1",
        summary="Search and read an archive of diplomatic cables.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the policy forbids both
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.stores = stores
    app.state.accounts = users
    app.include_router(api_router())

    import cablescope.web

    cablescope.web.install(app)
    errors.install(app)  # after the web UI: its handlers keep the pages, the API gets JSON
    app.add_middleware(AuthMiddleware, accounts=users)
    app.add_middleware(SecurityMiddleware, allowed_hosts=allowed_hosts)  # outermost
    return app


__all__ = ["API_PREFIX", "ROUTERS", "api_router", "create_app"]
