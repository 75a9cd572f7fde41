"""The administrator's page, ``/admin/users``: every account, and forms to add one, remove
one or set one's password — what ``cablescope user`` does at the server's shell.

Visitors who are not signed in go to the login page, signed-in users who are not
administrators get 403. The forms are checked like every other of the site (same origin,
the session's CSRF token) before the administrator's rights are; an administrator cannot
remove their own account here, so the server always keeps one.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cablescope.accounts import AccountStore, User
from cablescope.accounts.model import NAME_PATTERN
from cablescope.api.auth import PrivateRoute, viewer_of
from cablescope.web.account_routes import _not_found, _refuse, _to_login, checked_admin
from cablescope.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PrivateRoute)

PAGE = "/admin/users"
NOT_ADMIN = "Only an administrator manages accounts."
#: What the page says after a change (``?done=…&user=…``): fixed words, a valid name.
DONE = {
    "added": "Added {}.",
    "removed": "Removed {} and everything they kept.",
    "password": "Set a new password for {}; their browser sessions have ended.",
}


def _accounts(request: Request) -> AccountStore:
    return request.app.state.accounts.get()


def _done(kind: str, name: str) -> str:
    return f"{PAGE}?done={kind}&user={name}"


@router.get(PAGE)
def users_page(request: Request) -> Response:
    """Every account, with the forms that change them."""
    viewer = viewer_of(request)
    if viewer.user is None:
        return _to_login(request)
    if not viewer.user.is_admin:
        return _refuse(403, NOT_ADMIN)
    done, name = request.query_params.get("done", ""), request.query_params.get("user", "")
    message = DONE[done].format(name) if done in DONE and NAME_PATTERN.match(name) else None
    return render(
        "admin_users.html",
        users=_accounts(request).users(),
        own_name=viewer.user.name,
        csrf=viewer.csrf,
        message=message,
    )


async def _admin_act(
    request: Request, work: Callable[[AccountStore, User, dict[str, str]], str | None]
) -> Response:
    """Check the POST (origin, session, CSRF), then the administrator; do `work` in a worker
    thread: where to go next, None for no such user, a ValueError for a mistake (400)."""
    checked = await checked_admin(request, NOT_ADMIN)
    if isinstance(checked, Response):
        return checked
    admin, form = checked
    try:
        target = await run_in_threadpool(work, _accounts(request), admin, form)
    except ValueError as exc:
        return _refuse(400, str(exc), "Not saved")
    if target is None:
        return _not_found()
    return RedirectResponse(target, status_code=303)


@router.post(PAGE)
async def add_user(request: Request) -> Response:
    """A new account: ``name``, ``password``, ``admin`` (a checkbox)."""

    def work(accounts: AccountStore, _admin: User, form: dict[str, str]) -> str:
        made = accounts.add_user(
            form.get("name", ""), form.get("password", ""), admin=form.get("admin") == "on"
        )
        return _done("added", made.name)

    return await _admin_act(request, work)


@router.post(PAGE + "/{name}")
async def change_user(request: Request, name: str) -> Response:
    """``op=remove`` the account, or ``op=password`` (with ``password``) set its password."""

    def work(accounts: AccountStore, admin: User, form: dict[str, str]) -> str | None:
        canonical = name.strip().lower()
        op = form.get("op")
        if op == "remove":
            if canonical == admin.name:
                raise ValueError("You cannot remove your own account here.")
            return _done("removed", canonical) if accounts.remove_user(canonical) else None
        if op == "password":
            changed = accounts.set_password(canonical, form.get("password", ""))
            return _done("password", canonical) if changed else None
        raise ValueError("unknown change")

    return await _admin_act(request, work)


__all__ = ["NOT_ADMIN", "router"]
