"""The signed-in user's pages: log in and out, notes and tags on the cable page, their
notes, their collections and the collections shared with them.

Every POST must come from this site's own page (`same_origin`) and carry the session's
synchronizer token in a hidden ``csrf`` field; the login form, before any session, carries a
token that must match its own cookie (double submit). A POST from a visitor who is not
signed in is sent to the login page, and back to where they were once logged in (a path of
this site only: `safe_next`). Failed logins are counted per client address and per name
(`cablescope.accounts.throttle`): past the limit the form answers 429 without checking the
password. What is not the user's answers 404, like what does not exist, so nobody learns
what others keep; nothing answered here may be cached (`PrivateRoute`).
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cablescope.accounts import AccountStore, User
from cablescope.accounts import export as exporting
from cablescope.api.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    PrivateRoute,
    current_viewer,
    login_url,
    page_of_form,
    request_target,
    safe_next,
    viewer_of,
)
from cablescope.store import Store
from cablescope.web.links import cable_url
from cablescope.web.templating import render

#: Every answer here is one visitor's (their things, their login form): none is cached.
router = APIRouter(include_in_schema=False, route_class=PrivateRoute)

MAX_FORM_BYTES = 100_000
LOGIN_FAILED = "Wrong user name or password."
LOGIN_THROTTLED = "Too many failed attempts to log in from here or to this account."


# -- helpers ---------------------------------------------------------------------------------------
def _accounts(request: Request) -> AccountStore:
    return request.app.state.accounts.get()


def _archive(request: Request) -> Store:
    return request.app.state.stores.get()


def _resolve(store: Store, cable_id: str) -> str | None:
    """The id as stored: as typed, else upper case."""
    for candidate in dict.fromkeys((cable_id.strip(), cable_id.strip().upper())):
        if candidate and store.versions(candidate):
            return candidate
    return None


def _refuse(status: int, message: str, title: str = "Refused") -> Response:
    return render("error.html", status, title=title, message=message)


def _not_found() -> Response:
    return render("error.html", 404, title="Not found", message="There is no page at this address.")


def _to_login(request: Request) -> Response:
    """To the login page, then back: to this page, or for a form posted from a session that
    has expired, to the page the form was on (a form's own address may answer only POST)."""
    target = request_target(request.scope)
    if request.method != "GET":
        target = page_of_form(target.split("?", 1)[0])
    return RedirectResponse(login_url(target), status_code=303)


def same_origin(request: Request) -> bool:
    """Whether the browser says the POST comes from this site's own page."""
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    origin = request.headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def _read_form(request: Request) -> dict[str, str] | None:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    pairs = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=16)
    return {key: values[0] for key, values in pairs.items() if values}


async def _checked(request: Request) -> tuple[User, dict[str, str]] | Response:
    """The user and form of a POST that passed every check, or the answer refusing it."""
    if not same_origin(request):
        return _refuse(403, "A change must be sent from this site's own page.")
    viewer = viewer_of(request)
    if viewer.user is None or viewer.session is None:
        return _to_login(request)
    form = await _read_form(request)
    if form is None:
        return _refuse(400, "The form is too large.")
    if not hmac.compare_digest(form.get("csrf", ""), viewer.csrf):
        return _refuse(403, "The form has expired or did not come from this site: reload it.")
    return viewer.user, form


async def checked_admin(request: Request, refusal: str) -> tuple[User, dict[str, str]] | Response:
    """`_checked`, then an administrator's: else 403 with `refusal`."""
    checked = await _checked(request)
    if isinstance(checked, Response) or checked[0].is_admin:
        return checked
    return _refuse(403, refusal)


async def _act(request: Request, work: Callable[[User, dict[str, str]], str | None]) -> Response:
    """Check the POST, do `work` in a worker thread; it returns where to go next (None:
    not found). A ValueError is the user's mistake, shown as 400."""
    checked = await _checked(request)
    if isinstance(checked, Response):
        return checked
    user, form = checked
    try:
        target = await run_in_threadpool(work, user, form)
    except ValueError as exc:
        return _refuse(400, str(exc), "Not saved")
    if target is None:
        return _not_found()
    return RedirectResponse(target, status_code=303)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


# -- the cable page's panel (a template global) ----------------------------------------------------
def account_panel(cable_id: str, paragraphs: list[Any] | None = None) -> dict[str, Any] | None:
    """What the cable page shows a signed-in user: their notes (on the cable, and by
    paragraph), their tags on it and their collections; None for anyone else."""
    viewer = current_viewer()
    if viewer.user is None or viewer.session is None or viewer.accounts is None:
        return None
    store = viewer.accounts.get()
    notes = store.notes(viewer.user, cable_id)
    by_paragraph: dict[int, list[Any]] = {}
    for note in notes:
        if note.paragraph is not None:
            by_paragraph.setdefault(note.paragraph, []).append(note)
    return {
        "csrf": viewer.csrf,
        "cable_notes": [n for n in notes if n.paragraph is None],
        "by_paragraph": by_paragraph,
        "tags": [tag for _, tag in store.tags(viewer.user, cable_id)],
        "collections": [(c, cable_id in c.items) for c in store.collections(viewer.user) if c.mine],
    }


