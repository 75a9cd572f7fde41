"""The REF: block: which cables (and e-mails, telcons, reports) a cable answers.

A block starts at ``REF:`` / ``REFS:`` / ``Ref(s):`` / ``REFTEL`` and ends at a blank line
(unless the next line carries on the list), ``Classified By``, or the first numbered
paragraph. Inside it, bullets (``A.``, ``(A)``, ``A)``, ``¶B.``, bare ``A`` before a post)
split the items, and each item is read token by token: an optional year (``08``, ``2007``,
``(01)``), a post name resolved through the station table (``SECSTATE``, ``PORT AU
PRINCE``, ``HCMC``), a serial, an optional year after it (``(08)``, ``-01``, `` 99``,
``OF 2007``), and more serials of the same post (``2799 AND 2764``, ``936/935``).
Items with no cable are kept when they name an e-mail, telcon, report or book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from cablescope.ids import canonical_id, letters, resolve_station, split_id, station_table
from cablescope.model import Reference
from cablescope.parse.state import ParseState

#: How far past the preamble start the REF block is looked for.
_PREAMBLE_WINDOW = 4000
#: A REF block is never longer than this; the cap keeps a missed end from eating the body.
_MAX_BLOCK = 2500

_MARKER = re.compile(
    r"(?:^|(?<=\n))[ \t¶]*(?:REF)+(?:S|TELS?|ERENCES?|\(S\))?\b[ \t]*[:.]"
    r"|(?:^|(?<=\n))[ \t¶]*REF(?:S|TELS?)?[ \t]+"
    r"(?=(?-i:[A-Z][.):]|[A-Z][ \t]|\([A-Z1]\)|\d|[A-Z]+ \d))"
    r"|\b(?:REF)+(?:S|\(S\)|TELS?|ERENCES?)?[ \t]*:",
    re.IGNORECASE,
)

# --- where the block ends ---------------------------------------------------------------
_HARD_STOP = re.compile(
    r"Classified\s+By\b|CLASSIFIED\s+BY\b|¶\s*\d"
    r"|(?:^|(?<=\s))\d{1,2}\.\s{0,3}\((?:U|C|S|SBU|TS|[CS]/NF|S//NF|SBU/NF|C//NF)\)"
    r"|(?:^|(?<=\n))[ \t]*(?:\d{1,2}\.[ \t]+[A-Z]"
    r"|-{3,}|SUMMARY\b|Summary\b|E\.O\.|TAGS:|SUBJECT:|SIPDIS|\((?:U|SBU)\)"
    r"|C O N F|S E C R E T|U N C L A S)"
    r"|\bSensitive\s+but\s+Unclassified\b|\bThis\s+(?:message|cable|telegram)\s+is\b"
    r"|\bPlease\s+handle\b",
    re.IGNORECASE,
)
#: Running prose (four lower-case words in a row) is no longer a list of references.
_PROSE = re.compile(r"\b[a-z]+[ \t]+[a-z]+[ \t]+[a-z]+[ \t]+[a-z]+\b")
#: After a blank line: does the next line carry on the list, or start the text?
_NEXT_IS_BULLET = re.compile(r"^[ \t¶-]*(?:\(?[A-Z]\)|[A-Z]\.(?=[\s(])|\(\d{1,2}\))")
_NEXT_IS_NUMBER = re.compile(r"^[ \t]*\d+(?![\d.])")
_NEXT_IS_PARAGRAPH = re.compile(r"^[ \t¶]*\d{1,2}\.")
_ENDS_OPEN = re.compile(
    r"(?:[A-Za-z]|,|-|&|\bAND|(?<!\d)\d{2}|(?<!\d)\d{4}|(?:^|[\s,;])\(?[A-Z][.)])[ \t]*$"
)

# --- page furniture inside the block -----------------------------------------------------
#: ``TRIPOLI 00000402 001.2 OF 003`` (the number may sit on the next line).
_PAGE_MARKER = re.compile(r"\b0{2,}\d{1,7}\s+\d{3}(?:\.\d{1,2})?\s+OF\s+\d{3}\b")
#: ``CONFIDENTIAL PAGE 02 ROME 01196 01 OF 02 082030Z`` (older telegrams).
_OLD_PAGE_HEADER = re.compile(
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)\s+PAGE\s+\d{2,3}\s+"
    r"[A-Z][A-Z .'-]*?\s+\d{2,}\s+\d{2}\s+OF\s+\d{2}\s+\d{6}Z"
)
_WORD_BEFORE = re.compile(r"([A-Z][A-Z'’.-]*)[ \t]+$")

# --- bullets and items ----------------------------------------------------------------------
_BULLET = re.compile(
    r"(?:^|(?<=[\s,;:.¶-]))(?:"
    r"^(?P<lead>[A-Z])(?=[ \t])|"
    r"\(\s?(?P<paren>[A-Za-z]|\d{1,2})\s?\)"
    r"|(?P<close>[A-Za-z])\)"
    r"|(?P<dot>[A-Za-z])\.(?=[\s(]|[A-Za-z]\)|$)"
    r"|(?P<colon>[A-Z]):(?=\s)"
    r"|(?<=REF )(?P<ref>[A-Z])(?=\s)"
    r"|(?P<bare>[A-Z])(?=\s+-?\s*(?:\d|(?:[A-Z][A-Za-z'’]*\s+){1,3}\d))"
    r")"
)
_TOKEN = re.compile(
    r"(?P<num>\d+)|(?P<word>[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*)|(?P<sep>[,/&;])"
    r"|(?P<dash>-)|(?P<lp>\()|(?P<rp>\))|(?P<colon>:)|(?P<other>\S)"
)
#: Parenthesised text after a serial that is a marking, not a title: ``(SBU)``, ``(NOTAL)``.
_MARKING = re.compile(
    r"(?:U|C|S|TS|SBU|NF|NOFORN|NOTAL|EXDIS|NODIS|LIMDIS|[A-Z]{1,3}//?[A-Z]{1,6})"
)
_ZERO_FOR_O = re.compile(r"\b0(?=[A-Z]{3,}\b)|(?<=[A-Z]{3})0\b")
_O_FOR_ZERO = re.compile(r"\bO(?=\d\b)")
_REF_WORDS = frozenset({"REF", "REFS", "REFTEL", "REFTELS", "REFERENCE", "REFERENCES"})

# --- what a non-cable item is -------------------------------------------------------------
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EMAIL", re.compile(r"\bE-?MAILS?\b", re.I)),
    ("TEL", re.compile(r"\bTELE?CONS?\b|\bTELEPHONE\b|\bPHONE\s+CALLS?\b", re.I)),
    ("BOOK", re.compile(r"\w*BOOKS?\b|\bISBN\b|\b\d+\s+FAM\b|\bMANUAL\b", re.I)),
    ("REPORT", re.compile(
        r"\bREPORTS?\b|\bIIR\b|\bTDX?-\d|\bINCSR\b|\bOSC\b|\bFBIS\b|\bREADOUT\b|\bMEMCON\b"
        r"|\bSITREP\b|\bPRESS\s+RELEASE\b|\bDAILY\b|\bMEMO(?:RANDUM)?\b", re.I)),
)
_REPORT_ONLY = _KINDS[-1][1]
#: An item worth a problem when unread: it has a word or a number that is not a REF word.
_READABLE_JUNK = re.compile(r"\b(?!(?:REF|REFS|REFTELS?|REFERENCES?)\b)[A-Za-z]{2,}|\d", re.I)
_PARENS = re.compile(r"\([^()]*\)")
_SPACES = re.compile(r"\s+")


Token = tuple[str, str, int, int]  # (kind, text, start, end)
Found = list[tuple[str, str | None]]  # (cable id, title)


@dataclass(slots=True)
class RefBlock:
    """What the scanner found: references, their span, and the items it could not read."""

    start: int
    end: int
    references: list[Reference] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    missing_year: bool = False
    last_station: str | None = None


# ----------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------
def references(text: str, year: int | None, reference_id: str | None = None) -> list[Reference]:
    """The references of the first REF block in `text`; ``[]`` when there is none.

    `year` (the cable's year) dates serials written without one; `reference_id` (the
    cable's own id) is left out of the result: page furniture often repeats it.
    """
    block = scan(text, year, reference_id)
    return block.references if block else []


def scan(
    text: str,
    year: int | None,
    reference_id: str | None = None,
    start: int = 0,
    end: int | None = None,
) -> RefBlock | None:
    """Find and read the first REF block of ``text[start:end]`` (offsets stay in `text`)."""
    if not text:
        return None
    stop = len(text) if end is None else min(end, len(text))
    segment = text[start:stop]
    if "REF" not in segment and "Ref" not in segment and "ref" not in segment:
        return None  # the common case, found without a regex
    marker = _MARKER.search(text, _marker_from(text, segment, start), stop)
    if not marker:
        return None
    block_start = marker.end()
    block_text = _block_text(text[block_start:min(len(text), block_start + _MAX_BLOCK)])
    result = RefBlock(start=marker.start(), end=block_start + len(block_text))
    own = canonical_id(reference_id) if reference_id else None
    own_parts = split_id(own) if own else None
    if year is None and own_parts:
        year = int(own_parts[0])
    default_year = f"{year % 100:02d}" if year is not None else None
    for bullet, offset, item in _items(block_text):
        _read_item(item, bullet, block_start + offset, default_year, own, result)
    return result


def _marker_from(text: str, segment: str, start: int) -> int:
    """Where `_MARKER` can first match in `text` (`segment` is ``text[start:stop]``).

    Every match holds a ``REF`` (any case) and begins at it or at the blanks before it, so
    the search may begin there: the case-insensitive pattern with lookbehinds is slow to
    run over the text in front. Lowering keeps offsets only for ASCII text.
    """
    if not segment.isascii():
        return start
    first = segment.lower().find("ref")
    if first < 0:
        return start
    begin = start + first
    while begin > start and text[begin - 1] in " \t":
        begin -= 1
    return begin


# ----------------------------------------------------------------------------------------
# the block
# ----------------------------------------------------------------------------------------
def _blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces, newlines kept (offsets and lines hold)."""
    middle = "".join(ch if ch == "\n" else " " for ch in text[start:end])
    return text[:start] + middle + text[end:]


@lru_cache(maxsize=4096)
def _starts_a_station(candidate: str) -> bool:
    return any(key.startswith(candidate) for key in station_table()[1])


def _without_page_furniture(text: str) -> str:
    if "PAGE" in text:
        for match in reversed(list(_OLD_PAGE_HEADER.finditer(text))):
            text = _blank(text, match.start(), match.end())
    if " OF " not in text and "\nOF " not in text:
        return text
    for match in reversed(list(_PAGE_MARKER.finditer(text))):
        start = match.start()
        # The post name before the number: as many words as still spell a station's start.
        words_start = start
        probe = start
        for _ in range(3):
            word = _WORD_BEFORE.search(text, max(0, probe - 40), probe)
            if not word:
                break
            if not _starts_a_station(letters(text[word.start(1):start])):
                break
            words_start = probe = word.start(1)
        text = _blank(text, words_start, match.end())
    return text


def _block_text(window: str) -> str:
    """The REF block at the start of `window`, cut at its end (same offsets as `window`)."""
    stop = _HARD_STOP.search(window)
    if stop:
        window = window[: stop.start()]
    window = _without_page_furniture(window.replace("\\", " "))
    prose = _PROSE.search(window)
    if prose:
        window = window[: prose.start()]
    lines = window.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip():
            kept.append(line)
            index += 1
            continue
        following = index
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following == len(lines) or not kept:
            if not kept:  # nothing yet on the REF line itself: the list starts below
                kept.extend(lines[index:following])
                index = following
                continue
            break
        if not _continues(kept, lines[following]):
            break
        kept.extend(lines[index:following])
        index = following
    return "\n".join(kept)


def _continues(kept: list[str], following: str) -> bool:
    """Does the list go on after a blank line? (the next bullet, or an item split in two)."""
    if _NEXT_IS_PARAGRAPH.match(following):
        return False
    bullet = _NEXT_IS_BULLET.match(following)
    if bullet:
        letter = next(ch for ch in bullet.group() if ch.isalnum())
        if letter in "A1":
            return True
        before = chr(ord(letter) - 1)
        return bool(re.search(rf"(?:^|[\s(¶,;]){before}[.)]", "\n".join(kept)))
    previous = kept[-1]
    if _ENDS_OPEN.search(previous):
        return bool(_NEXT_IS_NUMBER.match(following)) or bool(
            re.match(r"^\s*[A-Z][A-Za-z'’ ]{1,30}?\s+\d", following)
        )
    return False


def _items(block: str) -> list[tuple[str | None, int, str]]:
    """Split the block at its bullets (in sequence A, B, C … or (1), (2) …) and at ``;``."""
    cuts: list[tuple[int, int, str | None]] = []  # (start, end, bullet)
    current: str | None = None
    last_end = 0
    for match in _BULLET.finditer(block):
        letter = next(g for g in match.groups() if g)
        if current is None:
            accept = letter in ("A", "a", "1")
        elif letter == current:
            # "A. A) ROME", "A. REF A HAVANA": the same bullet written twice.
            accept = not re.search(r"\d", block[last_end:match.start()])
        elif letter.isdigit() and current.isdigit():
            accept = int(letter) == int(current) + 1
        else:
            accept = (len(letter) == 1 and not letter.isdigit() and not current.isdigit()
                      and ord(letter) == ord(current) + 1)
        if not accept:
            continue
        if letter != current:
            cuts.append((match.start(), match.end(), letter))
        else:
            cuts.append((match.start(), match.end(), "="))
        current = letter
        last_end = match.end()
    pieces: list[tuple[str | None, int, str]] = []
    bullet: str | None = None
    position = 0
    for start, end, letter in cuts:
        pieces.append((bullet, position, block[position:start]))
        if letter != "=":
            bullet = letter.upper()
        position = end
    pieces.append((bullet, position, block[position:]))
    # A repeated bullet only blanks its letter: glue the halves back together.
    merged: list[tuple[str | None, int, str]] = []
    for piece in pieces:
        if merged and merged[-1][0] == piece[0]:
            last = merged[-1]
            gap = " " * (piece[1] - last[1] - len(last[2]))
            merged[-1] = (last[0], last[1], last[2] + gap + piece[2])
        else:
            merged.append(piece)
    items: list[tuple[str | None, int, str]] = []
    for bullet, offset, piece in merged:
        position = 0
        for part in piece.split(";"):
            if part.strip():
                items.append((bullet, offset + position, part))
            position += len(part) + 1
    return items


# ----------------------------------------------------------------------------------------
# one item
# ----------------------------------------------------------------------------------------
def _year2(value: str) -> str | None:
    """``"08"`` for 08 / 2008 / 1998→98; None for a number that is no year."""
    if len(value) == 2:
        return value
    if len(value) == 4 and 1940 <= int(value) <= 2039:
        return value[2:]
    return None


def _station_of(words: list[str]) -> tuple[str, int] | None:
    """(station, words used) for the longest run of trailing `words` naming a post."""
    aliases = station_table()[1]
    for count in range(len(words), 0, -1):
        found = aliases.get(letters("".join(words[-count:])))
        if found:
            return found, count
    for count in range(len(words), 0, -1):
        found = resolve_station("".join(words[-count:]), min_prefix=6, min_typo=6)
        if found:
            return found, count
    return None


def _read_item(
    item: str,
    bullet: str | None,
    offset: int,
    default_year: str | None,
    own: str | None,
    result: RefBlock,
) -> None:
    fixed = _O_FOR_ZERO.sub("0", _ZERO_FOR_O.sub("O", item))
    cables, first_at = _cables(fixed, default_year, result)
    kind = None
    if cables and _REPORT_ONLY.search(_PARENS.sub(" ", fixed[:first_at])):
        cables = []  # "INCSR BRAZIL 2008": a report named after a country, not a cable
    if not cables:
        for name, pattern in _KINDS:
            if pattern.search(item):
                kind = name
                break
    if not cables and not kind:
        cables = _bare_serials(fixed, default_year, result)
    if cables:
        result.last_station = split_id(cables[-1][0])[1] if split_id(cables[-1][0]) else None
        for value, title in cables:
            if value != own:
                result.references.append(Reference(value, "CABLE", bullet, title))
    elif kind:
        result.references.append(Reference(_clean_value(item), kind, bullet, None))
    elif _READABLE_JUNK.search(item):
        result.unreadable.append((offset + len(item) - len(item.lstrip()), _clean_value(item)))


_TRAILING_REF = re.compile(r"(?:\s+REF(?:S|TELS?)?)+$", re.IGNORECASE)


def _clean_value(item: str) -> str:
    """An item as a one-line value: no paragraph signs, no trailing ``REF`` of the next line."""
    value = _SPACES.sub(" ", item.replace("¶", " ")).strip(" ,;-")
    return _TRAILING_REF.sub("", value).strip(" ,;-")


_BARE_SERIALS = re.compile(
    r"^[\s\-]*(\d{3,7})((?:\s*(?:,|/|&|\bAND\b)\s*\d{3,7})*)"
    r"(?:\s*,?\s*AND\s+(?:PREVIOUS|PRIOR|OTHERS))?[\s.,]*$",
    re.IGNORECASE,
)


def _bare_serials(item: str, default_year: str | None, result: RefBlock) -> Found:
    """``B. 2962 AND PREVIOUS``: serials with no post are the previous item's post's."""
    match = _BARE_SERIALS.match(item)
    station = result.last_station
    if not match or not station or default_year is None:
        return []
    serials = [match.group(1), *re.findall(r"\d+", match.group(2))]
    return [(f"{default_year}{station}{int(serial)}", None) for serial in serials if int(serial)]


def _cables(item: str, default_year: str | None, result: RefBlock) -> tuple[Found, int]:
    """The cable ids of one item, with titles; and where the first one starts."""
    tokens = [(m.lastgroup or "", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(item)]
    found: Found = []
    first_at = len(item)
    words: list[tuple[str, int]] = []  # pending post-name words and where they start
    pending_year: str | None = None
    last_station: str | None = None
    last_year: str | None = None
    after_separator = False
    previous_was_serial = False
    count = len(tokens)

    def emit(station: str, serial: str, year: str | None, at: int) -> None:
        nonlocal first_at, last_station, last_year
        if year is None:
            result.missing_year = True
            return
        digits = serial.lstrip("0")
        if not digits or len(digits) > 7:
            return
        found.append((f"{year}{station}{digits}", None))
        first_at = min(first_at, at)
        last_station, last_year = station, year

    index = 0
    while index < count:
        kind, value, start, end = tokens[index]
        nxt = tokens[index + 1] if index + 1 < count else None
        serial_now = False
        if kind == "word":
            upper = value.upper()
            if upper == "AND":
                after_separator, words = True, []
            elif upper in _REF_WORDS:
                words = []
            elif upper == "OF" and previous_was_serial and nxt and nxt[0] == "num" \
                    and len(nxt[1]) == 4 and _year2(nxt[1]) and found:
                last_year = _redate_last(found, nxt[1])
                index += 2
                continue
            else:
                words.append((upper, start))
                del words[:-5]
        elif kind == "num":
            station = _station_of([word for word, _ in words]) if words else None
            is_dtg = nxt is not None and nxt[0] == "word" and nxt[2] == end \
                and nxt[1].upper() == "Z"
            if is_dtg:
                words, pending_year = [], None
            elif station:
                extra, suffix = _year_after(tokens, index)
                emit(station[0], value, suffix or pending_year or default_year,
                     words[-station[1]][1])
                serial_now = True
                index += extra
                words, pending_year, after_separator = [], None, False
            elif _year2(value) and nxt is not None and nxt[0] == "word" \
                    and nxt[1].upper() not in _REF_WORDS \
                    and _serial_follows(tokens, index + 1):
                pending_year, words = _year2(value), []
            elif not words and after_separator and last_station:
                extra, suffix = _year_after(tokens, index)
                emit(last_station, value, suffix or last_year, start)
                serial_now = True
                index += extra
                after_separator = False
            else:
                station_after = _station_after(tokens, index + 1)
                if station_after:
                    emit(station_after[0], value, pending_year or default_year, start)
                    index = station_after[1]
                    words, pending_year = [], None
                    previous_was_serial = True
                    continue
                words, pending_year = [], None
        elif kind == "sep":
            after_separator = True
        elif kind == "lp":
            close = _closing(tokens, index)
            inner = tokens[index + 1:close]
            if len(inner) == 1 and inner[0][0] == "num" and _year2(inner[0][1]):
                if previous_was_serial and found:
                    last_year = _redate_last(found, inner[0][1])
                else:
                    pending_year = _year2(inner[0][1])
            else:
                if previous_was_serial and found and close > index + 1:
                    title = item[start + 1:tokens[close][2] if close < count else len(item)]
                    title = _SPACES.sub(" ", title).strip(" \"'“”")
                    if title and not _MARKING.fullmatch(title.upper()):
                        found[-1] = (found[-1][0], title)
                words = []
            previous_was_serial = False
            index = close + 1
            continue
        elif kind in ("dash", "colon"):
            words = []
        previous_was_serial = serial_now
        index += 1
    return found, first_at


def _redate_last(found: Found, year: str) -> str:
    """Re-date the last id found (a year after its serial: ``STATE 1234 OF 2007``)."""
    year = _year2(year) or year
    value, title = found[-1]
    parts = split_id(value)
    if parts:
        found[-1] = (f"{year}{parts[1]}{parts[2]}", title)
    return year


def _year_after(tokens: list[Token], index: int) -> tuple[int, str | None]:
    """(extra tokens taken, year) for a year written right after the serial at `index`."""
    count = len(tokens)
    end = tokens[index][3]

    def at(i: int) -> Token | None:
        return tokens[i] if i < count else None

    first, second, third = at(index + 1), at(index + 2), at(index + 3)
    # "AMMAN 5049-01"
    if first and first[0] == "dash" and first[2] == end and second and second[0] == "num" \
            and len(second[1]) == 2 and second[2] == first[3]:
        return 2, second[1]
    # "AMMAN 07718 99," — a 2-digit year after a space, not the year of a next reference
    if first and first[0] == "num" and len(first[1]) == 2 and first[2] > end \
            and (second is None or second[0] in ("sep", "dash")):
        return 1, first[1]
    # "STATE 1234 OF 2007"
    if first and first[0] == "word" and first[1].upper() == "OF" and second \
            and second[0] == "num" and len(second[1]) == 4 and _year2(second[1]):
        return 2, _year2(second[1])
    # "ASUNCION 701 (08)"
    if first and first[0] == "lp" and second and second[0] == "num" and _year2(second[1]) \
            and third and third[0] == "rp":
        return 3, _year2(second[1])
    return 0, None


def _serial_follows(tokens: list[Token], index: int) -> bool:
    """After the words from `index`, does a number come (so a number before them is a year)?"""
    for kind, _value, _start, _end in tokens[index:index + 6]:
        if kind == "num":
            return True
        if kind == "lp":
            continue
        if kind not in ("word", "rp"):
            return False
    return False


def _station_after(
    tokens: list[Token], index: int
) -> tuple[str, int] | None:
    """``870 Ulaanbaatar``: a post name after the serial, at the end of the item."""
    words: list[str] = []
    position = index
    while position < len(tokens) and tokens[position][0] == "word" and len(words) < 4:
        words.append(tokens[position][1].upper())
        position += 1
    if not words or (position < len(tokens) and tokens[position][0] not in ("sep",)):
        return None
    aliases = station_table()[1]
    found = aliases.get(letters("".join(words)))
    return (found, position) if found else None


def _closing(tokens: list[Token], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        if tokens[position][0] == "lp":
            depth += 1
        elif tokens[position][0] == "rp":
            depth -= 1
            if depth == 0:
                return position
    return len(tokens)


# ----------------------------------------------------------------------------------------
# the rule
# ----------------------------------------------------------------------------------------
_FIRST_PARAGRAPH = re.compile(r"(?m)^[ \t]*¶?[ \t]*1\.[ \t]*(?:\(|[A-Z])|¶\s*1\b")


def apply(state: ParseState) -> None:
    """Fill `cable.references` from the REF block of the preamble (else from metadata)."""
    body = state.body
    limit = min(len(body), state.preamble_end + _PREAMBLE_WINDOW)
    first_paragraph = _FIRST_PARAGRAPH.search(body, state.preamble_end, limit)
    if first_paragraph:
        limit = first_paragraph.start()
    block = scan(body, state.year, state.cable.id, 0, limit)
    found: list[Reference] = []
    if block:
        found = block.references
        state.preamble_end = max(state.preamble_end, block.end)
        for offset, item in block.unreadable:
            state.problem("references", f"unreadable reference: {item[:80]!r}", body_offset=offset)
        if block.missing_year:
            state.problem("references", "reference without a year and the cable's year unknown",
                          body_offset=block.start)
    if not any(ref.kind == "CABLE" for ref in found):
        listed = state.doc.metadata.get("references") or []
        if isinstance(listed, str):
            listed = re.split(r"[|,;\s]+", listed)
        own = state.cable.id
        for raw in listed:
            if isinstance(raw, str) and raw.strip():
                value = canonical_id(raw)
                if value != own:
                    found.append(Reference(value, "CABLE"))
    state.cable.references = found
