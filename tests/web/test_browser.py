"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright; no
browser download) against a real uvicorn server over the test archive: search with a facet,
open a cable, follow references, the clearance toggle, the histogram brush, keyboard use,
a phone-sized screen and the hostile cable. Screenshots go to ``$CABLESCOPE_ARTIFACTS``
(default ``build/artifacts``).

Skips when Chromium or Playwright is missing, except under ``CI=true``, where that fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CABLESCOPE_ARTIFACTS", REPO / "build" / "artifacts"))
XSS_ID = "09MOSCOW123"
CITED_SEED = "08LONDON3062"
SUBJECT = 'QUUXLY <script>window.__xss=1</script> AND <img src=x onerror="window.__xss=2">'
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser(chromium_launch: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**chromium_launch)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(archive: Any, chromium_launch: dict[str, Any], serve: Any) -> Iterator[str]:
    """A real uvicorn server over the test archive; yields its base URL."""
    with serve(archive.db) as url:
        yield url


class Watch:
    """What a page did that it should not: script errors, console errors (a CSP violation
    is one), dialogs (an injected alert would be one)."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "404 (Not Found)" not in message.text:
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _open(browser: Any, server: str, **options: Any) -> tuple[Any, Any, Watch]:
    context = browser.new_context(
        base_url=server, viewport=options.pop("viewport", {"width": 1280, "height": 900}), **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    return context, page, Watch(page)


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[tuple[Any, Watch]]:
    context, page, watch = _open(browser, server)
    yield page, watch
    context.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, watch.dialogs


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


def query_in(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("q", [""])[0]


def stated_total(page: Any) -> int:
    heading = page.locator("#results-h").inner_text()
    match = re.search(r"of ([\d,]+) cable", heading)
    return int(match.group(1).replace(",", "")) if match else 0


# -- the flows ------------------------------------------------------------------------------
def test_search_then_narrow_by_a_facet(page: tuple[Any, Watch]) -> None:
    tab, _ = page
    tab.goto("/")
    tab.fill("#q", "review")
    tab.press("#q", "Enter")
    tab.wait_for_url(re.compile(r"/search\?q=review$"))
    before = stated_total(tab)
    facet = tab.locator('a.facet-link[data-facet="tag"]').first
    tag = facet.get_attribute("data-value")
    count = int(facet.locator("xpath=following-sibling::span[@class='count']").inner_text())
    assert 0 < count < before
    facet.click()
    tab.wait_for_url(re.compile(r"tag%3A" + tag))
    assert query_in(tab.url) == f"review tag:{tag}"
    assert stated_total(tab) == count
    assert tab.input_value("#q") == f"review tag:{tag}"
    assert tab.locator('.facet li.active a[data-facet="tag"]').inner_text().endswith(tag)
    shot(tab, "search.png", full_page=False)
    tab.go_back()  # the URL holds the whole state: back is the previous search
    tab.wait_for_url(re.compile(r"/search\?q=review$"))
    assert tab.input_value("#q") == "review"
    assert stated_total(tab) == before


def test_open_a_cable_and_follow_references_both_ways(page: tuple[Any, Watch]) -> None:
    tab, _ = page
    tab.goto("/search?q=quuxly")
    tab.locator("li.hit h3 a").first.click()
    tab.wait_for_url(re.compile(f"/cable/{XSS_ID}"))
    assert tab.locator("h1").inner_text() == SUBJECT
    tab.locator("a.ref-link", has_text=CITED_SEED).click()  # "cites"
    tab.wait_for_url(re.compile(f"/cable/{CITED_SEED}$"))
    assert "LYALL GRANT" in tab.locator("h1").inner_text()
    tab.locator("a.cited-link", has_text=XSS_ID).click()  # "cited by"
    tab.wait_for_url(re.compile(f"/cable/{XSS_ID}$"))
    tab.go_back()
    tab.wait_for_url(re.compile(f"/cable/{CITED_SEED}$"))


def _visible_paragraphs(tab: Any) -> list[str]:
    return [
        para.get_attribute("id")
        for para in tab.locator(".para").all()
        if para.locator(".para-body").is_visible()
    ]


def test_clearance_toggle_hides_paragraphs_above_the_level(page: tuple[Any, Watch]) -> None:
    tab, _ = page
    tab.goto(f"/cable/{CITED_SEED}")
    everything = _visible_paragraphs(tab)
    assert everything == [f"p{n}" for n in range(1, 10)]
    tab.select_option("#cleared", "CONFIDENTIAL")  # ¶2 and ¶3 are (S)
    assert _visible_paragraphs(tab) == [p for p in everything if p not in ("p2", "p3")]
    assert tab.locator("#p2 .withheld").inner_text() == "¶2 [withheld: SECRET]"
    assert tab.locator("[data-withheld-count]").inner_text() == "2"
    assert "cleared=CONFIDENTIAL" in tab.url  # the URL keeps the state
    assert not tab.locator("details.full-text").is_visible()  # the unfiltered body goes too
    shot(tab, "cable.png")
    tab.select_option("#cleared", "UNCLASSIFIED")
    assert _visible_paragraphs(tab) == ["p9"]
    tab.select_option("#cleared", "")
    assert _visible_paragraphs(tab) == everything
    assert "cleared" not in tab.url
    assert tab.locator("details.full-text").is_visible()


def test_clearance_works_without_javascript(browser: Any, server: str) -> None:
    context, tab, watch = _open(browser, server, java_script_enabled=False)
    try:
        tab.goto(f"/cable/{CITED_SEED}")
        tab.select_option("#cleared", "CONFIDENTIAL")
        tab.click(".clearance button[type=submit]")
        tab.wait_for_url(re.compile(r"cleared=CONFIDENTIAL"))
        assert _visible_paragraphs(tab) == ["p1", "p4", "p5", "p6", "p7", "p8", "p9"]
        assert tab.locator("#p3 .withheld").is_visible()
    finally:
        context.close()
    assert not watch.errors


def test_hostile_cable_renders_as_text(page: tuple[Any, Watch]) -> None:
    tab, watch = page
    for url in (
        f"/cable/{XSS_ID}",
        f"/cable/{XSS_ID}/diff",
        "/search?q=quuxly",
        "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    ):
        tab.goto(url)
        tab.wait_for_load_state("load")
        assert tab.evaluate("typeof window.__xss") == "undefined", url
        assert tab.locator("img").count() == 0, url
    tab.goto(f"/cable/{XSS_ID}")
    assert tab.locator("h1").inner_text() == SUBJECT
    paragraph = tab.locator("#p2 .para-text").inner_text()
    assert '<script>window.__xss=3</script> and <img src=x onerror="window.__xss=4">' in paragraph
    shot(tab, "cable-hostile.png")
    assert not watch.dialogs


def test_brushing_the_histogram_searches_a_date_range(page: tuple[Any, Watch]) -> None:
    tab, _ = page
    tab.goto("/search?q=review")
    buckets = tab.locator("svg.histogram-svg g.bucket")
    names = [b.get_attribute("data-bucket") for b in buckets.all()]
    titles = [b.locator("title").text_content() or "" for b in buckets.all()]
    counts = [int(re.search(r": ([\d,]+)", t).group(1).replace(",", "")) for t in titles]
    first, last = 1, min(len(names) - 1, 8)
    start = buckets.nth(first).locator("rect.hit").bounding_box()
    end = buckets.nth(last).locator("rect.hit").bounding_box()
    tab.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    tab.mouse.down()
    tab.mouse.move(end["x"] + end["width"] / 2, end["y"] + 5, steps=8)
    tab.mouse.up()
    tab.wait_for_url(re.compile(r"date%3A"))
    assert query_in(tab.url) == f"review date:{names[first]}..{names[last]}"
    assert stated_total(tab) == sum(counts[first : last + 1])


def test_keyboard_only(page: tuple[Any, Watch]) -> None:
    tab, _ = page
    tab.goto(f"/cable/{CITED_SEED}")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "skip-link"
    tab.keyboard.press("/")
    assert tab.evaluate("document.activeElement.id") == "quick-q"
    tab.keyboard.type("review")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/search\?q=review$"))
    for _ in range(40):  # tab on to the first bar of the histogram, and follow it
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.getAttribute('class')") == "bar-link":
            break
    else:
        pytest.fail("no histogram bar is reachable with Tab")
    label = tab.evaluate("document.activeElement.getAttribute('aria-label')")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"date%3A"))
    assert stated_total(tab) == int(label.split(": ")[1].split()[0])


@pytest.mark.parametrize(
    "url", ["/", "/search?q=review", f"/cable/{CITED_SEED}", f"/cable/{XSS_ID}"]
)
def test_readable_on_a_phone(browser: Any, server: str, url: str) -> None:
    context, tab, watch = _open(
        browser, server, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        tab.goto(url)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide on a 375px screen"
        size = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
        assert size >= 16
        if url.startswith("/search"):
            shot(tab, "search-phone.png", full_page=False)
    finally:
        context.close()
    assert not watch.errors
