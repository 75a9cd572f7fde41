"""What every format reader shares: decoding, newlines, the banner, dates.

A cable's routing header ends where its classification banner begins
(``S E C R E T SECTION 01 OF 02 LONDON 003062``), so finding that banner is how every
reader splits header from body. Publications glue, prefix or mangle it, hence one careful
pattern here instead of five careless ones in the readers.
"""

from __future__ import annotations

import codecs
import io
import re
from datetime import datetime
from functools import lru_cache
from typing import Any, BinaryIO

#: Encoding-error handler for streams: a byte that is not UTF-8 is read as cp1252 (latin-1 for
#: the five bytes cp1252 leaves undefined), so one stray ``¶`` never stops a 1.8 GB dump.
FALLBACK_ERRORS = "cablescope-fallback"

_CP1252_TABLE: tuple[str, ...] = tuple(
    bytes([b]).decode("cp1252", errors="strict")
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    else chr(b)
    for b in range(256)
)


def _fallback_handler(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_CP1252_TABLE[b] for b in bad), exc.end


codecs.register_error(FALLBACK_ERRORS, _fallback_handler)


def decode(data: bytes) -> str:
    """Bytes → text: UTF-8 (BOM stripped), else cp1252, else latin-1 (which never fails)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def normalise(text: str) -> str:
    """Strip a BOM and turn CRLF / CR / U+2028 line ends into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text:
        text = text.replace("\u2028\n", "\n").replace("\u2028", "\n")
    return text


_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
#: The same characters for `in` tests: 29 substring scans of 4 KB cost a fifth of one
#: character-class regex scan, and a text almost never holds any of them.
_CONTROL_CHARS = tuple(chr(code) for code in (*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F))


def looks_binary(text: str) -> bool:
    """True for text that is really binary data (NULs, or many control characters)."""
    sample = text[:4096]
    if "\x00" in sample:
        return True
    if not any(char in sample for char in _CONTROL_CHARS):
        return False
    return len(_CONTROLS.findall(sample)) > len(sample) // 20


# -- the classification banner -------------------------------------------------------------

_SPACED_LEVELS = (
    r"(?:T O P S E C R E T|S E C R E T|C O N F I D E N T I A L|U N C L A S(?: S I F I E D)?"
    r"|L I M I T E D O F F I C I A L U S E|R E S T R I C T E D)"
)
_LEVELS = r"(?:TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE|RESTRICTED)"
#: After the level: optional ``//NOFORN``-style suffixes, then post and serial on the same line
#: (``SECTION 01 OF 02 LONDON 003062``, ``E F T O LONDON 002883``, ``BUENOS AIRES 2481``).
_TAIL = (
    r"(?:[ \t]*//?[ \t]*[A-Z]+)*[ \t]+(?:(?i:SECTION)[ \t]+\d+[ \t]+(?i:OF)[ \t]+\d+[ \t]+)?"
    r"[A-Za-z][A-Za-z .'()&/-]{0,48}?[ \t]*\d{2,8}"
)

#: A banner with its post and serial. Spaced levels are distinctive enough to match anywhere
#: (glued to the INFO line: ``…IMMEDIATES E C R E T``) and in any case (``S e c r e t``);
#: plain words only at a line start or right after a field separator / precedence word,
#: or glued to the last addressee (``…WASHINGTON DCUNCLAS SECTION 01 OF 02 DAKAR 003561``,
#: ``…AMEMBASSY MADRIDUNCLASSIFIED OTTAWA 4879``) when what follows can only be a banner:
#: a section count, or a post and serial that end the line.
_GLUED_TAIL = (
    r"(?:[ \t]+SECTION[ \t]+\d+[ \t]+OF[ \t]+\d+" + _TAIL + r""
    r"|[ \t]+[A-Z][A-Z .'()&/-]{0,48}?[ \t]*\d{3,8}[ \t]*$)"
)
BANNER = re.compile(
    r"(?i:" + _SPACED_LEVELS + r"(?:" + _TAIL + r")?)"
    r"|(?:^[ \t]*|(?<=[\t\",;:\]\d])|(?<=IMMEDIATE)|(?<=PRIORITY)|(?<=ROUTINE)|(?<=FLASH))"
    + _LEVELS
    + r"\b"
    + _TAIL
    + r"|(?<=[A-Z])(?:TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS)"
    + _GLUED_TAIL,
    re.M,
)
#: Any case at a line start (``Unclas nairobi 000165``): a last resort, prose looks like this.
ANYCASE_BANNER = re.compile(r"^[ \t]*(?i:" + _LEVELS + r"\b" + _TAIL + r")", re.M)
#: Where a level word can begin (all the cases the corpora use): see `find_banner`.
_BANNER_HINT = re.compile(
    r"S ?E ?C ?R ?E ?T|C ?O ?N ?F ?I ?D|U ?N ?C ?L ?A ?S|L ?I ?M ?I ?T ?E ?D|R ?E ?S ?T ?R ?I ?C"
    r"|S e c r e t|C o n f i d|U n c l a s|s e c r e t|c o n f i d|u n c l a s"
)
#: A level alone on its line (``CONFIDENTIAL``): a banner only when nothing better exists.
LOOSE_BANNER = re.compile(r"^[ \t]*" + _LEVELS + r"(?:[ \t]*//?[ \t]*[A-Z ]+)?[ \t]*$", re.M)

