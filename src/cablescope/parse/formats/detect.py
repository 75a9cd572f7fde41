"""Which format is this text or file? Decided from the content, never from the file name.

In order: a cablegate HTML page, a JSON object (JSON Lines), a row of the cables.csv dump,
a WikiLeaks text file (its 5-line metadata block), a raw header + body. Anything else (empty,
binary, an unrelated page or text) raises `CableError` naming the file, the line and the
reason. A damaged but recognisable cable is not an error: it becomes a `Document` and the
rules record what they cannot read.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cablescope.errors import CableError
from cablescope.parse.formats import cablegate_html, cables_csv, jsonl, raw_text, wikileaks_text
from cablescope.parse.formats.common import (
    decode,
    looks_binary,
    normalise,
    read_head,
    text_lines,
)
from cablescope.parse.state import Document

#: How much of a file is read to decide its format before streaming it.
SNIFF_BYTES = 1 << 16
_BLANK_BYTES = b"\xef\xbb\xbf \t\r\n"

ErrorHandler = Callable[[CableError], object]


def _first_line(text: str) -> int:
    """1-based line of the first non-blank character (where a reason applies)."""
    stripped = text.lstrip()
    return 1 + text.count("\n", 0, len(text) - len(stripped))


def _single(items: Iterable[Document | CableError], name: str | None) -> Document:
    """The one cable of a CSV / JSON text; errors and several cables are refused."""
    documents: list[Document] = []
    for item in items:
        if isinstance(item, CableError):
            raise item
        documents.append(item)
    if not documents:
        raise CableError("no cable in this text", source=name, line=1)
    if len(documents) > 1:
        raise CableError(
            f"holds {len(documents)} cables, not one: read it with cablescope.read()",
            source=name,
            line=1,
        )
    return documents[0]


def detect_format(text: str) -> str | None:
    """The format name of one cable text (newlines normalised), or None if none fits."""
    stripped = text.lstrip()
    if not stripped or looks_binary(stripped):
        return None
    if stripped[0] == "<":
        return cablegate_html.FORMAT if cablegate_html.looks_like(stripped) else None
    if stripped[0] in "{[":
        return jsonl.FORMAT
    if cables_csv.looks_like(stripped):
        return cables_csv.FORMAT
    if wikileaks_text.looks_like(text):
        return wikileaks_text.FORMAT
    if raw_text.looks_like(text):
        return raw_text.FORMAT
    return None


def document_from_text(text: str | bytes, name: str | None = None) -> Document:
    """ONE cable in any supported format → `Document`.

    Bytes are decoded as UTF-8, else cp1252, else latin-1; a BOM is dropped and CRLF / CR
    become LF. Raises `CableError` for input that is not a cable (or holds several).
    """
    if isinstance(text, bytes):
        probe = text[:512].lstrip(_BLANK_BYTES)
        if probe[:1] == b"<" and cablegate_html.looks_like(text):
            # Decoding a whole 65 KB page costs more than parsing the cable: the reader
            # decodes only the end, where the cable is.
            return cablegate_html.read(text, name)
        text = decode(text)
    elif text[:512].lstrip()[:1] == "<" and "\r" not in text and "\u2028" not in text:
        # A page already decoded and without CR or BOM: skip normalising and sniffing
        # 65 KB of navigation; the reader itself says when there is no cable table.
        try:
            return cablegate_html.read(text, name)
        except ValueError:
            pass
    text = normalise(text)
    fmt = detect_format(text)
    if fmt is None:
        raise CableError(_reason(text), source=name, line=_first_line(text))
    if fmt == cablegate_html.FORMAT:
        return cablegate_html.read(text, name)
    if fmt == jsonl.FORMAT:
        return _single(jsonl.iter_documents(io.StringIO(text), name), name)
    if fmt == cables_csv.FORMAT:
        return _single(cables_csv.iter_documents(io.StringIO(text), name), name)
    if fmt == wikileaks_text.FORMAT:
        return wikileaks_text.read(text, name)
    return raw_text.read(text, name)


def _reason(text: str) -> str:
    """Why a text that fits no format is not a cable."""
    stripped = text.lstrip()
    if not stripped:
        return "empty: there is no text at all"
    if looks_binary(stripped):
        return "binary data, not a cable text"
    if stripped[0] == "<":
        return "an HTML page without a cablegate cable table (<table class='cable'>)"
    return (
        "not a cable: no classification banner, routing header, metadata block, "
        "cables.csv row or JSON object found"
    )


@dataclass(slots=True, frozen=True)
class UnreadFile:
    """A one-cable file's bytes, read but not yet decoded: `document()` finishes the job."""

    data: bytes
    name: str

    def document(self) -> Document:
        """The file as a `Document`; raises `CableError` when it is not a cable."""
        return document_from_text(self.data, self.name)


def iter_items(
    stream: BinaryIO, name: str, *, defer: bool = False
) -> Iterator[Document | CableError | UnreadFile]:
    """Every cable of one file, errors included as items (so a caller can go on).

    JSON Lines and cables.csv files are streamed line by line; a text or HTML file holds
    one cable and is read whole — and with `defer`, handed over unread as an `UnreadFile`.
    """
    head = read_head(stream, SNIFF_BYTES)
    probe = head[:4096].lstrip(_BLANK_BYTES)
    if probe[:1] in (b"{", b"["):
        yield from jsonl.iter_documents(text_lines(head, stream), name)
        return
    if cables_csv.looks_like(decode(probe[:512])):
        yield from cables_csv.iter_documents(text_lines(head, stream), name)
        return
    data = head + stream.read() if len(head) == SNIFF_BYTES else head
    if defer:
        yield UnreadFile(data, name)
        return
    try:
        yield document_from_text(data, name)
    except CableError as error:
        yield error


def documents_from_stream(
    binary_stream: BinaryIO, name: str, *, on_error: ErrorHandler | None = None
) -> Iterator[Document]:
    """Every cable of one file (CSV and JSONL files hold many, text and HTML files one).

    A cable that fails raises `CableError`, or with `on_error` is handed to it and the
    stream goes on.
    """
    return without_errors(iter_items(binary_stream, name), on_error)


def without_errors(
    items: Iterable[Document | CableError], on_error: ErrorHandler | None
) -> Iterator[Document]:
    """The documents of `items`; each error is raised, or handed to `on_error` and skipped."""
    for item in items:
        if isinstance(item, CableError):
            if on_error is None:
                raise item
            on_error(item)
            continue
        yield item
