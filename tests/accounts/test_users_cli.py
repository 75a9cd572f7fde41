"""`cablescope user …` and `cablescope user token …` on a real archive file: accounts the
server then accepts, tokens printed once and stored hashed, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.accounts import open_accounts
from cablescope.cli import app
from cablescope.store import open_store


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("users-cli") / "seeds.db"
    with open_store(db) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
    return db


@pytest.fixture
def db(seeds_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "archive.db"
    shutil.copy(seeds_db, path)
    return str(path)


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_add_list_passwd_remove(db: str) -> None:
    code, _, err = _run("user", "add", "Alice", "--admin", "--password-stdin", "--db", db,
                        stdin="first-password\n")  # fmt: skip
    assert code == 0, err
    assert _run("user", "add", "bob", "--db", db, stdin="bob-password\nbob-password\n")[0] == 0
    code, out, _ = _run("user", "list", "--json", "--db", db)
    assert code == 0
    assert [(u["name"], u["admin"]) for u in json.loads(out)] == [("alice", True), ("bob", False)]
    with open_accounts(db) as accounts:
        assert accounts.authenticate("alice", "first-password") is not None
        assert accounts.authenticate("bob", "bob-password") is not None
    code, _, err = _run("user", "passwd", "alice", "--password-stdin", "--db", db,
                        stdin="second-password\n")  # fmt: skip
    assert code == 0, err
    with open_accounts(db) as accounts:
        assert accounts.authenticate("alice", "first-password") is None
        assert accounts.authenticate("alice", "second-password") is not None
    assert _run("user", "remove", "bob", "--db", db)[0] == 0
    code, out, _ = _run("user", "list", "--json", "--db", db)
    assert [u["name"] for u in json.loads(out)] == ["alice"]


def test_tokens(db: str) -> None:
    _run("user", "add", "alice", "--password-stdin", "--db", db, stdin="alice-password\n")
    code, out, err = _run("user", "token", "create", "alice", "--label", "ci", "--db", db)
    assert code == 0, err
    secret = out.strip()
    assert "cannot be shown again" in err and secret not in err
    with open_accounts(db) as accounts:
        user = accounts.user_for_token(secret)
        assert user is not None and user.name == "alice"
    code, out, _ = _run("user", "token", "list", "--json", "--db", db)
    listed = json.loads(out)
    assert [(t["user"], t["label"]) for t in listed] == [("alice", "ci")]
    assert secret not in out
    assert _run("user", "token", "revoke", str(listed[0]["id"]), "--db", db)[0] == 0
    with open_accounts(db) as accounts:
        assert accounts.user_for_token(secret) is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("user", "add", "alice", "--password-stdin"), "short\n", "at least"),
        (("user", "add", "bad name", "--password-stdin"), "long-password\n", "user name"),
        (("user", "add", "alice", "--password-stdin"), "", "no password"),
        (("user", "remove", "nobody"), None, "no user"),
        (("user", "passwd", "nobody", "--password-stdin"), "long-password\n", "no user"),
        (("user", "token", "create", "nobody"), None, "no user"),
        (("user", "token", "revoke", "99"), None, "no token"),
    ],
)
def test_errors_are_one_line(
    db: str, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    code, out, err = _run(*args, "--db", db, stdin=stdin)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_taken_name_and_missing_archive(db: str, tmp_path: Path) -> None:
    _run("user", "add", "alice", "--password-stdin", "--db", db, stdin="alice-password\n")
    code, _, err = _run("user", "add", "ALICE", "--password-stdin", "--db", db,
                        stdin="other-password\n")  # fmt: skip
    assert code == 1 and "already" in err
    missing = tmp_path / "none.db"
    code, _, err = _run("user", "list", "--db", str(missing))
    assert code == 1 and "no archive" in err and not missing.exists()
