"""The cablegate.wikileaks.org page reader on real pages from the dev tarball.

The fast reader uses ``str.find`` and one regex; here the same pages are read again with the
standard library's `HTMLParser` (slow, but independent) and the two must agree on the
metadata table and on the text of both ``<pre>`` blocks.
"""

from __future__ import annotations

import re
import tarfile
from html.parser import HTMLParser

import pytest

from cablescope.parse.formats import cablegate_html
from cablescope.parse.formats.common import BANNER, banner_at, normalise

pytestmark = pytest.mark.corpus

#: Pages picked for their structure (by year, and the odd forms found in the survey).
SPECIAL = {
    "66BUENOSAIRES2481",  # 1966: NARA copy, header without routing indicators
    "72TEHRAN1164",
    "73TEHRAN2077",
    "79TEHRAN8980",
    "88BAGHDAD28",  # lower-case spaced banner
    "90KHARTOUM10657",
    "00HARARE6677",  # partial extract, date line before the banner
    "05CAIRO8938",  # glued "Cable dated:…C O N F I D E N T I A L CAIRO 008938SIPDIS"
    "06BERN898",  # a tab-separated dump row with backslash line ends inside the body
    "06MEXICO456",  # a metadata dump before the banner
    "08KINSHASA189",  # a copy of the header before a lower-case banner
    "10ASHGABAT111",  # TAGS as links
    "09MEXICO2205",  # U+2028 line separators
    "10NAIROBI165",  # "<<248522>>" (not a tag) and a title-case banner after a dump
}
EVERY = 80