# -- logging in and out ----------------------------------------------------------------------------
def _login_page(
    request: Request, status: int = 200, error: str | None = None, target: str | None = None
) -> Response:
    """The login form, leading on to `target` (a failed attempt's form field), else to the
    address's ``?next=``: a wrong password must not lose the way back."""
    token = secrets.token_urlsafe(24)
    next_path = safe_next(target if target is not None else request.query_params.get("next"))
    response = render("login.html", status, login_token=token, next=next_path, error=error)
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login",
        secure=_secure(request), max_age=3600,
    )  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    """Start a session: 303 to where the visitor was going; one message for every failure
    (an unknown user and a wrong password look the same)."""
    if not same_origin(request):
        return _refuse(403, "Log in from this site's own login page.")
    form = await _read_form(request)
    if form is None:
        return _refuse(400, "The form is too large.")
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(form.get("login_token", ""), expected):
        return _refuse(403, "The login form has expired: reload it.")
    store = _accounts(request)
    name = form.get("name", "")
    address = request.client.host if request.client else ""
    with request.app.state.accounts.throttle.attempt(address, name) as attempt:
        if not attempt.allowed:  # refused before the password costs a hash check
            wait = _throttled(attempt.retry_after)
            response = _login_page(request, 429, wait, form.get("next"))
            response.headers["Retry-After"] = attempt.retry_after_header
            return response
        user = await run_in_threadpool(store.authenticate, name, form.get("password", ""))
        if user is None:
            attempt.failed()
            return _login_page(request, 401, LOGIN_FAILED, form.get("next"))
        attempt.succeeded()
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(store.end_session, old)
    session_id, _ = await run_in_threadpool(store.start_session, user)
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="lax", path="/",
        secure=_secure(request), max_age=int(store.policy.lifetime),
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _throttled(seconds: float) -> str:
    """The login page's message for a refused attempt: how long to wait, in words."""
    count, unit = (
        (max(1, math.ceil(seconds)), "second")
        if seconds <= 59
        else (math.ceil(seconds / 60), "minute")
    )
    return f"{LOGIN_THROTTLED} Try again in {count} {unit}{'s' if count != 1 else ''}."


