"""The network view and an entity page in a real headless Chromium (Debian's ``chromium``
through Playwright) against a real uvicorn server: graph.js draws the query's network
under the site's CSP with no script error, and clicking a node opens its entity page.

Skips when Chromium or Playwright is missing, except under ``CI=true``, where that fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CABLESCOPE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("CABLESCOPE_ARTIFACTS", REPO / "build" / "artifacts"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def _require_browser() -> None:
    missing = [] if CHROMIUM.exists() else [str(CHROMIUM)]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but browser tests need {' and '.join(missing)}")
        pytest.skip(f"browser tests need {' and '.join(missing)}")


@pytest.fixture(scope="module")
def server(archive: Any) -> Iterator[str]:
    _require_browser()
    import uvicorn

    from cablescope.api.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(archive.db), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server: str) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        tab.on(
            "console",
            lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None,
        )
        yield tab, errors
        browser.close()


def test_network_view_draws_and_links(page) -> None:
    tab, errors = page
    tab.goto("/graph?q=pakistan")
    tab.wait_for_selector("figure.network svg g.node")
    nodes = tab.locator("figure.network g.node")
    assert nodes.count() >= 5
    assert tab.locator("figure.network line.edge").count() >= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "entity-network.png"), full_page=True)
    target = tab.locator("figure.network g.node.kind-org").first
    label = target.locator("text").text_content()
    target.locator("circle").click()
    tab.wait_for_url("**/entity/**")
    assert tab.locator("h1").text_content().startswith(label[:10])
    tab.screenshot(path=str(ARTIFACTS / "entity-page.png"), full_page=True)
    assert not errors, errors


def test_references_network_marks_missing_cables(page) -> None:
    tab, errors = page
    tab.goto("/graph?kind=refs")
    tab.wait_for_selector("figure.network svg g.node")
    assert tab.locator("figure.network g.node.missing").count() >= 1
    assert not errors, errors
