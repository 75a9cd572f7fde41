"""The routing header: transmission id, DE line, date-time group, sender and addressees.

A telegram's header is a short, line-oriented block (``VZCZC…``, ``DE RUEHLO #3062/01
3431651``, ``O 081651Z DEC 08``, ``FM …``, ``TO …``, ``INFO …``), so one pass over its
lines with a small state machine reads it all; every line is matched once, against
precompiled patterns, which keeps the rule well under 100 µs on a typical header.

Real headers are messier than the textbook: page-break lines inside the address blocks,
``XMT`` exclusion lists qualifying a collective, ``ZEN/`` addressees (delivered by other
means), State's internal distribution block (``INFO LOG-00 …``) before the DTG, e-mail
preambles, and in the WikiLeaks text format the last addressee glued to the
classification banner (``… IMMEDIATES E C R E T SECTION 01 OF 02``). All of these are
handled here; anything that looks like a DTG/FM/TO line but cannot be read becomes a
`Problem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache

from cablescope.model import Precedence, Recipient
from cablescope.parse.state import ParseState

# -- patterns ---------------------------------------------------------------------------

#: Precedence prosigns of the DTG line.
PRECEDENCE_LETTERS: dict[str, str] = {
    "Z": "FLASH",
    "O": "IMMEDIATE",
    "P": "PRIORITY",
    "R": "ROUTINE",
}

#: Military time-zone letters → hours ahead of UTC (J, "local time", has no offset).
_ZONE_OFFSETS: dict[str, int] = {
    **{letter: hours for hours, letter in enumerate("ABCDEFGHI", start=1)},
    "K": 10, "L": 11, "M": 12,
    **{letter: -hours for hours, letter in enumerate("NOPQRSTUVWXY", start=1)},
    "Z": 0,
}

_MONTHS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}

#: Two-digit years at or above this are 19xx, below it 20xx: the corpora run 1966-2010,
#: so any pivot between 11 and 65 reads them all right; 50 leaves room on both sides.
YEAR_PIVOT = 50

#: ``O 081651Z DEC 08``, ``O P 232203Z JUN 09 ZDK``, ``281413Z Jul 03``, ``NIACT O …``.
_DTG_BODY = (
    r"(?P<niact>NIACT[ \t]+)?(?:(?P<action>[A-Z])(?:[ \t]+(?P<info>[A-Z]))?[ \t]+)?"
    r"(?P<day>\d\d)(?P<hour>\d\d)(?P<minute>\d\d)[ \t]?(?P<zone>[A-Z])[ \t]+"
    r"(?P<month>[A-Za-z]{3})[A-Za-z]*\.?[ \t]+(?P<year>\d{4}|\d\d)(?!\d)"
)
_DTG = re.compile(_DTG_BODY)
#: The same, anywhere at the start of a line of a longer text.
_DTG_SEARCH = re.compile(r"^[ \t]*" + _DTG_BODY, re.MULTILINE)
#: Something shaped like a DTG line that `_DTG` could not read (typos, bad digits).
_DTG_LIKE = re.compile(r"(?:NIACT[ \t]+)?[A-Z](?:[ \t]+[A-Z])?[ \t]+\d{4,7}[A-Z]?(?:[ \t]|\Z)")

#: ``DE RUEHLO #3062/01 3431651``.
_DE = re.compile(
    r"DE[ \t]+(?P<route>[A-Z0-9]{4,8})(?:[ \t]+#[ \t]?(?P<serial>\d+)(?:/(?P<section>\d+))?)?"
    r"(?:[ \t]+(?P<julian>\d{7}))?"
)
#: ``ZNY SSSSS ZZH``: secure (ZNY) or not (ZNR), then the classification letters.
_ZN = re.compile(r"(?P<handling>ZN[YR])[ \t]+(?P<letters>[A-Z]{5})\b")
_TRANSMISSION_ID = re.compile(r"VZCZC[A-Z0-9]+")

_KEYWORD = re.compile(r"(?P<word>TO|INFO|FM|XMT|BT)(?:[ \t]+|\Z)")

#: State's internal distribution (``INFO  LOG-00 EEB-00 …``, ``ACTION AF-00``): no addressees.
_DISTRIBUTION = re.compile(r"(?:ACTION|INFO)[ \t]+[A-Z0-9/]+-\d\d\b")
_PAGE_BREAK = re.compile(r"PAGE[ \t]+\d{1,3}\b")
#: Lines that end the header: a classification banner or the start of the text.
_HEADER_END = re.compile(
    r"[ \t]*(?:UNCLAS(?:SIFIED)?\b|CONFIDENTIAL\b|SECRET\b|TOP SECRET\b|LIMITED OFFICIAL USE\b"
    r"|S[ \t]E[ \t]C[ \t]R[ \t]E[ \t]T\b|C[ \t]O[ \t]N[ \t]F[ \t]I[ \t]D|U[ \t]N[ \t]C[ \t]L[ \t]A"
    r"|E\.[ \t]?O\.|TAGS:|SUBJECT:|SUBJ:)"
)
#: A banner glued to the last addressee, as the WikiLeaks text format prints it: spaced
#: letters anywhere, a plain level word right after the precedence or serial, or a plain
#: level word followed by a banner's shape (``SECTION 01 OF 02`` or a long serial).
_LEVEL_WORD = r"(?:UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|TOP SECRET)"
_GLUED_BANNER = re.compile(
    r"T O P  ?S E C R E T|S E C R E T|C O N F I D E N T I A L|U N C L A S"
    rf"|(?:(?<=IMMEDIATE)|(?<=PRIORITY)|(?<=ROUTINE)|(?<=FLASH)|(?<=\d{{4}}))\s*(?={_LEVEL_WORD})"
    rf"|\s*{_LEVEL_WORD}\s+SECTION\s+\d+\s+OF\s+\d+"
    rf"|\s*{_LEVEL_WORD}\s+[A-Z][A-Z .]*\s\d{{5,8}}\s*\Z"
)

#: Addressee lines are ``[ROUTE/]NAME [PRECEDENCE] [MCN]`` (``RUEHC/SECSTATE WASHDC
#: IMMEDIATE 0617``). The message centre number (MCN) usually follows the precedence,
#: sometimes precedes it; a bare trailing number is an MCN only with four digits (``CTF
#: 345`` is a name). They are read word by word from the end: faster than a backtracking
#: pattern, and this runs for every addressee.
_ROUTE = re.compile(r"R[A-Z0-9]{3,7}|ZEN")
_PRECEDENCE_WORDS = frozenset(("IMMEDIATE", "PRIORITY", "ROUTINE", "FLASH", "NIACT"))
_MCN_AFTER_PRECEDENCE = re.compile(r"\d{1,5}(?:-\d{1,5})?")
_MCN_BARE = re.compile(r"\d{4}(?:-\d{4})?")
#: An MCN glued to the name (``USMISSION UNVIE VIENNA0162``).
_GLUED_MCN = re.compile(r"(?<=[A-Z]{3})\d{4}\Z")
#: Words that, somewhere in an addressee line, may mean a banner was glued onto it.
_BANNER_HINTS = ("S E C", "C O N F", "U N C L", "T O P", "UNCLAS", "CONFIDENTIAL", "SECRET",
                 "LIMITED OFFICIAL")
_SPACES = re.compile(r"\s+")
_COLLECTIVE = re.compile(r"\bCOLLECTIVE\b|^ALL\b|\bPOSTS\b|SPECIAL EMBASSY PROGRAM")

#: How far into a body a header may start when the format had no separate header, and
#: how many lines it may run.
BODY_HEADER_LINES = 40
BODY_HEADER_MAX_LINES = 400
_BODY_HEADER_START = re.compile(r"^[ \t]*(?:VZCZC|DE[ \t]+R|FM[ \t]+\S|" + _DTG_BODY + ")",
                                re.MULTILINE)
_BANNER_LINE = re.compile(
    r"^[ \t]*(?:UNCLAS|CONFIDENTIAL|SECRET\b|TOP SECRET|LIMITED OFFICIAL USE"
    r"|S E C R E T|C O N F I D|U N C L A)", re.MULTILINE
)


# -- reading the header -----------------------------------------------------------------


@dataclass(slots=True)
class RoutingHeader:
    """Everything the header says, before it is put on the cable."""

    transmission_id: str | None = None
    #: What the DE and ZNY/ZNR lines say, as ``state.scratch["routing"]`` hands it on:
    #: ``route`` (sending station), ``serial``, ``section``, ``julian`` (day of year and
    #: time, ``3431651``), ``handling`` (``ZNY``/``ZNR``), ``transmission_class``
    #: (``SSSSS``).
    transmission: dict[str, str | None] = field(default_factory=dict)
    dtg: str | None = None
    precedence: Precedence = field(default_factory=Precedence)
    sender_name: str | None = None
    sender_route: str | None = None
    to: list[Recipient] = field(default_factory=list)
    info: list[Recipient] = field(default_factory=list)
    #: (field, message, offset in the text read)
    problems: list[tuple[str, str, int]] = field(default_factory=list)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@cache
def _indicator_table() -> dict[str, str]:
    """`cablescope.data.routing_indicators()`, loaded on first use; empty if unavailable.

    Looked up lazily so that reading a header never fails for want of the table: without
    it, addressees just get no decoded `station`.
    """
    try:
        from cablescope.data import routing_indicators
    except ImportError:
        return {}
    return {route: _clean(name) for route, name in routing_indicators().items()}


def _station(route: str | None, name: str) -> str | None:
    """The decoded station name, only where it tells more than the cable's own name."""
    if not route:
        return None
    decoded = _indicator_table().get(route)
    if decoded is None or decoded == name:
        return None
    return decoded


