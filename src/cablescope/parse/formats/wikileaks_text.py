"""The WikiLeaks one-cable text file (the seeds): a 5-line metadata block, header, body.

    08LONDON3062                                   id
    PAKISTAN: LYALL GRANT AND BOUCHER AGREE ON     subject (truncated)
    Mon Dec 08 00:00:00 +0100 2008                 date, local time with its zone
    SECRET                                         classification
    Embassy London                                 origin
    VZCZCXRO1023 …                                 routing header (may be absent)
    …MACDILL AFB FL IMMEDIATES E C R E T SECTION 01 OF 02 LONDON 003062

The INFO line is glued to the banner; the split falls exactly before the banner so the
header keeps its ``IMMEDIATE`` and the body starts with ``S E C R E T``.
"""

from __future__ import annotations

import re

from cablescope.parse.formats.common import iso_date, line_of, split_header
from cablescope.parse.state import Document

FORMAT = "wikileaks_text"

_ID_LINE = re.compile(r"[ \t]*\d{2}[A-Z][A-Z0-9-]*\d[ \t]*$")
_DATE_LINE = re.compile(
    r"[ \t]*[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}[ \t]*$"
)


def looks_like(text: str) -> bool:
    """An id line, and two lines below it a ``Mon Dec 08 00:00:00 +0100 2008`` date."""
    lines = text.lstrip("\n").split("\n", 5)
    return len(lines) >= 5 and bool(_ID_LINE.match(lines[0]) and _DATE_LINE.match(lines[2]))


def read(text: str, name: str | None = None, *, offset: int = 0) -> Document:
    """One WikiLeaks text file (newlines already normalised) → `Document`."""
    lead = len(text) - len(text.lstrip("\n"))
    lines = text[lead:].split("\n", 5)
    lines += [""] * (6 - len(lines))
    ident, subject, date, classification, origin = (line.strip() for line in lines[:5])
    metadata: dict[str, object] = {
        "id": ident,
        "subject": subject,
        "date": iso_date(date),
        "classification": classification,
        "origin": origin,
    }
    after_block = lead + sum(len(line) + 1 for line in lines[:5])
    after_block = min(after_block, len(text))
    header_start, header_end, body_start = split_header(text, after_block)
    return Document(
        format=FORMAT,
        header=text[header_start:header_end],
        body=text[body_start:].rstrip(),
        metadata={key: value for key, value in metadata.items() if value},
        name=name,
        header_line=line_of(text, header_start),
        body_line=line_of(text, body_start),
        offset=offset + header_start,
        raw=text[header_start:].rstrip(),
    )
