"""The account store in the archive's SQLite file: its own writable connection (the web
app's archive connections are read-only), WAL so readers never wait for it, a busy timeout
for the moments an ingest holds the write lock, and one transaction at a time."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cablescope.accounts.store import AccountStore, Row

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA foreign_keys = ON",
)


class SQLiteAccountStore(AccountStore):
    def __init__(self, path: str, **options: Any) -> None:
        super().__init__(**options)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such archive")
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in _PRAGMAS:
            self.db.execute(pragma)
        self._create_schema("INTEGER PRIMARY KEY AUTOINCREMENT", "REAL")

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[None]:
        with self._lock:
            if self._depth:  # inside another of ours: part of it
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self.db.close()


__all__ = ["SQLiteAccountStore"]