#: ``Wednesday, 03 February 2010, 10:37``: later cablegate releases put this before the banner.
DATE_LINE = re.compile(
    r"[ \t]*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{1,2} [A-Z][a-z]+ \d{4},? \d{1,2}:\d{2}"
    r"[ \t]*\n"
)
#: A numbered paragraph: text proper has begun, so a later "banner" is quoted text.
_FIRST_PARAGRAPH = re.compile(r"\n[ \t]*(?:¶[ \t]?)?1\.[ \t]")
#: First lines of a routing header.
ROUTING_START = re.compile(
    r"[ \t]*(?:VZCZC|[OPRZ](?: [OPRZ])? \d{6}Z|FM |DE R[A-Z]+ #|INFO +LOG-|ACTION "
    r"|ZNY |ZNR |PP |OO |RR )"
)
BANNER_SEARCH_LIMIT = 64_000


def _skip_blanks(text: str, pos: int) -> int:
    """Index of the first non-space character at or after `pos` (or len(text))."""
    end = len(text)
    while pos < end and text[pos] in " \t\n":
        pos += 1
    return pos


def find_banner(text: str, start: int = 0, end: int | None = None) -> int | None:
    """Offset where the first banner (with post and serial) begins, or None.

    `BANNER.search` costs ~100 ns a character (lookbehinds and a case-insensitive branch
    at every position); a plain case-sensitive alternation finds the few places where a
    level word starts ~20x faster, and `BANNER` is then only tried there.
    """
    end = len(text) if end is None else min(end, len(text))
    for hint in _BANNER_HINT.finditer(text, start, end):
        pos = hint.start()
        match = None
        line_start = max(text.rfind("\n", start, pos) + 1, start)
        if line_start < pos <= line_start + 12:  # ``  CONFIDENTIAL …``, ``TOP SECRET …``
            match = BANNER.match(text, line_start, end)
        if match is None:
            match = BANNER.match(text, pos, end)
        if match is not None:
            return _skip_spaces(text, match.start())
    return None


def _skip_spaces(text: str, pos: int) -> int:
    while text[pos] in " \t":
        pos += 1
    return pos


def banner_at(text: str, pos: int) -> bool:
    """True when a banner (strict, or a level alone on its line) begins at `pos`."""
    window_end = text.find("\n", pos)
    if window_end < 0:
        window_end = len(text)
    window_end = min(window_end, pos + 400)
    match = BANNER.match(text, pos, window_end) or LOOSE_BANNER.match(text, pos, window_end + 1)
    return match is not None


def body_start(body: str) -> int:
    """Where the cable proper begins in a published body: at its banner.

    Publications put junk first: a date line, a copy of the metadata and header, a row of
    a tab-separated dump. The banner is searched in the first few KB and taken only if no
    numbered paragraph precedes it (then it is quoted text, and the body starts at 0).
    """
    pos = _skip_blanks(body, 0)
    if pos >= len(body) or banner_at(body, pos):
        return pos
    found = find_banner(body, pos, pos + 8000)
    if found is None:
        anycase = ANYCASE_BANNER.search(body, pos, pos + 8000)
        found = None if anycase is None else _skip_blanks(body, anycase.start())
    if found is not None and _FIRST_PARAGRAPH.search(body, 0, found) is None:
        return found
    dated = DATE_LINE.match(body, pos)
    if dated:
        return _skip_blanks(body, dated.end())
    return pos


