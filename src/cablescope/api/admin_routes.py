"""What an administrator (``cablescope user add --admin``) may do through the API: list the
accounts, add one, remove one, set one's password — the same as ``cablescope user`` does at
the server's shell, for a team whose administrator has no shell there.

The rules of the other account endpoints hold: reads take a token or the session cookie,
changes a token only; who is asking is settled before anything else is read (401 for
nobody, then 403 for a user who is not an administrator, whatever the request). An
administrator cannot remove their own account here, so the server always keeps one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from cablescope.accounts import AccountStore, User
from cablescope.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from cablescope.api.account_routes import AccountRoute, Reader, UserName, Writer, _caller
from cablescope.api.errors import ApiError
from cablescope.api.models import AccountResponse, ErrorBody

_WORDS = {
    400: "The change cannot be made (a bad name or password, or the caller's own account).",
    401: "Not signed in (no API token, or one revoked), or a change without a token.",
    403: "The caller is not an administrator.",
    404: "No such user.",
    409: "There is already a user of that name.",
    422: "A parameter or the body does not match the schema.",
}
NOT_ADMIN = "only an administrator manages accounts"


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the errors a route answers; 401 and 403 on every route."""
    return {
        status: {"model": ErrorBody, "description": _WORDS[status]}
        for status in sorted({401, 403, *statuses})
    }


class AdminRoute(AccountRoute):
    """A route for administrators only: 401 for nobody, then 403 for anyone else, before
    the request's parameters or body are looked at."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        write = not self.methods <= {"GET", "HEAD"}

        async def admin_only(request: Request) -> Response:
            if not _caller(request, write).is_admin:
                raise ApiError(403, NOT_ADMIN)
            return await handler(request)

        return admin_only


Password = Annotated[str, Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class UserIn(BaseModel):
    name: str = Field(max_length=64, description="Letters, digits, '.', '-', '_'.")
    password: Password
    admin: bool = Field(default=False, description="An administrator too.")


class PasswordIn(BaseModel):
    password: Password


router = APIRouter(prefix="/admin", tags=["admin"], route_class=AdminRoute)


def _accounts(request: Request) -> AccountStore:
    return request.app.state.accounts.get()


@router.get("/users", response_model=list[AccountResponse], responses=_errors())
def list_users(request: Request, _admin: Reader) -> list[dict[str, Any]]:
    """Every account, by name."""
    return [user.to_dict() for user in _accounts(request).users()]


@router.post(
    "/users", status_code=201, response_model=AccountResponse, responses=_errors(400, 409, 422)
)
def add_user(request: Request, _admin: Writer, body: UserIn) -> dict[str, Any]:
    """Make an account (an administrator's too, with ``admin``)."""
    accounts = _accounts(request)
    if accounts.user(body.name) is not None:
        raise ApiError(409, f"there is already a user {body.name.strip().lower()!r}")
    try:
        made = accounts.add_user(body.name, body.password, admin=body.admin)
    except ValueError as exc:  # a bad name or password, or a name taken meanwhile
        raise ApiError(409 if "already" in str(exc) else 400, str(exc)) from None
    return made.to_dict()


@router.delete(
    "/users/{name}", status_code=204, response_class=Response, responses=_errors(400, 404, 422)
)
def remove_user(request: Request, admin: Writer, name: UserName) -> Response:
    """Delete an account and everything it kept (notes, tags, collections, tokens)."""
    _not_self(admin, name)
    if not _accounts(request).remove_user(name):
        raise ApiError(404, f"no user {name!r}")
    return Response(status_code=204)


@router.put(
    "/users/{name}/password",
    status_code=204,
    response_class=Response,
    responses=_errors(400, 404, 422),
)
def set_password(request: Request, _admin: Writer, name: UserName, body: PasswordIn) -> Response:
    """Set an account's password: its browser sessions end, its API tokens stay valid."""
    try:
        changed = _accounts(request).set_password(name, body.password)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    if not changed:
        raise ApiError(404, f"no user {name!r}")
    return Response(status_code=204)


def _not_self(admin: User, name: str) -> None:
    if name.strip().lower() == admin.name:
        raise ApiError(400, "an administrator cannot remove their own account here")


__all__ = ["NOT_ADMIN", "AdminRoute", "router"]
