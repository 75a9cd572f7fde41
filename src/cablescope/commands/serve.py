"""`cablescope serve`: the JSON API and the web UI over one archive, read-only (users'
notes, tags and collections, kept apart, are the only writes; ``--private`` admits nobody
without an account).

Binds to 127.0.0.1 unless told otherwise: the archive may hold what its owner would not
publish, so exposing it on a network is a choice made with ``--host``. On the loopback
interface the server also answers only to loopback host names (no DNS rebinding).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cablescope.cli import DbOption, _stderr_console, app, archive_or_exit
from cablescope.store import DEFAULT_DB

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


@app.command(
    "serve",
    epilog="Read-only. Exit status: 0 when stopped (Ctrl-C), 1 when the archive is missing.",
)
def serve_command(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind; 0.0.0.0 exposes it to the network.")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    private: Annotated[
        bool,
        typer.Option(
            "--private/--public",
            help="Private: every page and API call needs an account (cablescope user add). "
            "Public (default): anyone may read; notes, tags and collections need an account.",
        ),
    ] = False,
    session_idle: Annotated[
        float, typer.Option("--session-idle", min=1, help="Minutes a session lives unused.")
    ] = 120,
    session_lifetime: Annotated[
        float, typer.Option("--session-lifetime", min=1, help="Hours a session lives at most.")
    ] = 12,
    login_attempts: Annotated[
        int,
        typer.Option(
            "--login-attempts",
            min=1,
            help="Failed logins from one address, or to one account, that lock it out.",
        ),
    ] = 5,
    login_window: Annotated[
        float,
        typer.Option(
            "--login-window",
            min=0.1,
            help="Minutes within which the failed logins count (the lockout grows from "
            "1 minute, doubling, up to 15).",
        ),
    ] = 15,
) -> None:
    """Serve the archive: the JSON API under /api/v1 and the web UI at /."""
    import uvicorn

    from cablescope.accounts import SessionPolicy
    from cablescope.accounts.throttle import ThrottlePolicy
    from cablescope.api import create_app
    from cablescope.api.auth import AccountSettings
    from cablescope.api.security import LOOPBACK_HOSTS

    err = _stderr_console()
    archive_or_exit(db, err)
    allowed = sorted(LOOPBACK_HOSTS) if _is_loopback(host) else None
    try:
        settings = AccountSettings(
            anonymous=not private,
            policy=SessionPolicy(idle=session_idle * 60, lifetime=session_lifetime * 3600),
            throttle=ThrottlePolicy(attempts=login_attempts, window=login_window * 60),
        )
        application = create_app(db, allowed_hosts=allowed, accounts=settings)
    except Exception as exc:  # not an archive, or one this version cannot read
        err.print(f"[red]error:[/] cannot open {escape(str(db))}: {escape(str(exc))}")
        raise typer.Exit(1) from None
    url = url_of(host, port)
    access = "to signed-in users only" if private else "read-only to anyone"
    err.print(f"serving {escape(str(db))} {access} at {url} (Ctrl-C stops)")
    err.print(f"JSON API under {url}api/v1, its schema at {url}api/v1/openapi.json")
    uvicorn.run(application, host=host, port=port, log_level="info", server_header=False)


__all__ = ["serve_command", "url_of"]
