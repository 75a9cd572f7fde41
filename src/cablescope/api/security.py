"""Security headers on every response (API, web pages, static files, errors), the host check
that keeps a loopback server from being reached through DNS rebinding, and a JSON 500 for an
unexpected exception — done as raw ASGI so streamed exports get the headers too."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The one policy for the whole site: nothing from elsewhere, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
)
#: Host names a server bound to the loopback interface answers to.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

log = logging.getLogger("cablescope.api")

#: Characters that mean something to an HTML parser, as JSON escapes (same JSON value).
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def html_safe_json(text: str) -> str:
    """JSON text with <, > and & escaped: a body served or sniffed as HTML runs nothing.
    They can only occur inside JSON strings, where the escapes decode to the same text."""
    for char, escape in _HTML_ESCAPES:
        text = text.replace(char, escape)
    return text


class SafeJSONResponse(JSONResponse):
    """The API's JSON: compact, UTF-8, no NaN, and never a literal <, > or &."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return html_safe_json(text).encode("utf-8")


def _host_name(value: str) -> str:
    """``localhost:8000`` → ``localhost``; ``[::1]:8000`` → ``[::1]``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class SecurityMiddleware:
    """Adds `SECURITY_HEADERS`; refuses hosts outside `allowed_hosts` (None: any) with 400."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None and not self._host_allowed(scope):
            await _send_json(send, 400, {"error": "unexpected Host header"})
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                _add_headers(message)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:  # the body is half sent: nothing to do but drop the connection
                raise
            log.exception("error while answering %s", scope.get("path"))
            await _send_json(send, 500, {"error": "internal server error"})

    def _host_allowed(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"host":
                return _host_name(value.decode("latin-1")) in (self.allowed or ())
        return False


def _add_headers(message: MutableMapping[str, Any]) -> None:
    """Ours replace any the route set: the policy is the site's, not a page's."""
    ours = {name.encode() for name, _ in SECURITY_HEADERS}
    headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in ours]
    headers.extend((name.encode(), value.encode()) for name, value in SECURITY_HEADERS)
    message["headers"] = headers


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ],
    }
    _add_headers(start)
    await send(start)
    await send({"type": "http.response.body", "body": payload})


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "SafeJSONResponse",
    "SecurityMiddleware",
    "html_safe_json",
]
