"""The ``cables.csv`` dump: one cable per row, 8 quoted columns, no header row.

    "1","12/28/1966 18:48","66BUENOSAIRES2481","Embassy Buenos Aires","UNCLASSIFIED",
    "66STATE106206","P R 281848Z DEC 66␤FM …","UNCLASSIFIED BUENOS AIRES 2481 ␤…"

Columns: row number, created (``M/D/YYYY H:MM``), id, origin, classification, references
(``|``- or comma-separated), header, body. Quotes inside fields are backslash-escaped
(``\\"``, ``\\'``) and fields span lines. The real file is 1.8 GB, so rows are streamed
from a text stream; line numbers come from the reader's own line count.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator

from cablescope.errors import CableError
from cablescope.parse.formats.common import body_start, iso_date, split_list
from cablescope.parse.state import Document

FORMAT = "cables_csv"
COLUMNS = 8

#: ``"1","12/28/1966 18:48",`` (quotes optional): how a row of the dump begins.
_ROW_START = re.compile(r"\s*\"?\d+\"?,\"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(?::\d{2})?\"?,")

# A cable body can exceed the csv module's 128 KB default field limit.
csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 1 << 30)))


def looks_like(text: str) -> bool:
    """Text that starts like a row of the dump."""
    return _ROW_START.match(text) is not None


class _CountingLines:
    """Line iterator for `csv.reader` that knows how many characters it has handed out."""

    __slots__ = ("_lines", "consumed")

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.consumed = 0

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += len(line)
        return line


def document_from_row(
    row: list[str], name: str | None = None, *, line: int = 1, offset: int | None = None
) -> Document:
    """One parsed row (8 fields) starting on source line `line` → `Document`."""
    if len(row) != COLUMNS:
        raise CableError(
            f"CSV row has {len(row)} fields, expected {COLUMNS} "
            "(number, date, id, origin, classification, references, header, body)",
            source=name,
            line=line,
        )
    _number, created, ident, origin, classification, references, header, body = row
    # The header field starts on the row's first line, the body where the header ends.
    body_line = line + header.count("\n")
    cut = body_start(body)
    body_line += body.count("\n", 0, cut)
    metadata: dict[str, object] = {
        "id": ident.strip(),
        "date": iso_date(created),
        "origin": origin.strip(),
        "classification": classification.strip(),
        "references": split_list(references),
    }
    return Document(
        format=FORMAT,
        header=header.strip(),
        body=body[cut:].rstrip(),
        metadata={key: value for key, value in metadata.items() if value},
        name=name,
        header_line=line + header.count("\n", 0, len(header) - len(header.lstrip())),
        body_line=body_line,
        offset=offset,
        raw=(header.rstrip() + "\n" + body.rstrip()) if header.strip() else body.rstrip(),
    )


def iter_documents(
    lines: Iterable[str], name: str | None = None
) -> Iterator[Document | CableError]:
    """Stream a dump (an iterable of lines, e.g. a text file) → a `Document` per row.

    A malformed row comes out as a `CableError` in the stream (not raised), so the
    caller decides whether to stop or go on.
    """
    counter = _CountingLines(lines)
    reader = csv.reader(counter, escapechar="\\", doublequote=False, strict=False)
    next_line, next_offset = 1, 0
    while True:
        line, offset = next_line, next_offset
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield CableError(f"unreadable CSV row: {exc}", source=name, line=line)
            return
        next_line, next_offset = reader.line_num + 1, counter.consumed
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        try:
            yield document_from_row(row, name, line=line, offset=offset)
        except CableError as error:
            yield error
