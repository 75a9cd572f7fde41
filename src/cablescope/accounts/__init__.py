"""Users and what they keep: accounts with Argon2id passwords and API tokens, browser
sessions that expire, private notes on cables and paragraphs, a user's own tags, and
collections of cables shared read-only with named users.

    >>> with open_accounts("cables.db") as accounts:
    ...     alice = accounts.add_user("alice", "a long passphrase")
    ...     accounts.add_note(alice, "08LONDON3062", "check the REF", paragraph=2)

`open_accounts` takes the same file or ``postgresql://`` URL as `open_store`; the tables
live in that database, apart from the archive's (see `store`).
"""

from __future__ import annotations

import os
from typing import Any

from cablescope.accounts.model import Collection, Note, Session, Token, User
from cablescope.accounts.store import AccountStore, SessionPolicy


def open_accounts(url_or_path: str | os.PathLike[str], **options: Any) -> AccountStore:
    """The account store in the archive at a path or URL (which must exist). `options`:
    ``hasher`` (an argon2 `PasswordHasher`), ``clock`` (seconds, for tests), ``policy``
    (a `SessionPolicy`)."""
    target = os.fspath(url_or_path)
    for scheme in ("postgresql:", "postgres:"):
        if target.startswith(scheme + "/") and not target.startswith(scheme + "//"):
            target = scheme + "/" + target[len(scheme) :]
    if target.startswith(("postgres://", "postgresql://")):
        from cablescope.accounts.postgres import PostgresAccountStore

        return PostgresAccountStore(target, **options)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    elif "://" in target:
        raise ValueError(f"unknown store URL scheme: {target.split('://', 1)[0]}")
    from cablescope.accounts.sqlite import SQLiteAccountStore

    return SQLiteAccountStore(target, **options)


__all__ = [
    "AccountStore",
    "Collection",
    "Note",
    "Session",
    "SessionPolicy",
    "Token",
    "User",
    "open_accounts",
]
