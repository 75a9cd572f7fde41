"""An archive's accounts seen from a test, past the server: who exists, which password works."""

from __future__ import annotations

from argon2 import PasswordHasher

from cablescope.accounts import open_accounts


def users_of(db: str, hasher: PasswordHasher) -> dict[str, bool]:
    """Every account's name and whether it is an administrator."""
    with open_accounts(db, hasher=hasher) as accounts:
        return {user.name: user.is_admin for user in accounts.users()}


def password_works(db: str, name: str, password: str, hasher: PasswordHasher) -> bool:
    with open_accounts(db, hasher=hasher) as accounts:
        return accounts.authenticate(name, password) is not None
