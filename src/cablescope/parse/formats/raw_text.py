"""A raw cable: routing header then body, nothing else (CRLF and Latin-1 in the wild).

There is no publication metadata: the rules derive id, date and origin from the text.
The header ends where the banner line begins (``UNCLAS KINGSTON 000382``).
"""

from __future__ import annotations

import re

from cablescope.parse.formats.common import find_banner, line_of, split_header
from cablescope.parse.state import Document

FORMAT = "raw_text"

#: Lines only a cable has; two of them (or a banner with post and serial) make a cable.
_MARKERS = re.compile(
    r"^[ \t]*(?:(?P<vzczc>VZCZC)|(?P<dtg>[OPRZ](?: [OPRZ])? \d{6}Z [A-Z]{3} \d{2})"
    r"|(?P<fm>FM [A-Z])|(?P<to>TO [A-Z])|(?P<eo>E\.?\s?O\.?\s+1\d{4})|(?P<tags>TAGS:?\s+[A-Z])"
    r"|(?P<subject>SUBJ(?:ECT)?:)|(?P<classified>Classified By:)|(?P<de>DE R[A-Z]+ #))",
    re.M | re.I,
)
_SNIFF = 20_000


def looks_like(text: str) -> bool:
    """A banner with post and serial, or at least two kinds of cable-only lines."""
    sample = text[:_SNIFF]
    if find_banner(sample) is not None:
        return True
    kinds = {match.lastgroup for match in _MARKERS.finditer(sample)}
    return len(kinds) >= 2


def read(text: str, name: str | None = None, *, offset: int = 0) -> Document:
    """One raw cable (newlines already normalised) → `Document` without metadata."""
    header_start, header_end, body_start = split_header(text, 0)
    return Document(
        format=FORMAT,
        header=text[header_start:header_end],
        body=text[body_start:].rstrip(),
        metadata={},
        name=name,
        header_line=line_of(text, header_start),
        body_line=line_of(text, body_start),
        offset=offset + header_start,
        raw=text[header_start:].rstrip(),
    )
