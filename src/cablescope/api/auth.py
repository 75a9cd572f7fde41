"""Who is asking: the browser session (cookie) or API token (``Authorization: Bearer``)
behind each request, and the server's rule for anonymous visitors.

`AuthMiddleware` works it out once per request and leaves a `Viewer` in the ASGI scope (and
in a context variable, for the templates). A server started with ``anonymous=False`` answers
nobody without an account: the API says 401, pages send the browser to ``/login``; only the
login page and the static files stay open. Reading accounts costs nothing for a visitor who
brings neither cookie nor token, and the account tables are made the first time one does.

What is made for one signed-in person must not outlive the request in a cache (a shared
computer's browser, a proxy): answers to a request with a session, and every answer of a
`PrivateRoute`, go out with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import contextvars
import json
import threading
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, quote, urlsplit

import anyio.to_thread
from argon2 import PasswordHasher
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cablescope.accounts import AccountStore, Session, SessionPolicy, User, open_accounts
from cablescope.accounts.store import Clock
from cablescope.accounts.throttle import LoginThrottle, ThrottlePolicy

SESSION_COOKIE = "cablescope_session"
LOGIN_COOKIE = "cablescope_login"
#: Paths open to anyone even on a private server (prefixes).
OPEN_PATHS = ("/login", "/static/", "/favicon")
API_PREFIX = "/api/"
STATIC_PREFIX = "/static/"
SCOPE_KEY = "cablescope.viewer"
NO_STORE = (b"cache-control", b"no-store")


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """The server's account rules: whether anonymous visitors may read, how long sessions
    live, how many failed logins lock an address or name out (`throttle`), and (for tests)
    the clock and password hasher."""

    anonymous: bool = True
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    clock: Clock | None = None
    hasher: PasswordHasher | None = None


class Accounts:
    """The app's account store, opened on first need and shared by every thread (it
    serialises its own transactions), and the failed logins of this process (`throttle`)."""

    def __init__(self, db: str, settings: AccountSettings) -> None:
        self.db = db
        self.settings = settings
        self.throttle = LoginThrottle(settings.throttle, clock=settings.clock)
        self._store: AccountStore | None = None
        self._lock = threading.Lock()

    def get(self) -> AccountStore:
        with self._lock:
            if self._store is None:
                self._store = open_accounts(
                    self.db,
                    hasher=self.settings.hasher,
                    clock=self.settings.clock,
                    policy=self.settings.policy,
                )
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person behind a request: `user` None for an anonymous visitor; `session` set
    when they came with a browser session, `token` when with an API token."""

    user: User | None = None
    session: Session | None = None
    session_id: str | None = None
    token: bool = False
    accounts: Accounts | None = None
    #: The page asked for (path and query, as sent), where logging in should lead back to.
    target: str = "/"

    @property
    def csrf(self) -> str:
        """The synchronizer token every form of this session carries ('' for none)."""
        return self.session.csrf if self.session is not None else ""

    @property
    def login_url(self) -> str:
        """The login page, leading back to the page this viewer is on (the header's link)."""
        return login_url(self.target)


ANONYMOUS = Viewer()
_current: contextvars.ContextVar[Viewer] = contextvars.ContextVar(
    "cablescope_viewer", default=ANONYMOUS
)


def current_viewer() -> Viewer:
    """The viewer of the request being answered (templates call it)."""
    return _current.get()