@lru_cache(maxsize=16384)
def _split_addressee(text: str) -> tuple[str | None, str, str | None, str | None]:
    """``RUEHC/SECSTATE WASHDC IMMEDIATE 0617`` → (route, name, precedence, mcn).

    Cached: collective address lists repeat from cable to cable (half the lines of the
    cablegate sample are seen before)."""
    route = None
    slash = text.find("/", 0, 9)
    if slash > 0 and _ROUTE.fullmatch(text, 0, slash):
        route, text = text[:slash], text[slash + 1:]
    words = text.split()
    precedence = mcn = None
    if len(words) > 1:
        last = words[-1]
        if (words[-2] in _PRECEDENCE_WORDS and _MCN_AFTER_PRECEDENCE.fullmatch(last)) or (
            _MCN_BARE.fullmatch(last)
        ):
            mcn = words.pop()
    if len(words) > 1 and words[-1] in _PRECEDENCE_WORDS:
        precedence = words.pop()
        if precedence == "IMMEDIATE" and len(words) > 1 and words[-1] == "NIACT":
            words.pop()
            precedence = "NIACT IMMEDIATE"
        if mcn is None and len(words) > 1 and _MCN_BARE.fullmatch(words[-1]):
            mcn = words.pop()  # "AMEMBASSY LONDON 8778 PRIORITY"
    name = " ".join(words)
    if mcn is None and precedence is None and (glued := _GLUED_MCN.search(name)):
        name, mcn = name[: glued.start()], glued.group(0)
    return route, name, precedence, mcn


