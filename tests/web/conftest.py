"""Fixtures for the web UI tests: one archive per session (the two seeds, a few dozen
generated cables and a hostile cable in two versions), its parsed records for computing
expected answers independently of the store, and a small HTML reader."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import cablescope
from cablescope.demo.generator import write_corpus
from cablescope.store import open_store

#: The hostile cable: markup in the subject and a paragraph, citing a seed (08LONDON3062).
XSS_ID = "09MOSCOW123"
XSS_SUBJECT = 'QUUXLY <script>window.__xss=1</script> AND <img src=x onerror="window.__xss=2">'
XSS_PARAGRAPH = '<script>window.__xss=3</script> and <img src=x onerror="window.__xss=4">'
CITED_SEED = "08LONDON3062"
#: The name the second version shows where the first has a redaction.
UNREDACTED_NAME = "Ivor Plenkov"

_XSS_TEMPLATE = """VZCZCXYZ0001
RR RUEHWEB
DE RUEHMO #0123 0451200
ZNY SSSSS ZZH
R 141200Z FEB 09
FM AMEMBASSY MOSCOW
TO RUEHC/SECSTATE WASHDC 0001
INFO RUEHLO/AMEMBASSY LONDON 0002
S E C R E T MOSCOW 000123

CABLESCOPE SYNTHETIC

SIPDIS

E.O. 12958: DECL: 02/14/2019
TAGS: PREL PTER RS
SUBJECT: {subject}

REF: A. 08 LONDON 3062

Classified By: Test Officer Zed Quill for reasons 1.4(b) and (d).

1. (U) Quuxly opening paragraph, unclassified, about the plugh review.

2. (C) Confidential paragraph {paragraph} about the plugh review.

3. (S) Secret paragraph naming {name} about the plugh review.

4. (S//NF) Secret noforn paragraph about the plugh review.

QUILL
"""


def xss_cable_text(name: str = "XXXXXXXXXXXX") -> str:
    """The hostile cable in raw-text form; `name` fills the redacted slot of paragraph 3."""
    return _XSS_TEMPLATE.format(subject=XSS_SUBJECT, paragraph=XSS_PARAGRAPH, name=name)


@dataclass
class Archive:
    """The test archive: its file, the folder it was read from, and every parsed record
    (all versions), for tests to count things without asking the store."""

    db: Path
    source: Path
    records: list[dict[str, Any]]

    @property
    def current(self) -> dict[str, dict[str, Any]]:
        """One record per cable id: for ids with two texts, the one with fewer redactions
        (the store's rule when neither has a release date), which is what pages show."""
        chosen: dict[str, dict[str, Any]] = {}
        for record in self.records:
            held = chosen.get(record["id"])
            if held is None or record["redactions"] < held["redactions"]:
                chosen[record["id"]] = record
        return chosen


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Archive:
    root = tmp_path_factory.mktemp("web-archive")
    source = root / "cables"
    write_corpus(source / "generated", 45, seed=11)
    hostile = source / "hostile"
    hostile.mkdir()
    (hostile / "moscow-redacted.txt").write_text(xss_cable_text(), encoding="utf-8")
    (hostile / "moscow-full.txt").write_text(xss_cable_text(UNREDACTED_NAME), encoding="utf-8")
    cables = list(cablescope.read([seeds_dir, source]))
    db = root / "web.db"
    with open_store(db) as store:
        store.write_batch(cables)
    return Archive(db, source, [cable.to_dict() for cable in cables])


# -- reading HTML ---------------------------------------------------------------------------
@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list[Element | str] = field(default_factory=list)

    @property
    def children(self) -> list[Element]:
        return [item for item in self.content if isinstance(item, Element)]

    def find_all(self, tag: str | None = None, **attrs: str) -> Iterator[Element]:
        """Descendants with this tag and these attribute values (``class_`` matches one
        of the classes; ``data_x`` means ``data-x``)."""
        for child in self.children:
            if _matches(child, tag, attrs):
                yield child
            yield from child.find_all(tag, **attrs)

    def find(self, tag: str | None = None, **attrs: str) -> Element | None:
        return next(self.find_all(tag, **attrs), None)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def raw_text(self) -> str:
        return "".join(item if isinstance(item, str) else item.raw_text for item in self.content)

    @property
    def all_text(self) -> str:
        """The text inside, in document order, with runs of white space as one space."""
        return " ".join(self.raw_text.split())


def _matches(element: Element, tag: str | None, attrs: dict[str, str]) -> bool:
    if tag is not None and element.tag != tag:
        return False
    for name, value in attrs.items():
        if name == "class_":
            if value not in element.classes:
                return False
        elif element.attrs.get(name.replace("_", "-")) != value:
            return False
    return True


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse_html(html: str) -> Element:
    """The document as a tree of `Element` (text unescaped, as a browser shows it)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@pytest.fixture(scope="session")
def html() -> Any:
    """`html(text)` → the parsed tree (a fixture, as test modules import no helpers)."""
    return parse_html


# -- real browser and real server, for the end-to-end tests ---------------------------------
CHROMIUM = Path(os.environ.get("CABLESCOPE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_launch() -> dict[str, Any]:
    """Playwright's launch options for Debian's Chromium. Skips without Chromium or
    Playwright; under CI=true their absence is a failure."""
    missing = [] if CHROMIUM.exists() else [str(CHROMIUM)]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = f"browser tests need {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message} (.ci/run installs Debian's chromium)")
        pytest.skip(message)
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def serve() -> Callable[[str | Path], AbstractContextManager[str]]:
    """``with serve(db) as url``: a real uvicorn server over the archive on a free loopback
    port, in a thread, stopped on leaving."""
    return _serve


@contextmanager
def _serve(db: str | Path) -> Iterator[str]:
    import uvicorn

    from cablescope.api.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
