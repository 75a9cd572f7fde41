"""Backups of an archive, and restoring one: a consistent copy taken while readers and writers
carry on, in each backend's own format.

* SQLite: SQLite's online backup API writes a plain database file, itself an archive any
  command opens (``cablescope search --db backup.db``).
* PostgreSQL: ``pg_dump --format=custom`` (one snapshot), restored with ``pg_restore``; both
  from the PostgreSQL client programs (Debian's ``postgresql-client``).

Restoring needs an empty target (or ``force``): a backup never silently merges into, or
replaces, another archive.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from cablescope.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def is_server(url_or_path: str | os.PathLike[str]) -> bool:
    return os.fspath(url_or_path).startswith(("postgres://", "postgresql://"))


def backup(url_or_path: str | os.PathLike[str], destination: str | os.PathLike[str]) -> int:
    """Write a backup of the archive to `destination` (which must not exist); its size."""
    target = Path(destination)
    if target.exists():
        raise StoreError(f"{target}: already exists; a backup never overwrites a file")
    source = os.fspath(url_or_path)
    if is_server(source):
        _run(_client("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", source)
    else:
        if not Path(source).is_file():
            raise StoreError(f"{source}: no archive to back up")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live:
            with sqlite3.connect(target) as copy:
                live.backup(copy)
            copy.close()
    return target.stat().st_size


def restore(
    backup_file: str | os.PathLike[str], url_or_path: str | os.PathLike[str], *, force: bool = False
) -> None:
    """Restore `backup_file` into the archive at `url_or_path` (empty, or replaced if `force`)."""
    source = Path(backup_file)
    if not source.is_file():
        raise StoreError(f"{source}: no such backup")
    magic = source.read_bytes()[:16]
    target = os.fspath(url_or_path)
    if is_server(target):
        if not magic.startswith(PG_DUMP_MAGIC):
            raise StoreError(f"{source}: not a PostgreSQL backup (pg_dump custom format)")
        if not force and _pg_has_archive(target):
            raise StoreError(f"{_public(target)}: holds an archive already; use --force")
        _run(
            _client("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--dbname",
            target,
            str(source),
        )
        return
    if not magic.startswith(SQLITE_MAGIC):
        raise StoreError(f"{source}: not a SQLite backup")
    destination = Path(target)
    if destination.exists() and not force:
        raise StoreError(f"{destination}: exists already; use --force to replace it")
    for suffix in ("-wal", "-shm"):
        Path(f"{destination}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as saved:
        with sqlite3.connect(destination) as live:
            saved.backup(live)
        live.close()


def _pg_has_archive(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as connection:
        found = connection.execute("SELECT to_regclass('versions') IS NOT NULL").fetchone()
    return bool(found and found[0])


def _public(url: str) -> str:
    """A URL without its password, for messages."""
    head, at, tail = url.partition("@")
    if not at or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, user = head.partition("//")
    return f"{scheme}//{user.split(':', 1)[0]}@{tail}"


def _client(program: str) -> str:
    """The newest PostgreSQL client program of that name (it must be as new as the server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(program)
    if not found:
        raise StoreError(
            f"{program} not found: install the PostgreSQL client programs (postgresql-client)"
        )
    return found


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise StoreError(f"{Path(command[0]).name} failed: {message[-1] if message else done}")


__all__ = ["backup", "restore"]