def _recipient(text: str) -> Recipient | None:
    """One addressee line (without its TO/INFO keyword) → a `Recipient`."""
    route, name, precedence, mcn = _split_addressee(text)
    if not name:
        return None
    if route == "ZEN":  # "delivered by other means": a marker, not a routing indicator
        route = None
    return Recipient(route, name, precedence, mcn, [], _station(route, name))


def _dtg_iso(match: re.Match[str]) -> str | None:
    """A matched DTG → ``YYYY-MM-DDTHH:MM:00Z``; None when its values are impossible."""
    month = _MONTHS.get(match.group("month").upper())
    offset = _ZONE_OFFSETS.get(match.group("zone"))
    if month is None or offset is None:
        return None
    year = int(match.group("year"))
    if year < 100:
        year += 1900 if year >= YEAR_PIVOT else 2000
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    extra = timedelta(0)
    if hour == 24 and minute == 0:  # "2400" is midnight at the end of the day
        hour, extra = 0, timedelta(days=1)
    try:
        when = datetime(year, month, int(match.group("day")), hour, minute)
    except ValueError:
        return None
    when += extra - timedelta(hours=offset)
    return when.strftime("%Y-%m-%dT%H:%M:00Z")


def _dtg_precedence(match: re.Match[str]) -> Precedence:
    action = PRECEDENCE_LETTERS.get(match.group("action") or "")
    info = PRECEDENCE_LETTERS.get(match.group("info") or "")
    if match.group("niact"):
        action = f"NIACT {action or 'IMMEDIATE'}"
    return Precedence(action, info)


