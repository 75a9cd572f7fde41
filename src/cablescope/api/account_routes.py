"""The signed-in user's things through the API: ``/me``, notes, tags and collections.

Reads accept an API token (``Authorization: Bearer …``) or the browser's session cookie;
writes accept a token only, so no other site's page can make a browser write (a cookie goes
with a cross-site request, a token never does). Not signed in: 401. Something that is not
the caller's answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cablescope.accounts import AccountStore, User
from cablescope.accounts import export as exporting
from cablescope.accounts.model import MAX_COLLECTION_NAME, MAX_DESCRIPTION, MAX_NOTE, MAX_TAG
from cablescope.api.auth import viewer_of
from cablescope.api.errors import ApiError

router = APIRouter(tags=["accounts"], include_in_schema=False)


class NoteIn(BaseModel):
    cable_id: str = Field(max_length=64)
    paragraph: int | None = None
    text: str = Field(max_length=MAX_NOTE)


class NoteChange(BaseModel):
    text: str = Field(max_length=MAX_NOTE)


class TagIn(BaseModel):
    cable_id: str = Field(max_length=64)
    tag: str = Field(max_length=MAX_TAG)


class CollectionIn(BaseModel):
    name: str = Field(max_length=MAX_COLLECTION_NAME)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)


class CollectionChange(BaseModel):
    name: str | None = Field(default=None, max_length=MAX_COLLECTION_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)


def _reader(request: Request) -> User:
    """The caller, by token or session; 401 for nobody."""
    user = viewer_of(request).user
    if user is None:
        raise ApiError(401, "sign in: send an API token (Authorization: Bearer …)")
    return user


def _writer(request: Request) -> User:
    """The caller of a write, by token only."""
    viewer = viewer_of(request)
    if viewer.user is None or not viewer.token:
        raise ApiError(401, "changes through the API need an API token (Authorization: Bearer …)")
    return viewer.user


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


@router.get("/me")
def me(request: Request) -> dict[str, Any]:
    """The caller's account."""
    return _reader(request).to_dict()


# -- notes -------------------------------------------------------------------------------------
@router.get("/notes")
def list_notes(
    request: Request, cable: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict[str, Any]]:
    """The caller's notes (on one cable, with ``?cable=``)."""
    return [n.to_dict() for n in _accounts(request).notes(_reader(request), cable)]


@router.post("/notes", status_code=201)
def create_note(request: Request, body: NoteIn) -> dict[str, Any]:
    user = _writer(request)
    cable_id = _cable(request, body.cable_id)
    if body.paragraph is not None:
        record = request.app.state.stores.get().get(cable_id) or {}
        if body.paragraph not in {p.get("number") for p in record.get("paragraphs") or ()}:
            raise ApiError(400, f"{cable_id} has no paragraph {body.paragraph}")
    note = _valid(_accounts(request).add_note, user, cable_id, body.text, body.paragraph)
    return note.to_dict()


@router.get("/notes/{note_id}")
def get_note(request: Request, note_id: int) -> dict[str, Any]:
    note = _accounts(request).note(_reader(request), note_id)
    if note is None:
        raise ApiError(404, NOT_FOUND_NOTE)
    return note.to_dict()


@router.patch("/notes/{note_id}")
def update_note(request: Request, note_id: int, body: NoteChange) -> dict[str, Any]:
    note = _valid(_accounts(request).update_note, _writer(request), note_id, body.text)
    if note is None:
        raise ApiError(404, NOT_FOUND_NOTE)
    return note.to_dict()


@router.delete("/notes/{note_id}", status_code=204)
def delete_note(request: Request, note_id: int) -> Response:
    if not _accounts(request).delete_note(_writer(request), note_id):
        raise ApiError(404, NOT_FOUND_NOTE)
    return Response(status_code=204)


# -- tags --------------------------------------------------------------------------------------
@router.get("/me/tags")
def list_tags(
    request: Request,
    cable: Annotated[str | None, Query(max_length=64)] = None,
    tag: Annotated[str | None, Query(max_length=MAX_TAG)] = None,
) -> list[dict[str, str]]:
    """The caller's own tags: ``[{cable_id, tag}]`` (of one cable or one tag, if asked)."""
    pairs = _accounts(request).tags(_reader(request), cable, tag)
    return [{"cable_id": cable_id, "tag": name} for cable_id, name in pairs]


