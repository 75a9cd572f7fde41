"""What the account, admin and login tests share: a settable clock and same-site form posts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from cablescope.accounts import open_accounts

#: The Origin header of a form posted from this site's own pages.
SAME_SITE = {"origin": "http://testserver"}


class Clock:
    """A clock the test moves by hand (sessions, lockouts)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def csrf_of(client: TestClient, path: str = "/me/notes") -> str:
    """The session's CSRF token, as the page at `path` embeds it in its forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def post_form(client: TestClient, path: str, **form: str):
    """POST `form` from this site, without following the redirect."""
    return client.post(path, data=form, headers=SAME_SITE, follow_redirects=False)


def archive_with_accounts(
    archive_db: str | Path, path: Path, hasher: PasswordHasher, *users: str
) -> str:
    """A copy of the web archive at `path` with the administrator root and `users`, each
    with the password ``<name>-password``."""
    shutil.copy(archive_db, path)
    with open_accounts(path, hasher=hasher) as accounts:
        accounts.add_user("root", "root-password", admin=True)
        for name in users:
            accounts.add_user(name, f"{name}-password")
    return str(path)
