"""`cablescope serve`: refuses a missing archive, and serves a real one over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from cablescope.cli import app
from cablescope.commands.serve import url_of

from .conftest import Archive


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(app, ["serve", "--db", str(missing), "--port", "9"])
    assert result.exit_code == 1
    assert "no archive" in result.stderr and "none.db" in result.stderr
    assert not missing.exists()  # read-only: nothing created


def test_serve_refuses_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all\n" * 100)
    result = CliRunner().invoke(app, ["serve", "--db", str(junk)])
    assert result.exit_code == 1 and "cannot open" in result.stderr


def test_url_of() -> None:
    assert url_of("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert url_of("::1", 80) == "http://[::1]:80/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_server_answers_over_http(seeds_archive: Archive) -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from cablescope.cli import app; app()", "serve"]
    process = subprocess.Popen(
        [*command, "--db", str(seeds_archive.path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        response = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(f"{base}/api/v1/stats", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response is not None, "the server did not come up"
        assert response.status_code == 200
        assert response.json()["cables"] == len(seeds_archive.current)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "server" not in response.headers
        rebound = httpx.get(f"{base}/api/v1/stats", headers={"host": "evil.example"}, timeout=5)
        assert rebound.status_code == 400
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