@router.post("/logout")
async def logout(request: Request) -> Response:
    checked = await _checked(request)
    if isinstance(checked, Response):
        return checked
    viewer = viewer_of(request)
    if viewer.session_id:
        await run_in_threadpool(_accounts(request).end_session, viewer.session_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- notes and tags on a cable ---------------------------------------------------------------------
@router.post("/cable/{cable_id}/notes")
async def add_note(request: Request, cable_id: str) -> Response:
    """A new note on the cable, or on one of its paragraphs (``paragraph``)."""

    def work(user: User, form: dict[str, str]) -> str | None:
        store = _archive(request)
        found = _resolve(store, cable_id)
        if found is None:
            return None
        paragraph = _int(form.get("paragraph"))
        if paragraph is not None:
            record = store.get(found) or {}
            numbers = {p.get("number") for p in record.get("paragraphs") or ()}
            if paragraph not in numbers:
                raise ValueError(f"{found} has no paragraph {paragraph}")
        _accounts(request).add_note(user, found, form.get("text", ""), paragraph)
        anchor = f"#p{paragraph}" if paragraph is not None else "#my-notes"
        return cable_url(found) + anchor

    return await _act(request, work)


@router.post("/notes/{note_id}")
async def change_note(request: Request, note_id: int) -> Response:
    """``op=update`` (with ``text``) or ``op=delete`` one of the user's notes."""

    def work(user: User, form: dict[str, str]) -> str | None:
        accounts = _accounts(request)
        note = accounts.note(user, note_id)
        if note is None:
            return None
        if form.get("op") == "delete":
            accounts.delete_note(user, note_id)
        elif form.get("op") == "update":
            accounts.update_note(user, note_id, form.get("text", ""))
        else:
            raise ValueError("unknown change")
        if form.get("back") == "me":
            return "/me/notes"
        anchor = f"#p{note.paragraph}" if note.paragraph is not None else "#my-notes"
        return cable_url(note.cable_id) + anchor

    return await _act(request, work)


@router.post("/cable/{cable_id}/tags")
async def change_tags(request: Request, cable_id: str) -> Response:
    """``op=add`` or ``op=remove`` one of the user's own tags on the cable."""

    def work(user: User, form: dict[str, str]) -> str | None:
        found = _resolve(_archive(request), cable_id)
        if found is None:
            return None
        if form.get("op") == "remove":
            _accounts(request).remove_tag(user, found, form.get("tag", ""))
        else:
            _accounts(request).add_tag(user, found, form.get("tag", ""))
        return cable_url(found) + "#my-notes"

    return await _act(request, work)


@router.post("/cable/{cable_id}/collect")
async def collect(request: Request, cable_id: str) -> Response:
    """Put the cable in one of the user's collections (``collection``), or in a new one
    (``new``: its name)."""

    def work(user: User, form: dict[str, str]) -> str | None:
        found = _resolve(_archive(request), cable_id)
        if found is None:
            return None
        accounts = _accounts(request)
        new_name = form.get("new", "").strip()
        if new_name:
            collection_id = accounts.create_collection(user, new_name).id
        else:
            collection_id = _int(form.get("collection")) or 0
        if not accounts.add_item(user, collection_id, found):
            return None
        return cable_url(found) + "#my-notes"

    return await _act(request, work)


# -- the user's pages ------------------------------------------------------------------------------
@router.get("/me/notes")
def my_notes(request: Request) -> Response:
    """Every note and tag of the signed-in user, by cable."""
    user = viewer_of(request).user
    if user is None:
        return _to_login(request)
    accounts = _accounts(request)
    notes = accounts.notes(user)
    tags = accounts.tags(user)
    cables = sorted({n.cable_id for n in notes} | {cid for cid, _ in tags})
    by_cable = {cid: [n for n in notes if n.cable_id == cid] for cid in cables}
    tags_by_cable = {cid: [t for c, t in tags if c == cid] for cid in cables}
    return render(
        "me_notes.html",
        cables=cables,
        notes=by_cable,
        tags=tags_by_cable,
        subjects=_subjects(_archive(request), cables),
        csrf=viewer_of(request).csrf,
    )


def _subjects(store: Store, cable_ids: list[str]) -> dict[str, str]:
    subjects = {}
    for cable_id in cable_ids:
        record = store.get(cable_id)
        subjects[cable_id] = (record or {}).get("subject") or ""
    return subjects


@router.get("/me/collections")
def my_collections(request: Request) -> Response:
    user = viewer_of(request).user
    if user is None:
        return _to_login(request)
    collections = _accounts(request).collections(user)
    return render("me_collections.html", collections=collections, csrf=viewer_of(request).csrf)


@router.post("/me/collections")
async def new_collection(request: Request) -> Response:
    def work(user: User, form: dict[str, str]) -> str | None:
        made = _accounts(request).create_collection(
            user, form.get("name", ""), form.get("description", "")
        )
        return f"/collections/{made.id}"

    return await _act(request, work)


@router.get("/collections/{collection_id}")
def collection_page(request: Request, collection_id: int) -> Response:
    """A collection its owner or a user it is shared with may read (others: 404)."""
    user = viewer_of(request).user
    if user is None:
        return _to_login(request)
    found = _accounts(request).collection(user, collection_id)
    if found is None:
        return _not_found()
    return render(
        "collection.html",
        collection=found,
        subjects=_subjects(_archive(request), found.items),
        csrf=viewer_of(request).csrf,
    )


@router.post("/collections/{collection_id}")
async def change_collection(request: Request, collection_id: int) -> Response:
    """The owner's changes: ``op`` = share, unshare (``user``), remove (``cable``),
    rename (``name``, ``description``) or delete."""

    def work(user: User, form: dict[str, str]) -> str | None:
        accounts = _accounts(request)
        op = form.get("op")
        target = f"/collections/{collection_id}"
        if op == "share":
            done = accounts.share(user, collection_id, form.get("user", ""))
        elif op == "unshare":
            done = accounts.unshare(user, collection_id, form.get("user", ""))
        elif op == "remove":
            done = accounts.remove_item(user, collection_id, form.get("cable", ""))
        elif op == "rename":
            done = accounts.update_collection(
                user, collection_id, form.get("name"), form.get("description")
            )
        elif op == "delete":
            done, target = accounts.delete_collection(user, collection_id), "/me/collections"
        else:
            raise ValueError("unknown change")
        return target if done else None

    return await _act(request, work)


@router.get("/collections/{collection_id}/export")
def export_collection(request: Request, collection_id: int) -> Response:
    """The collection's cables as ``?format=jsonl`` (default) or ``csv``."""
    user = viewer_of(request).user
    if user is None:
        return _to_login(request)
    format = request.query_params.get("format", "jsonl")
    found = _accounts(request).collection(user, collection_id)
    if found is None or format not in exporting.FORMATS:
        return _not_found()
    return exporting.download(request.app.state.stores.db, found, format)


__all__ = ["LOGIN_FAILED", "LOGIN_THROTTLED", "account_panel", "router", "same_origin"]
