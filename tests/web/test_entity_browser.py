"""The network view and an entity page in a real headless Chromium (Debian's ``chromium``
through Playwright) against a real uvicorn server: graph.js draws the query's network
under the site's CSP with no script error, and clicking a node opens its entity page.

Skips when Chromium or Playwright is missing, except under ``CI=true``, where that fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CABLESCOPE_ARTIFACTS", REPO / "build" / "artifacts"))


@pytest.fixture(scope="module")
def server(archive: Any, chromium_launch: dict[str, Any], serve: Any) -> Iterator[str]:
    with serve(archive.db) as url:
        yield url


@pytest.fixture
def page(server: str, chromium_launch: dict[str, Any]) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch)
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
