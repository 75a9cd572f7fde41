"""The signed-in user's things through the API: ``/me``, notes, tags and collections.

Reads accept an API token (``Authorization: Bearer …``) or the browser's session cookie;
writes accept a token only, so no other site's page can make a browser write (a cookie goes
with a cross-site request, a token never does). Not signed in: 401, before anything else is
looked at. Something that is not the caller's answers 404, exactly like something that does
not exist; a collection shared with the caller answers 403 to a change. Every answer is
the caller's own: none may be cached (`PrivateRoute`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.responses import StreamingResponse
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from cablescope.accounts import AccountStore, User
from cablescope.accounts import export as exporting
from cablescope.accounts.model import MAX_COLLECTION_NAME, MAX_DESCRIPTION, MAX_NOTE, MAX_TAG
from cablescope.api.auth import SESSION_COOKIE, PrivateRoute, viewer_of
from cablescope.api.errors import ApiError
from cablescope.api.models import (
    AccountResponse,
    CollectionResponse,
    ErrorBody,
    NoteResponse,
    UserTagResponse,
)

#: Ids are SQL BIGINTs: a larger number can name nothing (and SQLite would refuse it).
MAX_ID = 2**63 - 1
#: Cable ids are short; this bounds what a lookup is asked for.
MAX_CABLE_ID = 64

token_scheme = HTTPBearer(
    scheme_name="token",
    description="An API token (`cablescope user token create NAME`), sent as "
    "`Authorization: Bearer cst_…`. Reads and writes.",
    auto_error=False,  # the 401 is ours, in the API's error shape
)
session_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="session",
    description="The web UI's session cookie, for reads only.",
    auto_error=False,
)

NoteId = Annotated[int, Path(ge=1, le=MAX_ID, description="A note's id.")]
CollectionId = Annotated[int, Path(ge=1, le=MAX_ID, description="A collection's id.")]
CableId = Annotated[
    str, Path(min_length=1, max_length=MAX_CABLE_ID, description="Cable id, e.g. 08LONDON3062.")
]
TagName = Annotated[str, Path(min_length=1, max_length=MAX_TAG, description="The tag.")]
UserName = Annotated[str, Path(min_length=1, max_length=64, description="A user name.")]
CableFilter = Annotated[
    str | None, Query(max_length=MAX_CABLE_ID, description="Only those on this cable.")
]

_WORDS = {
    400: "The change cannot be made (empty text, no such paragraph or user, …).",
    401: "Not signed in (no API token, or one revoked), or a write without a token.",
    403: "The collection is only shared with the caller, who may read but not change it.",
    404: "Not the caller's, or no such thing (the two look the same).",
    422: "A parameter or the body does not match the schema.",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the errors a route answers; 401 on every route."""
    return {
        status: {"model": ErrorBody, "description": _WORDS[status]}
        for status in sorted({401, *statuses})
    }


class NoteIn(BaseModel):
    cable_id: str = Field(max_length=MAX_CABLE_ID)
    paragraph: int | None = Field(default=None, ge=0, le=100_000)
    text: str = Field(max_length=MAX_NOTE)


class NoteChange(BaseModel):
    text: str = Field(max_length=MAX_NOTE)


class TagIn(BaseModel):
    cable_id: str = Field(max_length=MAX_CABLE_ID)
    tag: str = Field(max_length=MAX_TAG)


class CollectionIn(BaseModel):
    name: str = Field(max_length=MAX_COLLECTION_NAME)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)


class CollectionChange(BaseModel):
    name: str | None = Field(default=None, max_length=MAX_COLLECTION_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)


def _caller(request: Request, write: bool) -> User:
    """The caller: by token or session for a read, by token only for a write; 401 else."""
    viewer = viewer_of(request)
    if viewer.user is None:
        raise ApiError(401, "sign in: send an API token (Authorization: Bearer …)")
    if write and not viewer.token:
        raise ApiError(401, "changes through the API need an API token (Authorization: Bearer …)")
    return viewer.user


