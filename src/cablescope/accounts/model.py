"""What users keep: accounts, API tokens, sessions, private notes, tags and collections.

Plain records, as the account stores return them; `to_dict` is the API's JSON shape.
Times are seconds since the epoch (the store's clock), shown as ISO 8601 in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: User names: lower-case letters, digits, dot, dash and underscore (normalised to lower).
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_NOTE = 20_000
MAX_TAG = 64
MAX_COLLECTION_NAME = 200
MAX_DESCRIPTION = 2_000


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def user_name(name: str) -> str:
    """The canonical form of a user name, or ValueError saying what is allowed."""
    canonical = name.strip().lower()
    if not NAME_PATTERN.match(canonical):
        raise ValueError(
            "a user name is 1 to 64 letters, digits, '.', '-' or '_', starting with a "
            "letter or digit"
        )
    return canonical


def clean_text(value: str, limit: int, what: str, *, multiline: bool = False) -> str:
    """`value` stripped, non-empty, at most `limit` characters and free of control
    characters (newlines and tabs allowed where `multiline`); else ValueError."""
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n")
    if not text:
        raise ValueError(f"the {what} is empty")
    if len(text) > limit:
        raise ValueError(f"the {what} has more than {limit} characters")
    allowed = "\n\t" if multiline else ""
    if any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in text):
        raise ValueError(f"the {what} has control characters")
    return text


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "admin": self.is_admin, "created_at": iso(self.created_at)}


@dataclass(frozen=True, slots=True)
class Token:
    id: int
    user: str
    label: str
    created_at: float
    last_used_at: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user,
            "label": self.label,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in browser: its user and the synchronizer token its forms must carry."""

    user: User
    csrf: str
    created_at: float
    seen_at: float


@dataclass(frozen=True, slots=True)
class Note:
    """A private note on a cable, or on one of its paragraphs (`paragraph` set)."""

    id: int
    cable_id: str
    paragraph: int | None
    text: str
    created_at: float
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cable_id": self.cable_id,
            "paragraph": self.paragraph,
            "text": self.text,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass(frozen=True, slots=True)
class Collection:
    """A named set of cables ("cart"), owned by one user and readable by those it is
    shared with. `mine` says whether the asking user owns it (may change it)."""

    id: int
    owner: str
    name: str
    description: str
    created_at: float
    mine: bool
    items: list[str] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "name": self.name,
            "description": self.description,
            "created_at": iso(self.created_at),
            "mine": self.mine,
            "items": list(self.items),
            "shared_with": list(self.shared_with) if self.mine else [],
        }


__all__ = [
    "MAX_COLLECTION_NAME",
    "MAX_DESCRIPTION",
    "MAX_NOTE",
    "MAX_TAG",
    "Collection",
    "Note",
    "Session",
    "Token",
    "User",
    "clean_text",
    "iso",
    "user_name",
]
