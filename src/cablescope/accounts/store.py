"""`AccountStore`: users, tokens, sessions, notes, tags and collections, one interface over
two backends (`sqlite`, `postgres`) that share every rule here and differ only in how they
connect and run a statement.

The tables sit in the archive's database, named ``account_*``, apart from everything the
machine writes: ingest and re-ingest never touch them. Secrets (session ids, API tokens)
are random and stored only as SHA-256 hashes, so a copy of the database opens no session.
Every method that reads or changes a user's things takes that user and looks only at rows
they own (or, for a collection, rows shared with them): permission is part of each query.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from argon2 import PasswordHasher

from cablescope.accounts import passwords
from cablescope.accounts.model import (
    MAX_COLLECTION_NAME,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_TAG,
    Collection,
    Note,
    Session,
    Token,
    User,
    clean_text,
    user_name,
)

Clock = Callable[[], float]
Row = tuple[Any, ...]
#: Prefix of API tokens, so a leaked one is recognisable (e.g. by secret scanners).
TOKEN_PREFIX = "cst_"
#: A session's or token's last use is written at most this often (seconds).
TOUCH_EVERY = 60.0

#: The tables, with {id} the dialect's auto-numbered key and {time} its float type.
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS account_users (id {id}, name TEXT NOT NULL UNIQUE, "
    "password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0, "
    "created_at {time} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS account_tokens (id {id}, "
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_at {time} NOT NULL, "
    "last_used_at {time})",
    "CREATE TABLE IF NOT EXISTS account_sessions (id_hash TEXT PRIMARY KEY, "
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "csrf TEXT NOT NULL, created_at {time} NOT NULL, seen_at {time} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS account_notes (id {id}, "
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "cable_id TEXT NOT NULL, paragraph INTEGER, text TEXT NOT NULL, "
    "created_at {time} NOT NULL, updated_at {time} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS account_notes_by_cable ON account_notes (user_id, cable_id)",
    "CREATE TABLE IF NOT EXISTS account_tags ("
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "cable_id TEXT NOT NULL, tag TEXT NOT NULL, created_at {time} NOT NULL, "
    "PRIMARY KEY (user_id, cable_id, tag))",
    "CREATE TABLE IF NOT EXISTS account_collections (id {id}, "
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "name TEXT NOT NULL, description TEXT NOT NULL, created_at {time} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS account_collection_items (id {id}, "
    "collection_id BIGINT NOT NULL REFERENCES account_collections(id) ON DELETE CASCADE, "
    "cable_id TEXT NOT NULL, added_at {time} NOT NULL, UNIQUE (collection_id, cable_id))",
    "CREATE TABLE IF NOT EXISTS account_shares ("
    "collection_id BIGINT NOT NULL REFERENCES account_collections(id) ON DELETE CASCADE, "
    "user_id BIGINT NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, "
    "PRIMARY KEY (collection_id, user_id))",
)


def digest(secret: str) -> str:
    """What is stored for a session id or token: its SHA-256, hex (the secret has 256 bits
    of randomness, so a fast hash is enough: nothing to guess)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lives: `idle` seconds without a request, and `lifetime` seconds
    from login whatever the activity."""

    idle: float = 2 * 3600.0
    lifetime: float = 12 * 3600.0


_USER = "SELECT id, name, is_admin, created_at FROM account_users"
_NOTE = "SELECT id, cable_id, paragraph, text, created_at, updated_at FROM account_notes"
_COLLECTION = (
    "SELECT c.id, u.name, c.name, c.description, c.created_at, c.user_id FROM "
    "account_collections c JOIN account_users u ON u.id = c.user_id"
)
#: A collection the user may read: theirs, or shared with them (two user-id parameters).
_READABLE = (
    "(c.user_id = ? OR EXISTS (SELECT 1 FROM account_shares s "
    "WHERE s.collection_id = c.id AND s.user_id = ?))"
)


def _user(row: Row) -> User:
    return User(int(row[0]), str(row[1]), bool(row[2]), float(row[3]))


def _note(row: Row) -> Note:
    paragraph = None if row[2] is None else int(row[2])
    return Note(int(row[0]), row[1], paragraph, row[3], float(row[4]), float(row[5]))


class AccountStore(ABC):
    """Users and what they keep, in one database. Thread-safe: a backend runs one
    transaction at a time on its one connection."""

    def __init__(
        self,
        *,
        hasher: PasswordHasher | None = None,
        clock: Clock | None = None,
        policy: SessionPolicy | None = None,
    ) -> None:
        self.hasher = hasher or passwords.DEFAULT_HASHER
        self.clock: Clock = clock or time.time
        self.policy = policy or SessionPolicy()
        self._dummy_hash: str | None = None

    # -- what a backend provides -------------------------------------------------------------
    @abstractmethod
    def transaction(self, write: bool = False) -> AbstractContextManager[Any]:
        """One transaction (serialised with every other of this store); `write` when it
        changes something (SQLite then takes the write lock at once)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement (``?`` placeholders) inside the current transaction; its rows."""

    @abstractmethod
    def close(self) -> None: ...

    def _create_schema(self, id_type: str, time_type: str) -> None:
        with self.transaction(write=True):
            for statement in SCHEMA:
                self._execute(statement.format(id=id_type, time=time_type))

    def __enter__(self) -> AccountStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._execute(sql, params)
        return rows[0] if rows else None

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, name: str, password: str, *, admin: bool = False) -> User:
        """A new account; ValueError for a bad name or password, or a name taken."""
        name = user_name(name)
        passwords.check_password(password)
        hashed = passwords.hash_password(password, self.hasher)
        with self.transaction(write=True):
            if self._one("SELECT 1 FROM account_users WHERE name = ?", (name,)):
                raise ValueError(f"there is already a user {name!r}")
            row = self._one(
                "INSERT INTO account_users (name, password_hash, is_admin, created_at) "
                "VALUES (?, ?, ?, ?) RETURNING id, name, is_admin, created_at",
                (name, hashed, int(admin), self.clock()),
            )
        assert row is not None
        return _user(row)

    def users(self) -> list[User]:
        with self.transaction():
            return [_user(row) for row in self._execute(f"{_USER} ORDER BY name")]

    def user(self, name: str) -> User | None:
        with self.transaction():
            row = self._one(f"{_USER} WHERE name = ?", (name.strip().lower(),))
        return None if row is None else _user(row)

    def remove_user(self, name: str) -> bool:
        """Delete the account and everything it kept (notes, tags, collections, tokens)."""
        with self.transaction(write=True):
            rows = self._execute(
                "DELETE FROM account_users WHERE name = ? RETURNING id", (name.strip().lower(),)
            )
        return bool(rows)

    def set_password(self, name: str, password: str) -> bool:
        """Change the password and end the user's sessions (tokens stay valid)."""
        passwords.check_password(password)
        hashed = passwords.hash_password(password, self.hasher)
        with self.transaction(write=True):
            row = self._one(
                "UPDATE account_users SET password_hash = ? WHERE name = ? RETURNING id",
                (hashed, name.strip().lower()),
            )
            if row is not None:
                self._execute("DELETE FROM account_sessions WHERE user_id = ?", (row[0],))
        return row is not None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if `password` is theirs, else None — unknown names cost the same hash
        check, so the answer's timing does not tell whether the account exists."""
        with self.transaction():
            row = self._one(
                "SELECT id, name, is_admin, created_at, password_hash FROM account_users "
                "WHERE name = ?",
                (name.strip().lower(),),
            )
        if row is None:
            passwords.verify_password(self._dummy(), password, self.hasher)
            return None
        stored = str(row[4])
        if not passwords.verify_password(stored, password, self.hasher):
            return None
        if passwords.needs_rehash(stored, self.hasher):
            with self.transaction(write=True):
                self._execute(
                    "UPDATE account_users SET password_hash = ? WHERE id = ?",
                    (passwords.hash_password(password, self.hasher), row[0]),
                )
        return _user(row[:4])

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = passwords.hash_password(secrets.token_hex(16), self.hasher)
        return self._dummy_hash

    # -- API tokens ----------------------------------------------------------------------------
    def create_token(self, name: str, label: str = "") -> tuple[str, Token]:
        """A new API token for user `name`: the secret (shown once, never stored) and its
        record. ValueError when there is no such user."""
        label = label.strip()[:200]
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        with self.transaction(write=True):
            user = self._one("SELECT id, name FROM account_users WHERE name = ?", (name.lower(),))
            if user is None:
                raise ValueError(f"no user {name!r}")
            row = self._one(
                "INSERT INTO account_tokens (user_id, token_hash, label, created_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (user[0], digest(secret), label, now),
            )
        assert row is not None
        return secret, Token(int(row[0]), str(user[1]), label, now, None)

    def tokens(self, name: str | None = None) -> list[Token]:
        """Every token (of user `name` only, if given), oldest first."""
        sql = (
            "SELECT t.id, u.name, t.label, t.created_at, t.last_used_at FROM account_tokens t "
            "JOIN account_users u ON u.id = t.user_id"
        )
        params: tuple[Any, ...] = ()
        if name is not None:
            sql += " WHERE u.name = ?"
            params = (name.strip().lower(),)
        with self.transaction():
            rows = self._execute(sql + " ORDER BY t.id", params)
        return [
            Token(int(r[0]), r[1], r[2], float(r[3]), None if r[4] is None else float(r[4]))
            for r in rows
        ]

    def revoke_token(self, token_id: int, name: str | None = None) -> bool:
        """Delete a token (only one of user `name`'s, if given); whether one was deleted."""
        sql = "DELETE FROM account_tokens WHERE id = ?"
        params: tuple[Any, ...] = (token_id,)
        if name is not None:
            sql += " AND user_id = (SELECT id FROM account_users WHERE name = ?)"
            params = (token_id, name.strip().lower())
        with self.transaction(write=True):
            return bool(self._execute(sql + " RETURNING id", params))

    def user_for_token(self, secret: str) -> User | None:
        """The user an API token belongs to; None for an unknown or revoked token."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self.transaction():
            row = self._one(
                "SELECT u.id, u.name, u.is_admin, u.created_at, t.id, t.last_used_at "
                "FROM account_tokens t JOIN account_users u ON u.id = t.user_id "
                "WHERE t.token_hash = ?",
                (digest(secret),),
            )
        if row is None:
            return None
        now = self.clock()
        if row[5] is None or now - float(row[5]) >= TOUCH_EVERY:
            with self.transaction(write=True):
                self._execute(
                    "UPDATE account_tokens SET last_used_at = ? WHERE id = ?", (now, row[4])
                )
        return _user(row[:4])

    # -- browser sessions ----------------------------------------------------------------------
    def start_session(self, user: User) -> tuple[str, Session]:
        """A new session for `user`: its id (for the cookie; stored only hashed) and record.
        Expired sessions of anyone are cleared on the way."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.clock()
        with self.transaction(write=True):
            self._execute(
                "DELETE FROM account_sessions WHERE seen_at < ? OR created_at < ?",
                (now - self.policy.idle, now - self.policy.lifetime),
            )
            self._execute(
                "INSERT INTO account_sessions (id_hash, user_id, csrf, created_at, seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest(session_id), user.id, csrf, now, now),
            )
        return session_id, Session(user, csrf, now, now)

    def session(self, session_id: str) -> Session | None:
        """The live session with this id, its idle time reset; None when unknown or expired
        (idle too long, or older than the lifetime), and an expired one is deleted."""
        key = digest(session_id)
        with self.transaction():
            row = self._one(
                "SELECT u.id, u.name, u.is_admin, u.created_at, s.csrf, s.created_at, s.seen_at "
                "FROM account_sessions s JOIN account_users u ON u.id = s.user_id "
                "WHERE s.id_hash = ?",
                (key,),
            )
        if row is None:
            return None
        now = self.clock()
        created, seen = float(row[5]), float(row[6])
        if now - seen > self.policy.idle or now - created > self.policy.lifetime:
            self.end_session(session_id)
            return None
        if now - seen >= TOUCH_EVERY:
            with self.transaction(write=True):
                self._execute(
                    "UPDATE account_sessions SET seen_at = ? WHERE id_hash = ?", (now, key)
                )
            seen = now
        return Session(_user(row[:4]), str(row[4]), created, seen)

    def end_session(self, session_id: str) -> None:
        with self.transaction(write=True):
            self._execute("DELETE FROM account_sessions WHERE id_hash = ?", (digest(session_id),))

    # -- notes ---------------------------------------------------------------------------------
    def add_note(self, user: User, cable_id: str, text: str, paragraph: int | None = None) -> Note:
        text = clean_text(text, MAX_NOTE, "note", multiline=True)
        now = self.clock()
        with self.transaction(write=True):
            row = self._one(
                "INSERT INTO account_notes (user_id, cable_id, paragraph, text, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (user.id, cable_id, paragraph, text, now, now),
            )
        assert row is not None
        return Note(int(row[0]), cable_id, paragraph, text, now, now)

    def note(self, user: User, note_id: int) -> Note | None:
        """The note if it is `user`'s, else None (someone else's is as good as missing)."""
        with self.transaction():
            row = self._one(f"{_NOTE} WHERE id = ? AND user_id = ?", (note_id, user.id))
        return None if row is None else _note(row)

    def notes(self, user: User, cable_id: str | None = None) -> list[Note]:
        """`user`'s notes (on one cable, if given): by cable, cable notes before paragraph
        notes, then in the order written."""
        sql, params = f"{_NOTE} WHERE user_id = ?", [user.id]
        if cable_id is not None:
            sql += " AND cable_id = ?"
            params.append(cable_id)
        sql += " ORDER BY cable_id, COALESCE(paragraph, -1), id"
        with self.transaction():
            return [_note(row) for row in self._execute(sql, params)]

    def update_note(self, user: User, note_id: int, text: str) -> Note | None:
        text = clean_text(text, MAX_NOTE, "note", multiline=True)
        with self.transaction(write=True):
            row = self._one(
                "UPDATE account_notes SET text = ?, updated_at = ? WHERE id = ? AND user_id = ? "
                "RETURNING id, cable_id, paragraph, text, created_at, updated_at",
                (text, self.clock(), note_id, user.id),
            )
        return None if row is None else _note(row)

    def delete_note(self, user: User, note_id: int) -> bool:
        with self.transaction(write=True):
            return bool(
                self._execute(
                    "DELETE FROM account_notes WHERE id = ? AND user_id = ? RETURNING id",
                    (note_id, user.id),
                )
            )

    # -- tags ----------------------------------------------------------------------------------
    def add_tag(self, user: User, cable_id: str, tag: str) -> str:
        """Label a cable with one of `user`'s own tags; the tag as stored."""
        tag = clean_text(tag, MAX_TAG, "tag")
        with self.transaction(write=True):
            self._execute(
                "INSERT INTO account_tags (user_id, cable_id, tag, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (user.id, cable_id, tag, self.clock()),
            )
        return tag

    def remove_tag(self, user: User, cable_id: str, tag: str) -> bool:
        with self.transaction(write=True):
            return bool(
                self._execute(
                    "DELETE FROM account_tags WHERE user_id = ? AND cable_id = ? AND tag = ? "
                    "RETURNING tag",
                    (user.id, cable_id, tag.strip()),
                )
            )

    def tags(
        self, user: User, cable_id: str | None = None, tag: str | None = None
    ) -> list[tuple[str, str]]:
        """`user`'s (cable id, tag) pairs, optionally of one cable or one tag, sorted."""
        sql, params = "SELECT cable_id, tag FROM account_tags WHERE user_id = ?", [user.id]
        if cable_id is not None:
            sql += " AND cable_id = ?"
            params.append(cable_id)
        if tag is not None:
            sql += " AND tag = ?"
            params.append(tag.strip())
        with self.transaction():
            rows = self._execute(sql + " ORDER BY tag, cable_id", params)
        return [(str(r[0]), str(r[1])) for r in rows]

    # -- collections ---------------------------------------------------------------------------
    def create_collection(self, user: User, name: str, description: str = "") -> Collection:
        name = clean_text(name, MAX_COLLECTION_NAME, "collection name")
        description = description.strip()
        if description:
            description = clean_text(description, MAX_DESCRIPTION, "description", multiline=True)
        now = self.clock()
        with self.transaction(write=True):
            row = self._one(
                "INSERT INTO account_collections (user_id, name, description, created_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (user.id, name, description, now),
            )
        assert row is not None
        return Collection(int(row[0]), user.name, name, description, now, True)

    def collection(self, user: User, collection_id: int) -> Collection | None:
        """The collection, with its cables, if `user` owns it or it is shared with them."""
        with self.transaction():
            row = self._one(
                f"{_COLLECTION} WHERE c.id = ? AND {_READABLE}",
                (collection_id, user.id, user.id),
            )
            if row is None:
                return None
            return self._filled(row, user)

    def collections(self, user: User) -> list[Collection]:
        """`user`'s own collections, then those shared with them, each by name."""
        with self.transaction():
            rows = self._execute(
                f"{_COLLECTION} WHERE {_READABLE} ORDER BY c.user_id <> ?, c.name, c.id",
                (user.id, user.id, user.id),
            )
            return [self._filled(row, user) for row in rows]

    def _filled(self, row: Row, user: User) -> Collection:
        items = self._execute(
            "SELECT cable_id FROM account_collection_items WHERE collection_id = ? ORDER BY id",
            (row[0],),
        )
        shared = self._execute(
            "SELECT u.name FROM account_shares s JOIN account_users u ON u.id = s.user_id "
            "WHERE s.collection_id = ? ORDER BY u.name",
            (row[0],),
        )
        return Collection(
            int(row[0]),
            str(row[1]),
            str(row[2]),
            str(row[3]),
            float(row[4]),
            int(row[5]) == user.id,
            [str(r[0]) for r in items],
            [str(r[0]) for r in shared],
        )

    def _owned(self, user: User, collection_id: int) -> bool:
        return bool(
            self._one(
                "SELECT 1 FROM account_collections WHERE id = ? AND user_id = ?",
                (collection_id, user.id),
            )
        )

    def update_collection(
        self,
        user: User,
        collection_id: int,
        name: str | None = None,
        description: str | None = None,
    ) -> bool:
        """Rename or redescribe `user`'s collection; False when it is not theirs."""
        sets: list[str] = []
        params: list[Any] = []
        if name is not None:
            sets.append("name = ?")
            params.append(clean_text(name, MAX_COLLECTION_NAME, "collection name"))
        if description is not None:
            text = description.strip()
            sets.append("description = ?")
            params.append(
                clean_text(text, MAX_DESCRIPTION, "description", multiline=True) if text else ""
            )
        with self.transaction(write=True):
            if not sets:
                return self._owned(user, collection_id)
            return bool(
                self._execute(
                    f"UPDATE account_collections SET {', '.join(sets)} "
                    "WHERE id = ? AND user_id = ? RETURNING id",
                    [*params, collection_id, user.id],
                )
            )

    def delete_collection(self, user: User, collection_id: int) -> bool:
        with self.transaction(write=True):
            return bool(
                self._execute(
                    "DELETE FROM account_collections WHERE id = ? AND user_id = ? RETURNING id",
                    (collection_id, user.id),
                )
            )

    def add_item(self, user: User, collection_id: int, cable_id: str) -> bool:
        """Put a cable in `user`'s collection (again: no change); False when not theirs."""
        with self.transaction(write=True):
            if not self._owned(user, collection_id):
                return False
            self._execute(
                "INSERT INTO account_collection_items (collection_id, cable_id, added_at) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (collection_id, cable_id, self.clock()),
            )
        return True

    def remove_item(self, user: User, collection_id: int, cable_id: str) -> bool:
        with self.transaction(write=True):
            if not self._owned(user, collection_id):
                return False
            self._execute(
                "DELETE FROM account_collection_items WHERE collection_id = ? AND cable_id = ?",
                (collection_id, cable_id),
            )
        return True

    def share(self, user: User, collection_id: int, with_name: str) -> bool:
        """Let user `with_name` read `user`'s collection; False when it is not theirs,
        ValueError when there is no such user (or it is the owner)."""
        with self.transaction(write=True):
            if not self._owned(user, collection_id):
                return False
            other = self._one(
                "SELECT id FROM account_users WHERE name = ?", (with_name.strip().lower(),)
            )
            if other is None:
                raise ValueError(f"no user {with_name.strip()!r}")
            if int(other[0]) == user.id:
                raise ValueError("a collection is always readable by its owner")
            self._execute(
                "INSERT INTO account_shares (collection_id, user_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                (collection_id, other[0]),
            )
        return True

    def unshare(self, user: User, collection_id: int, with_name: str) -> bool:
        with self.transaction(write=True):
            if not self._owned(user, collection_id):
                return False
            self._execute(
                "DELETE FROM account_shares WHERE collection_id = ? AND user_id = "
                "(SELECT id FROM account_users WHERE name = ?)",
                (collection_id, with_name.strip().lower()),
            )
        return True

    def table_rows(self) -> list[tuple[str, Row]]:
        """Every row of every account table, for tests and audits (secrets are hashes)."""
        tables = [s.split()[5] for s in SCHEMA if s.startswith("CREATE TABLE")]
        with self.transaction():
            return [
                (table, tuple(row))
                for table in tables
                for row in self._execute(f"SELECT * FROM {table}")
            ]


__all__ = ["SCHEMA", "TOKEN_PREFIX", "AccountStore", "Clock", "SessionPolicy", "digest"]
