"""Fixtures for the web UI tests: one archive per session (the two seeds, a few dozen
generated cables and a hostile cable in two versions), its parsed records for computing
expected answers independently of the store, and a small HTML reader."""

from __future__ import annotations

from collections.abc import Iterator
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