def _is_collective(name: str) -> bool:
    return _COLLECTIVE.search(name) is not None


def _exclude(names: list[str], blocks: tuple[list[Recipient], ...]) -> None:
    """Give XMT names to the nearest collective before them (own block first)."""
    for block in blocks:
        for recipient in reversed(block):
            if _is_collective(recipient.name):
                for name in names:
                    if name not in recipient.excluded:
                        recipient.excluded.append(name)
                return


def _read_preamble_line(line: str, result: RoutingHeader, offset: int) -> bool:
    """VZCZC, DE, ZNY/ZNR and DTG lines; True when the line was one of them."""
    first = line[0]
    if first == "V":
        tid = _TRANSMISSION_ID.match(line)
        if tid is None or result.transmission_id is not None:
            return False
        result.transmission_id = tid.group(0)
        return True
    if first == "D":
        de = _DE.match(line) if line.startswith("DE ") else None
        if de is None or "route" in result.transmission:
            return False
        result.transmission.update(route=de.group("route"), serial=de.group("serial"),
                                   section=de.group("section"), julian=de.group("julian"))
        return True
    if first == "Z" and (zn := _ZN.match(line)):  # else maybe a FLASH DTG: "Z 081651Z …"
        result.transmission.update(handling=zn.group("handling"),
                                   transmission_class=zn.group("letters"))
        return True
    if result.dtg is not None or not (
        first.isdigit() or line[1:2] in (" ", "\t") or line.startswith("NIACT")
    ):
        return False
    dtg_match = _DTG.match(line)
    if dtg_match:
        result.dtg = _dtg_iso(dtg_match)
        result.precedence = _dtg_precedence(dtg_match)
        if result.dtg is None:
            result.problems.append(("dtg", f"impossible date-time group: {line!r}", offset))
        return True
    if _DTG_LIKE.match(line):
        result.problems.append(("dtg", f"unreadable date-time group: {line!r}", offset))
        return True
    return False


def read_header(
    text: str, *, require_start: bool = False, stop_at_blank: bool = False
) -> RoutingHeader:
    """Read a routing header in one pass over its lines.

    With `require_start`, lines before the first VZCZC/DE/DTG/FM line are ignored, and with
    `stop_at_blank` a blank line ends the address blocks: both for a header found at the
    top of a body, where a stray ``TO`` in prose must not count.
    """
    result = RoutingHeader()
    to, info = result.to, result.info
    block: list[Recipient] | None = None  # the address block being read, if any
    excluding: list[str] | None = None  # names read after an XMT
    started = not require_start
    to_offset: int | None = None
    offset = 0

    def close_exclusion() -> None:
        if excluding:
            other = to if block is info else info
            _exclude(excluding, (block, other) if block is not None else (to, info))

    for raw in text.split("\n"):
        line_offset = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            if stop_at_blank and block is not None:
                break
            continue
        if block is None and _read_preamble_line(line, result, line_offset):
            started = True
            continue

        keyword = _KEYWORD.match(line)
        if keyword:
            word, line = keyword.group("word"), line[keyword.end():]
            if word == "FM":
                started = True
                close_exclusion()
                block = excluding = None
                route, name, _, _ = _split_addressee(line)
                if name:
                    result.sender_name, result.sender_route = name, route
                else:
                    result.problems.append(("sender", "FM line without a name", line_offset))
                continue
            if not started:
                continue
            if word == "BT":
                break
            if word == "INFO" and _DISTRIBUTION.match(raw.strip()):  # office codes only
                close_exclusion()
                block = excluding = None
                continue
            if word != "XMT":
                close_exclusion()
                excluding = None
                block = to if word == "TO" else info
                if word == "TO" and to_offset is None:
                    to_offset = line_offset
                inner = _KEYWORD.match(line)
                if inner and inner.group("word") == "XMT":  # "INFO XMT AMCONSUL X"
                    word, line = "XMT", line[inner.end():]
            if word == "XMT":
                close_exclusion()
                if block is None:
                    block = info if to else to
                excluding = []
            if not line:
                continue
        elif not started:
            continue

        if block is None or _PAGE_BREAK.match(line) or line[0] in "-(":
            continue
        if _HEADER_END.match(line):
            break
        glued = None
        for hint in _BANNER_HINTS:
            if hint in line:
                glued = _GLUED_BANNER.search(line)
                if glued:
                    line = line[: glued.start()]
                break
        if excluding is not None:
            name = _split_addressee(line)[1]
            if name:
                excluding.append(name)
        else:
            recipient = _recipient(line)
            if recipient is not None:
                block.append(recipient)
        if glued:
            break

    close_exclusion()
    if to_offset is not None and not to:
        result.problems.append(("to", "TO block without a readable addressee", to_offset))
    return result


