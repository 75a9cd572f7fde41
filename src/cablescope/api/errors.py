"""Every error the API answers is JSON: ``{"error": "…"}`` with the right status, plus the
position for a bad query. Routes raise `ApiError`; framework errors (404 for an unknown path,
405, 422) are turned into the same shape here."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cablescope.api.models import ErrorBody
from cablescope.api.security import SafeJSONResponse

API_PREFIX = "/api/"
#: Where the OpenAPI schema keeps `ErrorBody` (every route that documents an error has it).
ERROR_SCHEMA = "#/components/schemas/ErrorBody"

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class ApiError(Exception):
    """An error answer: `status` and a message; `extra` (position, query) joins the body."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_response(status: int, message: str, **extra: Any) -> SafeJSONResponse:
    body = {"error": message} | {k: v for k, v in extra.items() if v is not None}
    return SafeJSONResponse(jsonable_encoder(body), status_code=status)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the errors a route answers, so clients (and the
    schema-driven fuzz run) know their shape."""
    words = {
        400: "Bad query or parameter (with the position for a query).",
        404: "No such cable or version.",
        409: "Nothing to compare.",
    }
    return {status: {"model": ErrorBody, "description": words[status]} for status in statuses}


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, **exc.extra)


async def _validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    first = errors[0] if errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = f"invalid {where}: {first.get('msg', 'bad value')}" if where else "invalid request"
    return error_response(422, message, detail=errors)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = error_response(exc.status_code, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _api_only(app: FastAPI, kind: type[Exception], default: Handler, api: Handler) -> None:
    """Answer `kind` with `api` on the API's paths; elsewhere keep what was there (the web
    UI's handler, if it set one, else FastAPI's default)."""
    previous: Handler = app.exception_handlers.get(kind, default)

    async def handler(request: Request, exc: Exception) -> Response:
        chosen = api if request.url.path.startswith(API_PREFIX) else previous
        answer = chosen(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(kind, handler)


def install(app: FastAPI) -> None:
    """Register the JSON error handlers. Call after the web UI is installed, so that its
    handlers keep the HTML pages and the API's paths always answer JSON."""
    app.add_exception_handler(ApiError, _api_error)
    _api_only(app, RequestValidationError, request_validation_exception_handler, _validation)
    _api_only(app, StarletteHTTPException, http_exception_handler, _http_error)


__all__ = ["ERROR_SCHEMA", "ApiError", "documented", "error_response", "install"]