class AccountRoute(PrivateRoute):
    """A route of a signed-in caller's things: who is asking is settled before the request
    is read, so nobody learns more than the 401 — not even whether the body parses."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        write = not self.methods <= {"GET", "HEAD"}

        async def signed_in(request: Request) -> Response:
            _caller(request, write)
            return await handler(request)

        return signed_in


def _reader(
    request: Request,
    _token: Annotated[HTTPAuthorizationCredentials | None, Security(token_scheme)],
    _session: Annotated[str | None, Security(session_scheme)],
) -> User:
    """The caller, by token or session. (`AuthMiddleware` has checked the credentials and
    `AccountRoute` the caller; the parameters put both schemes in the OpenAPI schema.)"""
    return _caller(request, write=False)


def _writer(
    request: Request,
    _token: Annotated[HTTPAuthorizationCredentials | None, Security(token_scheme)],
) -> User:
    """The caller of a write, by token only."""
    return _caller(request, write=True)


router = APIRouter(tags=["accounts"], route_class=AccountRoute)
Reader = Annotated[User, Depends(_reader)]
Writer = Annotated[User, Depends(_writer)]


def _accounts(request: Request) -> AccountStore:
    return request.app.state.accounts.get()


def _cable(request: Request, cable_id: str) -> str:
    """The cable id as stored; 404 when the archive has no such cable."""
    store = request.app.state.stores.get()
    for candidate in dict.fromkeys((cable_id.strip(), cable_id.strip().upper())):
        if candidate and store.versions(candidate):
            return candidate
    raise ApiError(404, f"no cable {cable_id}")


def _valid(call: Any, *args: Any) -> Any:
    """Run a store call; its ValueError (an empty note, an unknown user) is a 400."""
    try:
        return call(*args)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None


NOT_FOUND_NOTE = "no such note"
NOT_FOUND_COLLECTION = "no such collection"
NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


@router.get("/me", response_model=AccountResponse, responses=_errors())
def me(user: Reader) -> dict[str, Any]:
    """The caller's account."""
    return user.to_dict()


# -- notes -------------------------------------------------------------------------------------
@router.get("/notes", response_model=list[NoteResponse], responses=_errors(422))
def list_notes(request: Request, user: Reader, cable: CableFilter = None) -> list[dict[str, Any]]:
    """The caller's notes (on one cable, with ``?cable=``)."""
    return [n.to_dict() for n in _accounts(request).notes(user, cable)]


@router.post(
    "/notes", status_code=201, response_model=NoteResponse, responses=_errors(400, 404, 422)
)
def create_note(request: Request, user: Writer, body: NoteIn) -> dict[str, Any]:
    """A new note on a cable, or on one of its paragraphs (404: no such cable)."""
    cable_id = _cable(request, body.cable_id)
    if body.paragraph is not None:
        record = request.app.state.stores.get().get(cable_id) or {}
        if body.paragraph not in {p.get("number") for p in record.get("paragraphs") or ()}:
            raise ApiError(400, f"{cable_id} has no paragraph {body.paragraph}")
    note = _valid(_accounts(request).add_note, user, cable_id, body.text, body.paragraph)
    return note.to_dict()


@router.get("/notes/{note_id}", response_model=NoteResponse, responses=_errors(404, 422))
def get_note(request: Request, user: Reader, note_id: NoteId) -> dict[str, Any]:
    note = _accounts(request).note(user, note_id)
    if note is None:
        raise ApiError(404, NOT_FOUND_NOTE)
    return note.to_dict()


@router.patch("/notes/{note_id}", response_model=NoteResponse, responses=_errors(400, 404, 422))
def update_note(request: Request, user: Writer, note_id: NoteId, body: NoteChange) -> Any:
    """Replace a note's text."""
    note = _valid(_accounts(request).update_note, user, note_id, body.text)
    if note is None:
        raise ApiError(404, NOT_FOUND_NOTE)
    return note.to_dict()


@router.delete("/notes/{note_id}", **NO_CONTENT, responses=_errors(404, 422))
def delete_note(request: Request, user: Writer, note_id: NoteId) -> Response:
    if not _accounts(request).delete_note(user, note_id):
        raise ApiError(404, NOT_FOUND_NOTE)
    return Response(status_code=204)


# -- tags --------------------------------------------------------------------------------------
@router.get("/me/tags", response_model=list[UserTagResponse], responses=_errors(422))
def list_tags(
    request: Request,
    user: Reader,
    cable: CableFilter = None,
    tag: Annotated[str | None, Query(max_length=MAX_TAG, description="Only this tag.")] = None,
) -> list[dict[str, str]]:
    """The caller's own tags (of one cable or one tag, if asked)."""
    pairs = _accounts(request).tags(user, cable, tag)
    return [{"cable_id": cable_id, "tag": name} for cable_id, name in pairs]


@router.post(
    "/me/tags", status_code=201, response_model=UserTagResponse, responses=_errors(400, 404, 422)
)
def add_tag(request: Request, user: Writer, body: TagIn) -> dict[str, str]:
    """Put one of the caller's own tags on a cable (again: no change)."""
    cable_id = _cable(request, body.cable_id)
    return {
        "cable_id": cable_id,
        "tag": _valid(_accounts(request).add_tag, user, cable_id, body.tag),
    }