def _header_in_body(body: str) -> tuple[int, str]:
    """Where a header sits at the top of a body: (its offset, its text), or (0, "").

    It must start (VZCZC, DE, DTG or FM line) within the first `BODY_HEADER_LINES` lines
    and before any banner; its text runs at most `BODY_HEADER_MAX_LINES` lines from there.
    """
    end = -1
    for _ in range(BODY_HEADER_LINES):
        end = body.find("\n", end + 1)
        if end < 0:
            end = len(body)
            break
    start = _BODY_HEADER_START.search(body, 0, end)
    if start is None:
        return 0, ""
    banner = _BANNER_LINE.search(body, 0, start.start())
    if banner is not None:
        return 0, ""
    stop = start.start()
    for _ in range(BODY_HEADER_MAX_LINES):
        stop = body.find("\n", stop + 1)
        if stop < 0:
            stop = len(body)
            break
    return start.start(), body[start.start():stop]


# -- public field functions -------------------------------------------------------------


def recipients(header: str) -> list[Recipient]:
    """The TO block's addressees, in order."""
    return read_header(header).to


def info_recipients(header: str) -> list[Recipient]:
    """The INFO block's addressees, in order."""
    return read_header(header).info


def _sender_of(found: RoutingHeader) -> Recipient | None:
    if not found.sender_name:
        return None
    route = found.sender_route or found.transmission.get("route")
    return Recipient(route, found.sender_name, station=_station(route, found.sender_name))


def sender(header: str) -> Recipient | None:
    """The originator: the FM line's name as written, routed by the DE line's station."""
    return _sender_of(read_header(header))


def dtg(text: str) -> str | None:
    """The date-time group (``O 081651Z DEC 08``) as ISO 8601 UTC, or None."""
    match = _DTG_SEARCH.search(text)
    return _dtg_iso(match) if match else None


def precedence(text: str) -> Precedence:
    """Action (and, for a two-letter DTG line, info) precedence from the DTG line."""
    match = _DTG_SEARCH.search(text)
    return _dtg_precedence(match) if match else Precedence()


# -- the rule ---------------------------------------------------------------------------


def apply(state: ParseState) -> None:
    """Fill transmission id, precedence, DTG, sender and addressees from the header.

    The DE/ZNY facts go to ``state.scratch["routing"]`` for `derive`'s fallbacks. Where the
    format had no separate header, only a header starting in the first `BODY_HEADER_LINES`
    lines of the body, before any banner, is read: never the whole body.
    """
    in_body = not state.header.strip()
    base, text = _header_in_body(state.body) if in_body else (0, state.header)
    if not text:
        return
    found = read_header(text, require_start=in_body, stop_at_blank=in_body)
    cable = state.cable
    if found.transmission_id:
        cable.transmission_id = found.transmission_id
    if found.dtg:
        cable.dtg = found.dtg
    if found.precedence.action or found.precedence.info:
        cable.precedence = found.precedence
    if found.sender_name:
        cable.sender = _sender_of(found)
    cable.to = found.to
    cable.info = found.info
    if found.transmission:
        state.scratch["routing"] = dict(found.transmission)
    for field_name, message, offset in found.problems:
        if in_body:
            state.problem(field_name, message, body_offset=base + offset)
        else:
            state.problem(field_name, message, header_offset=offset)
