"""`cablescope backup` and `cablescope restore`: a consistent copy of an archive, taken while
it is in use, and the archive brought back from one (`cablescope.store.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cablescope.cli import DbOption, _stderr_console, app
from cablescope.errors import StoreError
from cablescope.store import DEFAULT_DB


@app.command("backup", epilog="Exit status: 0, or 1 when the archive or the copy fails.")
def backup_command(
    destination: Annotated[Path, typer.Argument(help="The backup file to write (must be new).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Copy the archive to a backup file: a SQLite database file, or a pg_dump archive for
    PostgreSQL. Readers and writers may carry on meanwhile."""
    from cablescope.store.backup import backup

    err = _stderr_console()
    try:
        size = backup(db, destination)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    err.print(f"backed up to {escape(str(destination))} ({size / 1e6:,.1f} MB)")


@app.command("restore", epilog="Exit status: 0, or 1 when the backup or the target is wrong.")
def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file written by `cablescope backup`.")],
    db: DbOption = DEFAULT_DB,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the archive that is there already.")
    ] = False,
) -> None:
    """Bring an archive back from a backup into --db (a new file or an empty database)."""
    from cablescope.store.backup import restore

    err = _stderr_console()
    try:
        restore(backup_file, db, force=force)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    err.print(f"restored {escape(str(backup_file))} into {escape(str(db))}")