def safe_next(target: str | None) -> str:
    """`target` if it is a path of this site, else ``/``: never ``//host``, ``/\\host`` or
    ``https://…`` (no open redirect), nor control characters a browser would drop."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return "/"
    return target


def login_url(target: str | None) -> str:
    """The login page, leading on to `target` (a path of this site, else home). From the
    login page itself, on to where that one leads: never back to the login form."""
    path = safe_next(target)
    parts = urlsplit(path)
    if parts.path == "/login":
        path = safe_next(parse_qs(parts.query).get("next", [""])[0])
    return "/login" if path == "/" else "/login?next=" + quote(path, safe="")


def page_of_form(path: str) -> str:
    """The page that shows a form posting to `path`, where a visitor sent to log in by that
    POST should come back to (the form's own address may answer only POST): a cable's
    notes, tags and collect forms are on the cable page, a note's edit form on /me/notes,
    an entity's corrections on the entity page; collections post to themselves."""
    parts = path.strip("/").split("/")
    if parts[0] == "cable" and len(parts) >= 2:
        return f"/cable/{parts[1]}"
    if parts[0] == "notes":
        return "/me/notes"
    if parts[0] == "admin":
        return "/admin/users"
    if parts[0] == "entity" and len(parts) >= 3 and parts[-1] == "correct":
        return "/" + "/".join(parts[:-1])
    if parts[0] == "logout":
        return "/"
    return path


def request_target(scope: Scope) -> str:
    """The path and query of a request as the client sent them (still percent-encoded)."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope.get("path", "/"))
    query = scope.get("query_string", b"").decode("latin-1")
    return path + ("?" + query if query else "")


class PrivateRoute(APIRoute):
    """A route whose every answer is one user's own (errors included): `AuthMiddleware`
    sends them all with ``Cache-Control: no-store`` (``APIRouter(route_class=…)``)."""

    no_store = True


def viewer_of(connection: HTTPConnection) -> Viewer:
    viewer = connection.scope.get(SCOPE_KEY)
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            return credentials.strip() if scheme.lower() == "bearer" else ""
    return None


def _resolve(accounts: Accounts, session_id: str | None, token: str | None) -> Viewer | None:
    """The viewer for these credentials; None when a token was given and is not valid."""
    store = accounts.get()
    if token is not None:
        user = store.user_for_token(token) if token else None
        return None if user is None else Viewer(user, token=True, accounts=accounts)
    session = store.session(session_id) if session_id else None
    if session is None:
        return Viewer(accounts=accounts)
    return Viewer(session.user, session, session_id, accounts=accounts)


class AuthMiddleware:
    """Sets the `Viewer` of each HTTP request and turns anonymous visitors away from a
    private server."""

    def __init__(self, app: ASGIApp, accounts: Accounts) -> None:
        self.app = app
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        is_api = path.startswith(API_PREFIX)
        token = _bearer(scope) if is_api else None
        session_id = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        if token is None and not session_id:
            viewer: Viewer | None = Viewer(accounts=self.accounts)
        else:
            viewer = await anyio.to_thread.run_sync(_resolve, self.accounts, session_id, token)
        if viewer is None:
            await _send(send, 401, _json("the API token is not valid (revoked or mistyped)"))
            return
        private = not self.accounts.settings.anonymous
        if viewer.user is None and private and not path.startswith(OPEN_PATHS):
            await _turn_away(scope, send, is_api)
            return
        if scope.get("method") in ("GET", "HEAD"):  # a form's target is no page to return to
            viewer = replace(viewer, target=request_target(scope))
        scope[SCOPE_KEY] = viewer
        session = viewer.session is not None and not path.startswith(STATIC_PREFIX)

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start" and (
                session or getattr(scope.get("route"), "no_store", False)
            ):
                headers = [(n, v) for n, v in message.get("headers", ()) if n != NO_STORE[0]]
                message["headers"] = [*headers, NO_STORE]
            await send(message)

        reset = _current.set(viewer)
        try:
            await self.app(scope, receive, send_private)
        finally:
            _current.reset(reset)


def _json(message: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"error": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"www-authenticate", b"Bearer"),
        NO_STORE,  # an answer about credentials, never for another request
    ]
    return body, headers


async def _turn_away(scope: Scope, send: Send, is_api: bool) -> None:
    if is_api:
        await _send(send, 401, _json("this server needs an account: send a bearer token"))
        return
    target = request_target(scope)
    if scope.get("method") not in ("GET", "HEAD"):  # back to the form's page, not a 405
        target = page_of_form(target.split("?", 1)[0])
    location = login_url(target)
    await _send(send, 303, (b"", [(b"location", location.encode("latin-1"))]))


async def _send(send: Send, status: int, answer: tuple[bytes, list[tuple[bytes, bytes]]]) -> None:
    body, headers = answer
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = [
    "ANONYMOUS",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "AccountSettings",
    "Accounts",
    "AuthMiddleware",
    "PrivateRoute",
    "Viewer",
    "current_viewer",
    "login_url",
    "page_of_form",
    "request_target",
    "safe_next",
    "viewer_of",
]
