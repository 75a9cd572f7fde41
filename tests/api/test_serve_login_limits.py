"""`cablescope serve --login-attempts N --login-window MIN`: the options reach the login
form of a real server over HTTP, and nonsense values are refused before it starts."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from cablescope.accounts import open_accounts
from cablescope.cli import app

from .conftest import Archive

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("option", [["--login-attempts", "0"], ["--login-window", "0"]])
def test_nonsense_limits_are_refused(seeds_archive: Archive, option: list[str]) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(seeds_archive.path), *option])
    assert result.exit_code == 2 and option[0] in result.output + result.stderr


def test_the_limits_reach_the_login_form(seeds_archive: Archive, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    shutil.copy(seeds_archive.path, db)
    with open_accounts(db, hasher=HASHER) as accounts:
        accounts.add_user("alice", "alice-password")
    port = _free_port()
    command = [sys.executable, "-c", "from cablescope.cli import app; app()", "serve"]
    options = ["--login-attempts", "2", "--login-window", "1"]
    process = subprocess.Popen(
        [*command, "--db", str(db), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None and time.monotonic() < deadline, "no server"
                try:
                    client.get("/api/v1/stats")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)

            def login(password: str) -> httpx.Response:
                page = client.get("/login")
                token = re.search(r'name="login_token" value="([^"]+)"', page.text)
                assert token is not None
                form = {"login_token": token.group(1), "name": "alice", "password": password}
                return client.post("/login", data=form, headers={"origin": base})

            assert [login("wrong-password").status_code for _ in range(2)] == [401, 401]
            refused = login("alice-password")
            assert refused.status_code == 429 and 50 <= int(refused.headers["retry-after"]) <= 60
    finally:
        process.terminate()
        process.communicate(timeout=30)