@router.post("/me/tags", status_code=201)
def add_tag(request: Request, body: TagIn) -> dict[str, str]:
    user = _writer(request)
    cable_id = _cable(request, body.cable_id)
    return {
        "cable_id": cable_id,
        "tag": _valid(_accounts(request).add_tag, user, cable_id, body.tag),
    }


@router.delete("/me/tags/{cable_id}/{tag}", status_code=204)
def remove_tag(request: Request, cable_id: str, tag: str) -> Response:
    if not _accounts(request).remove_tag(_writer(request), cable_id, tag):
        raise ApiError(404, "no such tag on that cable")
    return Response(status_code=204)


# -- collections ---------------------------------------------------------------------------------
@router.get("/collections")
def list_collections(request: Request) -> list[dict[str, Any]]:
    """The caller's collections, then those shared with them (``mine`` says which)."""
    return [c.to_dict() for c in _accounts(request).collections(_reader(request))]


@router.post("/collections", status_code=201)
def create_collection(request: Request, body: CollectionIn) -> dict[str, Any]:
    made = _valid(
        _accounts(request).create_collection, _writer(request), body.name, body.description
    )
    return made.to_dict()


@router.get("/collections/{collection_id}")
def get_collection(request: Request, collection_id: int) -> dict[str, Any]:
    found = _accounts(request).collection(_reader(request), collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return found.to_dict()


def _owned(request: Request, collection_id: int) -> tuple[User, AccountStore]:
    """The caller (by token) and the account store, when the collection is theirs: 404
    when they may not even read it, 403 when it is only shared with them."""
    user = _writer(request)
    accounts = _accounts(request)
    found = accounts.collection(user, collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    if not found.mine:
        raise ApiError(403, "only the owner changes a collection (it is shared read-only)")
    return user, accounts


@router.patch("/collections/{collection_id}")
def update_collection(
    request: Request, collection_id: int, body: CollectionChange
) -> dict[str, Any]:
    user, accounts = _owned(request, collection_id)
    _valid(accounts.update_collection, user, collection_id, body.name, body.description)
    found = accounts.collection(user, collection_id)
    if found is None:  # deleted meanwhile
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return found.to_dict()


@router.delete("/collections/{collection_id}", status_code=204)
def delete_collection(request: Request, collection_id: int) -> Response:
    user, accounts = _owned(request, collection_id)
    accounts.delete_collection(user, collection_id)
    return Response(status_code=204)


@router.put("/collections/{collection_id}/items/{cable_id}", status_code=204)
def add_item(request: Request, collection_id: int, cable_id: str) -> Response:
    user, accounts = _owned(request, collection_id)
    accounts.add_item(user, collection_id, _cable(request, cable_id))
    return Response(status_code=204)


@router.delete("/collections/{collection_id}/items/{cable_id}", status_code=204)
def remove_item(request: Request, collection_id: int, cable_id: str) -> Response:
    user, accounts = _owned(request, collection_id)
    accounts.remove_item(user, collection_id, cable_id)
    return Response(status_code=204)


@router.put("/collections/{collection_id}/shares/{name}", status_code=204)
def share(request: Request, collection_id: int, name: str) -> Response:
    user, accounts = _owned(request, collection_id)
    _valid(accounts.share, user, collection_id, name)
    return Response(status_code=204)


@router.delete("/collections/{collection_id}/shares/{name}", status_code=204)
def unshare(request: Request, collection_id: int, name: str) -> Response:
    user, accounts = _owned(request, collection_id)
    accounts.unshare(user, collection_id, name)
    return Response(status_code=204)


@router.get("/collections/{collection_id}/export")
def export_collection(
    request: Request, collection_id: int, format: Literal["jsonl", "csv"] = "jsonl"
) -> StreamingResponse:
    """The collection's cables (full records, no raw text) as JSON Lines or CSV."""
    found = _accounts(request).collection(_reader(request), collection_id)
    if found is None:
        raise ApiError(404, NOT_FOUND_COLLECTION)
    return exporting.download(request.app.state.stores.db, found, format)


__all__ = ["router"]