#: Lines that never belong to a routing header: if one comes before the "banner", the text
#: has no header (and that banner is quoted text).
_HEADER_BREAKERS = re.compile(r"^(?:SUBJECT:|TAGS:?\s|E\.\s?O\.\s|¶?1\.\s)", re.M)


def split_header(text: str, start: int = 0) -> tuple[int, int, int]:
    """Split a cable text at its banner: (header_start, header_end, body_start) offsets.

    The header is empty when the text starts with the banner or no banner follows a
    routing header. Without any banner, a routing header runs to the first blank line.
    """
    start = _skip_blanks(text, start)
    if start < len(text) and banner_at(text, start):
        return start, start, start
    limit = start + BANNER_SEARCH_LIMIT
    found = find_banner(text, start, limit)
    if found is None:  # a level alone on its line, near the top only (the search is slow)
        loose = LOOSE_BANNER.search(text, start, start + 16_000)
        if loose is not None:
            found = _skip_blanks(text, loose.start())
    if found is not None and not _HEADER_BREAKERS.search(text, start, found):
        return start, _trim_end(text, start, found), found
    if ROUTING_START.match(text, start):
        blank = text.find("\n\n", start)
        if blank < 0:
            blank = text.find("\n \n", start)
        if blank > 0:
            return start, blank, _skip_blanks(text, blank)
    return start, start, start


def _trim_end(text: str, start: int, end: int) -> int:
    """Back `end` over trailing blanks so the header ends with its last word."""
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


def line_of(text: str, pos: int, first_line: int = 1) -> int:
    """1-based line number of offset `pos` in `text`."""
    return first_line + text.count("\n", 0, pos)


# -- dates ---------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: ``Mon Dec 08 00:00:00 +0100 2008`` / ``Fri Jun 16 10:23:00 2006``
_UNIX_DATE = re.compile(
    r"\s*[A-Za-z]{3},? ([A-Za-z]{3}) (\d{1,2}) \d{1,2}:\d{2}(?::\d{2})?"
    r"(?: [+-]\d{4}| [A-Z]{3})? (\d{4})"
)
#: ``Wednesday, 03 February 2010, 10:37`` / ``08 Dec 2008``
_DAY_MONTH_YEAR = re.compile(r"\s*(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")


def iso_date(value: object) -> str | None:
    """A publication's date as ISO ``YYYY-MM-DD`` (as written locally), or None."""
    if not isinstance(value, str):
        return None
    return _iso_date_text(value)


@lru_cache(maxsize=8192)
def _iso_date_text(value: str) -> str | None:
    """`iso_date` of a string (cached: release dates and dates in a corpus repeat, and the
    four patterns plus `datetime` cost a few µs a call)."""
    if not value.strip():
        return None
    year = month = day = None
    if match := _ISO_DATE.match(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _US_DATE.match(value):
        year, month, day = int(match[3]), int(match[1]), int(match[2])
    elif match := _UNIX_DATE.match(value):
        year, month, day = int(match[3]), _MONTHS.get(match[1].lower()), int(match[2])
    elif match := _DAY_MONTH_YEAR.match(value):
        year, month, day = int(match[3]), _MONTHS.get(match[2].lower()), int(match[1])
    if year is None or month is None or day is None:
        return None
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


_LIST_SEPARATORS = re.compile(r"\s*[|,;]\s*")
_WORD_SEPARATORS = re.compile(r"[|,;\s]+")


def split_list(value: object, *, words: bool = False) -> list[str]:
    """A list field given as a list or as ``A|B`` / ``A, B`` text (``A B`` too with `words`).

    References keep inner spaces (``09 BUENOSAIRES490``); TAGS are single words.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    pattern = _WORD_SEPARATORS if words else _LIST_SEPARATORS
    return [item.strip() for item in pattern.split(str(value)) if item.strip()]


# -- streams --------------------------------------------------------------------------------


class ReplayStream(io.RawIOBase):
    """A read-once binary stream with its first bytes (already read to sniff it) put back."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        return count


def read_head(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes from the start of a stream (short reads retried until EOF)."""
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = stream.read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def text_lines(head: bytes, rest: BinaryIO) -> io.TextIOWrapper:
    """A line-iterable text view of a binary stream: UTF-8 with per-byte cp1252 fallback,
    BOM stripped, CRLF / CR turned into LF, never loading the whole stream."""
    raw = io.BufferedReader(ReplayStream(head, rest), buffer_size=1 << 16)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors=FALLBACK_ERRORS, newline=None)