@router.delete("/me/tags/{cable_id}/{tag}", **NO_CONTENT, responses=_errors(404, 422))
def remove_tag(request: Request, user: Writer, cable_id: CableId, tag: TagName) -> Response:
    if not _accounts(request).remove_tag(user, cable_id, tag):
        raise ApiError(404, "no such tag on that cable")
    return Response(status_code=204)


# -- collections ---------------------------------------------------------------------------------
@router.get("/collections", response_model=list[CollectionResponse], responses=_errors())
def list_collections(request: Request, user: Reader) -> list[dict[str, Any]]:
    """The caller's collections, then those shared with them (``mine`` says which)."""
    return [c.to_dict() for c in _accounts(request).collections(user)]


@router.post(
    "/collections", status_code=201, response_model=CollectionResponse, responses=_errors(400, 422)
)
def create_collection(request: Request, user: Writer, body: CollectionIn) -> dict[str, Any]:
    made = _valid(_accounts(request).create_collection, user, body.name, body.description)
    return made.to_dict()


@router.get(
    "/collections/{collection_id}", response_model=CollectionResponse, responses=_errors(404, 422)
)
def get_collection(request: Request, user: Reader, collection_id: CollectionId) -> Any:
    found = _accounts(request).collection(user, collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return found.to_dict()


def _owned(request: Request, user: User, collection_id: int) -> AccountStore:
    """The account store, when the collection is the caller's: 404 when they may not even
    read it, 403 when it is only shared with them."""
    accounts = _accounts(request)
    found = accounts.collection(user, collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    if not found.mine:
        raise ApiError(403, "only the owner changes a collection (it is shared read-only)")
    return accounts


#: What a change to a collection may answer.
CHANGES = _errors(403, 404, 422)


@router.patch(
    "/collections/{collection_id}",
    response_model=CollectionResponse,
    responses=_errors(400, 403, 404, 422),
)
def update_collection(
    request: Request, user: Writer, collection_id: CollectionId, body: CollectionChange
) -> Any:
    """Rename or redescribe the caller's collection."""
    accounts = _owned(request, user, collection_id)
    _valid(accounts.update_collection, user, collection_id, body.name, body.description)
    found = accounts.collection(user, collection_id)
    if found is None:  # deleted meanwhile
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return found.to_dict()


@router.delete("/collections/{collection_id}", **NO_CONTENT, responses=CHANGES)
def delete_collection(request: Request, user: Writer, collection_id: CollectionId) -> Response:
    _owned(request, user, collection_id).delete_collection(user, collection_id)
    return Response(status_code=204)


@router.put("/collections/{collection_id}/items/{cable_id}", **NO_CONTENT, responses=CHANGES)
def add_item(
    request: Request, user: Writer, collection_id: CollectionId, cable_id: CableId
) -> Response:
    """Put a cable in the caller's collection (again: no change; 404: no such cable)."""
    accounts = _owned(request, user, collection_id)
    accounts.add_item(user, collection_id, _cable(request, cable_id))
    return Response(status_code=204)


@router.delete("/collections/{collection_id}/items/{cable_id}", **NO_CONTENT, responses=CHANGES)
def remove_item(
    request: Request, user: Writer, collection_id: CollectionId, cable_id: CableId
) -> Response:
    _owned(request, user, collection_id).remove_item(user, collection_id, cable_id)
    return Response(status_code=204)


@router.put(
    "/collections/{collection_id}/shares/{name}",
    **NO_CONTENT,
    responses=_errors(400, 403, 404, 422),
)
def share(request: Request, user: Writer, collection_id: CollectionId, name: UserName) -> Response:
    """Let user `name` read the collection (400: no such user, or the caller)."""
    _valid(_owned(request, user, collection_id).share, user, collection_id, name)
    return Response(status_code=204)


@router.delete("/collections/{collection_id}/shares/{name}", **NO_CONTENT, responses=CHANGES)
def unshare(
    request: Request, user: Writer, collection_id: CollectionId, name: UserName
) -> Response:
    _owned(request, user, collection_id).unshare(user, collection_id, name)
    return Response(status_code=204)


@router.get(
    "/collections/{collection_id}/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One record a line (JSON Lines), or CSV with a header row.",
            "content": {media: {} for media in ("application/x-ndjson", "text/csv")},
        },
        **_errors(404, 422),
    },
)
def export_collection(
    request: Request,
    user: Reader,
    collection_id: CollectionId,
    format: Literal["jsonl", "csv"] = "jsonl",
) -> StreamingResponse:
    """The collection's cables (full records, no raw text) as JSON Lines or CSV."""
    found = _accounts(request).collection(user, collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return exporting.download(request.app.state.stores.db, found, format)


__all__ = ["router"]
