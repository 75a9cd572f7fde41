"""A cablegate.wikileaks.org page: ~65 KB of navigation around one ``<table class='cable'>``.

The table holds Reference ID, Created, Released, Classification and Origin; after it come
two ``<code><pre>`` blocks, the routing header and the body, with ``&#x000A;`` newlines,
``<a id='par1' href='#par1'>¶</a>`` paragraph anchors and (in later releases) TAGS as links.

Speed matters (a corpus is hundreds of thousands of pages), so there is no HTML parser
here: the table is found with ``rfind`` (it sits near the end), the blocks with ``find``
from there, tags go with one regex, and only the blocks are unescaped. Given bytes, only
the end of the page is decoded.

Line numbers count lines of the cable text (header block, then body block), not of the
page: the page keeps each block on one physical line.
"""

from __future__ import annotations

import html
import re

from cablescope.parse.formats.common import (
    ROUTING_START,
    body_start,
    decode,
    iso_date,
    normalise,
    split_header,
)
from cablescope.parse.state import Document

FORMAT = "cablegate_html"

_TABLE = "<table class='cable'>"
_TABLE_ANY = re.compile(r"<table\s+class=[\"']cable[\"']\s*>")
_TABLE_BYTES = _TABLE.encode()
_TABLE_ANY_BYTES = re.compile(_TABLE_ANY.pattern.encode())
_CELL = re.compile(r"<td>\s*(?:<a\b[^>]*>)?\s*(.*?)\s*(?:</a>)?\s*</td>", re.S)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_TAG_LINK = re.compile(r"href=['\"]/tag/([^'\"]+?)_\d+\.html['\"]")
_TAG_LINK_START = "href='/tag/"
_HEADING = "<h3>Viewing cable "
_HEADING_BYTES = _HEADING.encode()
_PARTIAL = re.compile(r"^.*This record is a partial extract of the original cable\..*$", re.M)
_PARTIAL_NOTE = "partial extract: the full text of the original cable is not available"
#: Lines of a tab-separated dump end in a backslash (``SIPDIS \``): its line continuations.
_CONTINUATION = "\\\n"


def looks_like(text: str | bytes) -> bool:
    """A page with the cablegate cable table."""
    if isinstance(text, bytes):
        return text.rfind(_TABLE_BYTES) >= 0 or _TABLE_ANY_BYTES.search(text) is not None
    return text.rfind(_TABLE) >= 0 or _TABLE_ANY.search(text) is not None


def _cable_region(data: bytes) -> tuple[str, int]:
    """Decode only the end of a page: from the subject heading (or the table) on.

    Decoding the whole 65 KB page costs more than parsing the cable. The cut falls on an
    ASCII ``<``, so it never splits a UTF-8 sequence.
    """
    table_at = data.rfind(_TABLE_BYTES)
    if table_at < 0:
        found = _TABLE_ANY_BYTES.search(data)
        table_at = found.start() if found else 0
    heading = data.rfind(_HEADING_BYTES, max(0, table_at - 8000), table_at)
    cut = heading if heading >= 0 else table_at
    return decode(data[cut:]), cut


def _text(fragment: str) -> str:
    """An HTML block → plain text: newline entities, tags dropped, entities decoded."""
    text = fragment.replace("&#x000A;", "\n")
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "\r" in text or "\u2028" in text:
        text = normalise(text)
    return text


def _pre_blocks(page: str, start: int) -> list[str]:
    """The ``<pre>`` blocks after `start` (str.find: a lazy regex over the page is slow)."""
    blocks: list[str] = []
    while True:
        opened = page.find("<pre>", start)
        if opened < 0:
            return blocks
        closed = page.find("</pre>", opened)
        if closed < 0:
            closed = len(page)
        blocks.append(page[opened + 5 : closed])
        start = closed


def _tags(body_html: str) -> list[str]:
    """TAGS linked on their line (later releases); only that line is scanned."""
    first = body_html.find(_TAG_LINK_START)
    if first < 0:
        return []
    line_end = body_html.find("&#x000A;", first)
    return _TAG_LINK.findall(body_html, first, line_end if line_end > 0 else len(body_html))


def _cells(table: str) -> list[str]:
    return [html.unescape(_TAG.sub("", cell)).strip() for cell in _CELL.findall(table)]


def _subject(page: str, table_at: int) -> str | None:
    """The (truncated) subject from ``<h3>Viewing cable 10ASHGABAT111, SUBJECT</h3>``."""
    start = page.rfind(_HEADING, max(0, table_at - 8000), table_at)
    if start < 0:
        return None
    start += len(_HEADING)
    end = page.find("</h3>", start, table_at)
    if end < 0:
        return None
    _, _, subject = html.unescape(page[start:end]).partition(", ")
    return subject.strip() or None


def read(page: str | bytes, name: str | None = None, *, offset: int = 0) -> Document:
    """One cablegate page → `Document`; raises ValueError when there is no cable table.

    `offset` (and `Document.offset`) count characters of a str page, bytes of a bytes page.
    """
    if isinstance(page, bytes):
        page, cut = _cable_region(page)
        offset += cut
    table_at = page.rfind(_TABLE)
    if table_at < 0:
        found = _TABLE_ANY.search(page)
        if found is None:
            raise ValueError("HTML page without a cablegate cable table (<table class='cable'>)")
        table_at = found.start()
    table_end = page.find("</table>", table_at)
    if table_end < 0:
        table_end = len(page)
    cells = _cells(page[table_at:table_end])
    cells += [""] * (5 - len(cells))
    ident, created, released, classification, origin = cells[:5]

    blocks = _pre_blocks(page, table_end)
    if len(blocks) >= 2:
        header_html, body_html = blocks[0], "\n".join(blocks[1:])
    else:
        header_html, body_html = "", (blocks[0] if blocks else "")

    notes: list[str] = []
    header_raw = _text(header_html)
    body_raw = _text(body_html)
    header = header_raw
    if "partial extract" in header:
        header = _PARTIAL.sub("", header)
        notes.append(_PARTIAL_NOTE)
    if not blocks:
        notes.append("the page holds no cable text")

    # Lines count in `raw` = header block + "\n" + body block (the stripped partial-extract
    # sentence leaves its newline, so the header's line numbers hold).
    raw = header_raw + "\n" + body_raw
    body_base = len(header_raw) + 1
    header_line = 1 + header.count("\n", 0, len(header) - len(header.lstrip()))
    header = header.strip()
    if not header and ROUTING_START.match(body_raw.lstrip()):
        # An empty header block with the header inside the body: split at the banner.
        h_start, h_end, cut = split_header(body_raw)
        header = body_raw[h_start:h_end]
        header_line = 1 + raw.count("\n", 0, body_base + h_start)
    else:
        cut = body_start(body_raw)
    body = body_raw[cut:]
    if "\\" in body and body.count(_CONTINUATION) > 3:  # one-character scan first: cheap
        body = body.replace(_CONTINUATION, "\n")
    body = body.rstrip().rstrip("\\").rstrip()

    tags = _tags(body_html)
    metadata: dict[str, object] = {
        "id": ident,
        "subject": _subject(page, table_at),
        "date": iso_date(created),
        "released": iso_date(released),
        "classification": classification,
        "origin": origin,
        "tags": tags,
        "notes": notes,
    }
    return Document(
        format=FORMAT,
        header=header,
        body=body,
        metadata={key: value for key, value in metadata.items() if value},
        name=name,
        header_line=header_line,
        body_line=1 + raw.count("\n", 0, body_base + cut),
        offset=offset + table_at,
        raw=raw,
    )