class _Page(HTMLParser):
    """Cells of the cable table and the text of the ``<pre>`` blocks after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_table = self.in_cell = self.in_pre = False
        self.cells: list[str] = []
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "cable") in attrs:
            self.in_table = True
        elif tag == "td" and self.in_table:
            self.in_cell = True
            self.cells.append("")
        elif tag == "pre" and self.cells:
            self.in_pre = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.in_cell = False
        elif tag == "table":
            self.in_table = False
        elif tag == "pre":
            self.in_pre = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.cells[-1] += data
        elif self.in_pre:
            self.blocks[-1] += data


@pytest.fixture(scope="module")
def pages(shared_path) -> dict[str, tuple[str, bytes]]:
    """{reference id: (member path, page bytes)} for every 80th page and the special ones."""
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    picked: dict[str, tuple[str, bytes]] = {}
    with tarfile.open(tarball, "r|gz") as archive:
        for number, member in enumerate(m for m in archive if m.isfile()):
            stem = member.name.rsplit("/", 1)[-1].removesuffix(".html")
            if number % EVERY == 0 or stem in SPECIAL:
                picked[stem] = (member.name, archive.extractfile(member).read())
    assert picked.keys() >= SPECIAL
    assert len(picked) >= 50
    return picked


def _expected(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    return page


def test_metadata_equals_the_page_table(pages) -> None:
    for stem, (member, data) in pages.items():
        expected = _expected(data)
        ident, created, released, classification, origin = (c.strip() for c in expected.cells[:5])
        doc = cablegate_html.read(data, name=member)
        assert doc.format == "cablegate_html"
        assert doc.metadata["id"] == ident == stem
        assert doc.metadata["date"] == created[:10]
        assert doc.metadata["released"] == released[:10]
        assert doc.metadata["classification"] == classification
        assert doc.metadata["origin"] == origin
        # The page lives at cable/YYYY/MM/ after its creation date.
        assert member.split("/")[1:3] == created[:7].split("-")


def test_text_equals_the_pre_blocks(pages) -> None:
    for stem, (_, data) in pages.items():
        header_text, body_text = _expected(data).blocks
        doc = cablegate_html.read(data)
        assert doc.raw == normalise(header_text + "\n" + body_text), stem
        for text in (doc.header, doc.body):
            assert "<a " not in text and "&#x" not in text and "&amp;" not in text, stem
        if "partial extract" not in header_text:
            assert doc.header == header_text.strip(), stem
        if "\\\n" not in body_text:
            assert normalise(body_text).rstrip().endswith(doc.body), stem


def test_body_starts_with_the_banner(pages) -> None:
    without_banner = 0
    for stem, (_, data) in pages.items():
        doc = cablegate_html.read(data)
        if not banner_at(doc.body, 0):
            # Only where the page has no banner at all (e.g. the body opens with SIPDIS).
            assert BANNER.search(_expected(data).blocks[1][:3000]) is None, stem
            without_banner += 1
    assert without_banner <= len(pages) // 20


def test_line_numbers_count_lines_of_the_cable_text(pages) -> None:
    for stem, (_, data) in pages.items():
        doc = cablegate_html.read(data)
        raw_lines = doc.raw.split("\n")
        first_body_line = doc.body.split("\n", 1)[0].rstrip(" \\")
        assert first_body_line in raw_lines[doc.body_line - 1], stem
        if doc.header:
            first_header_line = doc.header.split("\n", 1)[0].strip()
            assert raw_lines[doc.header_line - 1].strip() == first_header_line, stem


def test_paragraph_anchors_become_pilcrows(pages) -> None:
    anchored = 0
    for stem, (_, data) in pages.items():
        anchors = len(re.findall(rb"<a id='par\d+' href='#par\d+'>\xc2\xb6</a>", data))
        raw = cablegate_html.read(data).raw
        assert raw.count("¶") >= anchors, stem
        assert "id='par" not in raw, stem
        anchored += anchors > 0
    assert anchored >= len(pages) // 2


def test_tags_come_from_the_links_on_the_tags_line(pages) -> None:
    linked = 0
    for stem, (_, data) in pages.items():
        doc = cablegate_html.read(data)
        if "tags" not in doc.metadata:
            continue
        linked += 1
        tags_line = re.search(r"TAGS:?([^\n]*)", doc.raw)
        assert tags_line is not None, stem
        assert doc.metadata["tags"] == tags_line.group(1).replace(",", " ").split(), stem
    assert linked >= len(pages) // 2


def test_date_line_before_the_banner_is_dropped(pages) -> None:
    doc = cablegate_html.read(pages["00HARARE6677"][1])
    assert doc.body.startswith("C O N F I D E N T I A L SECTION 01 OF 03 HARARE 006677")
    assert "29 November 2000" in doc.raw and "29 November 2000" not in doc.body
    assert doc.metadata["date"] == "2000-11-29"


def test_partial_extract_sentence_becomes_a_note(pages) -> None:
    doc = cablegate_html.read(pages["00HARARE6677"][1])
    assert "partial extract" not in doc.header
    assert any("partial extract" in note for note in doc.metadata["notes"])


def test_junk_before_the_banner_is_cut(pages) -> None:
    expected = {
        "06MEXICO456": "C O N F I D E N T I A L SECTION 01 OF 03 MEXICO 000456",
        "05CAIRO8938": "C O N F I D E N T I A L CAIRO 008938",
        "08KINSHASA189": "S e c r e t section 01 of 02 kinshasa 000189",
        "06BERN898": "UNCLAS BERN 000898",
        "09MEXICO2205": "UNCLAS SECTION 01 OF 02 MEXICO 002205",
        "10NAIROBI165": "Unclas nairobi 000165",
    }
    for stem, start in expected.items():
        doc = cablegate_html.read(pages[stem][1])
        assert doc.body.startswith(start), (stem, doc.body[:80])


def test_angle_brackets_that_are_not_tags_are_kept(pages) -> None:
    assert cablegate_html.read(pages["10NAIROBI165"][1]).raw.count("<<248522>>") == 1


def test_backslash_line_ends_of_a_dump_row_are_removed(pages) -> None:
    doc = cablegate_html.read(pages["06BERN898"][1])
    assert "\\\n" not in doc.body
    assert doc.body.count("\n") == doc.raw.count("\n", doc.raw.index("UNCLAS BERN 000898"))


def test_subject_heading_is_metadata(pages) -> None:
    doc = cablegate_html.read(pages["10ASHGABAT111"][1])
    assert doc.metadata["subject"] == "TURKMENISTAN: CAT IMPLICATED IN PRESIDENTIAL"  # by eye
    assert doc.metadata["tags"] == ["PGOV", "SOCI", "TX"]


def test_str_and_bytes_pages_agree(pages) -> None:
    _, data = pages["66BUENOSAIRES2481"]
    from_bytes = cablegate_html.read(data)
    from_text = cablegate_html.read(data.decode("utf-8"))
    assert (from_bytes.header, from_bytes.body, from_bytes.metadata) == (
        from_text.header,
        from_text.body,
        from_text.metadata,
    )
    assert data[from_bytes.offset :].startswith(b"<table class='cable'>")


def test_page_without_cable_table() -> None:
    assert not cablegate_html.looks_like("<html><body><pre>text</pre></body></html>")
    with pytest.raises(ValueError, match="cable table"):
        cablegate_html.read("<html><body><pre>text</pre></body></html>")


def test_empty_header_block_with_the_header_in_the_body() -> None:
    page = (
        "<html><table class='cable'><tr><td><a href='/x'>07KINGSTON382</a></td>"
        "<td>2007-03-19 15:58</td><td>2011-08-30 01:44</td><td>UNCLASSIFIED</td>"
        "<td>Embassy Kingston</td></tr></table><code><pre></pre></code>"
        "<code><pre>P 191558Z MAR 07&#x000A;FM AMEMBASSY KINGSTON&#x000A;"
        "TO SECSTATE WASHDC PRIORITY 4496&#x000A;UNCLAS KINGSTON 000382 &#x000A;&#x000A;"
        "E.O. 12958: N/A&#x000A;TAGS: PGOV &amp; JM</pre></code></html>"
    )
    doc = cablegate_html.read(page)
    assert doc.header == "P 191558Z MAR 07\nFM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC PRIORITY 4496"
    assert doc.body == "UNCLAS KINGSTON 000382 \n\nE.O. 12958: N/A\nTAGS: PGOV & JM"
    assert (doc.header_line, doc.body_line) == (2, 5)  # raw = "" + "\n" + body block
    assert doc.metadata["date"] == "2007-03-19"
