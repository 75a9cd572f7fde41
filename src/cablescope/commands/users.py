"""`cablescope user add|list|remove|passwd` and `cablescope user token create|list|revoke`:
the team server's accounts, kept in the archive's database (`cablescope.accounts`).

Passwords come from a hidden prompt (typed twice) or, for scripts, one line on standard
input (``--password-stdin``): never from an argument, which other users could read in the
process list. A new API token is printed once, on standard output, and stored only hashed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cablescope.accounts import AccountStore, open_accounts
from cablescope.accounts.model import iso
from cablescope.cli import DbOption, _stderr_console, app, archive_or_exit
from cablescope.errors import StoreError
from cablescope.store import DEFAULT_DB

user_app = typer.Typer(
    help="Accounts of the team server (cablescope serve): users and their API tokens.",
    no_args_is_help=True,
)
token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
user_app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")

Name = Annotated[str, typer.Argument(help="The user name (letters, digits, '.', '-', '_').")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _fail(message: str) -> typer.Exit:
    _stderr_console().print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(1)


@contextmanager
def _accounts(db: str) -> Iterator[AccountStore]:
    """The archive's account store; any failure to open or use it is one line and exit 1."""
    archive_or_exit(db, _stderr_console())
    try:
        with open_accounts(db) as accounts:
            yield accounts
    except (StoreError, FileNotFoundError, OSError) as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # a database error: one line, never a traceback
        if isinstance(exc, typer.Exit):
            raise
        raise _fail(f"{type(exc).__name__}: {exc}") from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _fail("no password on standard input")
        return line.rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add", epilog="Exit status: 0, or 1 when the name is taken or invalid.")
def add_command(
    name: Name,
    db: DbOption = DEFAULT_DB,
    admin: Annotated[bool, typer.Option("--admin", help="An administrator.")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Make an account (the password is asked for, or read with --password-stdin)."""
    password = _password(password_stdin)
    with _accounts(db) as accounts:
        user = accounts.add_user(name, password, admin=admin)
    _stderr_console().print(f"added user {escape(user.name)}" + (" (admin)" if admin else ""))


@user_app.command("list")
def list_command(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """Every account: name, admin or not, when made."""
    with _accounts(db) as accounts:
        users = accounts.users()
    if as_json:
        typer.echo(json.dumps([u.to_dict() for u in users], ensure_ascii=False))
        return
    table = Table("name", "admin", "created")
    for user in users:
        table.add_row(user.name, "yes" if user.is_admin else "", iso(user.created_at) or "")
    from rich.console import Console

    Console(highlight=False).print(table)


@user_app.command("remove", epilog="Exit status: 0, or 1 when there is no such user.")
def remove_command(name: Name, db: DbOption = DEFAULT_DB) -> None:
    """Delete an account and everything it kept: notes, tags, collections, tokens."""
    with _accounts(db) as accounts:
        removed = accounts.remove_user(name)
    if not removed:
        raise _fail(f"no user {name!r}")
    _stderr_console().print(f"removed user {escape(name)}")


@user_app.command("passwd", epilog="Exit status: 0, or 1 when there is no such user.")
def passwd_command(
    name: Name, db: DbOption = DEFAULT_DB, password_stdin: PasswordStdin = False
) -> None:
    """Set a new password (the user's browser sessions end; API tokens stay valid)."""
    password = _password(password_stdin)
    with _accounts(db) as accounts:
        changed = accounts.set_password(name, password)
    if not changed:
        raise _fail(f"no user {name!r}")
    _stderr_console().print(f"password changed for {escape(name)}")


@token_app.command("create", epilog="Exit status: 0, or 1 when there is no such user.")
def token_create_command(
    name: Name,
    db: DbOption = DEFAULT_DB,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:
    """Make an API token for a user and print it (it is shown this once only)."""
    with _accounts(db) as accounts:
        secret, token = accounts.create_token(name, label)
    typer.echo(secret)
    _stderr_console().print(
        f"token {token.id} for {escape(token.user)}: keep it now, it cannot be shown again"
    )


@token_app.command("list")
def token_list_command(
    name: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """API tokens (never their secrets): id, user, label, made, last used."""
    with _accounts(db) as accounts:
        tokens = accounts.tokens(name)
    if as_json:
        typer.echo(json.dumps([t.to_dict() for t in tokens], ensure_ascii=False))
        return
    table = Table("id", "user", "label", "created", "last used")
    for t in tokens:
        table.add_row(
            str(t.id), t.user, t.label, iso(t.created_at) or "", iso(t.last_used_at) or ""
        )
    from rich.console import Console

    Console(highlight=False).print(table)


@token_app.command("revoke", epilog="Exit status: 0, or 1 when there is no such token.")
def token_revoke_command(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `user token list`).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke an API token: requests bearing it get 401 from now on."""
    with _accounts(db) as accounts:
        revoked = accounts.revoke_token(token_id)
    if not revoked:
        raise _fail(f"no token {token_id}")
    _stderr_console().print(f"revoked token {token_id}")


__all__ = ["token_app", "user_app"]
