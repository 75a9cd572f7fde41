"""The E.O. line: when the cable is to be declassified.

``E.O. 12958: DECL: 12/08/2018`` gives a date; older orders give a marker instead
(E.O. 11652 / 12065 ``GDS``, ``XGDS-2``, E.O. 12356 ``DECL: OADR``, ``DECL: 1.6X1``).
`declassify_on` returns an ISO date when the line has one, else the marker as written
(``GDS``, ``OADR``, ``X1``), and None when there is no E.O. line or it says ``N/A``.

Two cases are decided here on purpose:

* ``DECL: DECLASSIFIED BY NARA 09/02/2009`` (and ``AS AMENDED; DECLASSIFIED JUNE 21, 2006``)
  is a stamp added when the cable *was* released, not a date the cable set for itself, so
  `declassify_on` is None; the rule keeps the release date in
  ``state.scratch["declassified_on"]``.
* ``DNG: CO 04/08/2026`` is a *downgrade* date; it is returned as the marker as written,
  since it is no declassification date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from cablescope.parse.state import ParseState

#: The E.O. line lives in the first lines of the body; never scan further.
PREAMBLE_WINDOW = 4096

#: Look this far first; most E.O. lines are there, and scanning costs per character.
FIRST_LOOK = 1024
#: ``E.O. 12958:``, ``EO 12958``, ``E. O. 11652:``, ``E.o. 12958: decl:`` …
EO_LABEL = re.compile(
    r"(?:(?<![A-Za-z])E\.?[ \t]?[O0]\.?|E\.[ \t]?O\.)[ \t]*(?P<order>1\d{3,4})\b[ \t]*[:;,.]?", re.I
)
#: A value put on the line after the label (``E.O. 12958:`` / ``DECL: 06/09/2015``).
_NEXT_LINE_VALUE = re.compile(r"[ \t]*\n[ \t]*(?=DECL|N/?A\b)", re.I)
#: What ends the value on a flattened line: the next field label.
_VALUE_END = re.compile(
    r"\n|(?<![A-Za-z])(?:T?AGS?|TAS|TAGES)\s*[:;,]|\bTAGS?\b|\bSUBJ(?:ECT)?\s*:|\bREF\s*:"
    r"|(?<![A-Za-z])CLASSIFIED\s+BY",
    re.I,
)
_REASONS_NOT_DATE = re.compile(r"(?:reasons?|1\.[45]|\d\.\d\s*\()", re.I)
_NOT_APPLICABLE = re.compile(r"^\W*N\s*/?\s*A\b|^\W*NONE\b", re.I)
_DECL = re.compile(r"^\W*(?:DECL(?:ASSIFY)?l?(?:\s+ON)?\s*[:;.]?\s*)+", re.I)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:(?P<y1>\d{4})[/.-](?P<m1>\d{1,2})[/.-](?P<d1>\d{1,2})"
    r"|(?P<m2>\d{1,2})[/.-](?P<d2>\d{1,2})[/.-](?P<y2>\d{4}|\d{2}))(?!\d)"
)
_RELEASED = re.compile(r"DECLASSIFIED\b", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_WORD_DATE = re.compile(r"\b(?P<month>[A-Z]{3})[A-Z]*\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b",
                        re.I)
#: ``(X1)``, ``1.6X1``, ``25X1``: an exemption marker; ``1.6`` is the section, not the mark.
_EXEMPTION = re.compile(r"^\(?\s*(?:1\.6\s*)?(?P<mark>(?:25)?X\d)\s*\)?$", re.I)


class Deadline:
    """What the E.O. line says: a date, a marker, a release stamp or nothing readable."""

    __slots__ = ("end", "marker", "released", "start", "unreadable", "value")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.value: str | None = None
        self.marker: str | None = None
        self.released: str | None = None
        self.unreadable: str | None = None


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_in(text: str) -> tuple[str | None, str | None]:
    """(ISO date, the date as written) of the first date in `text`; (None, raw) if invalid."""
    match = _NUMERIC_DATE.search(text)
    if match:
        if match["y1"]:
            year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
        else:
            year, month, day = _year(match["y2"]), int(match["m2"]), int(match["d2"])
        iso = _iso(year, month, day)
        if iso is None and month > 12 and day <= 12:  # written day first: 31/12/2015
            iso = _iso(year, day, month)
        return iso, match.group()
    word = _WORD_DATE.search(text)
    if word and word["month"].upper() in _MONTHS:
        return _iso(int(word["year"]), _MONTHS[word["month"].upper()], int(word["day"])), \
            word.group()
    return None, None


def _labels(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """E.O. labels in text[start:end], the first lines first (scanning costs per character)."""
    near_end = start + FIRST_LOOK
    if near_end >= end:
        yield from EO_LABEL.finditer(text, start, end)
        return
    last_end = start
    for label in EO_LABEL.finditer(text, start, near_end):
        if label.end() > near_end - 16:
            break  # may be cut by the look-ahead bound: read it again below
        last_end = label.end()
        yield label
    yield from EO_LABEL.finditer(text, max(last_end, near_end - 32), end)


def read_deadline(text: str, start: int = 0, end: int | None = None) -> Deadline | None:
    """Find and read the first E.O. line in text[start:end]; None when there is none."""
    end = len(text) if end is None else min(end, len(text))
    for label in _labels(text, start, end):
        value_start = label.end()
        next_line = _NEXT_LINE_VALUE.match(text, value_start, end)
        if next_line:
            value_start = next_line.end()
        stop = _VALUE_END.search(text, value_start, end)
        value_end = stop.start() if stop else end
        raw = text[value_start:value_end].strip(" \t\\\",")
        if _REASONS_NOT_DATE.match(raw):
            continue  # ``E.O. 12958, reasons 1.4 (b)``: a Classified By line, not the E.O. line
        found = Deadline(label.start(), value_end)
        _interpret(found, raw)
        return found
    return None


def _interpret(found: Deadline, raw: str) -> None:
    if not raw:
        found.unreadable = raw
        return
    if _NOT_APPLICABLE.match(raw):
        return
    if _RELEASED.search(raw):
        found.released = _date_in(raw)[0]
        return
    if raw.endswith("..."):  # cut off by the publication
        found.unreadable = raw
        return
    rest = _DECL.sub("", raw).strip(" \t.;:,\\\"")
    if not rest:
        found.unreadable = raw
        return
    if _NOT_APPLICABLE.match(rest):
        return
    if re.match(r"DNG\b", rest, re.I):  # a downgrade date, not a declassification date
        found.marker = rest
        return
    iso, written = _date_in(rest)
    if iso:
        found.value = iso
        return
    if written:
        found.unreadable = written
        return
    exemption = _EXEMPTION.match(rest)
    found.marker = exemption["mark"].upper() if exemption else " ".join(rest.split())


def declassify_on(text: str) -> str | None:
    """The ISO date (or marker) of the first E.O. line in `text`; None without one or N/A."""
    found = read_deadline(text, 0, PREAMBLE_WINDOW)
    if found is None:
        return None
    return found.value or found.marker


def apply(state: ParseState) -> None:
    """Fill `declassify_on` from the preamble; an unreadable date is a problem."""
    found = read_deadline(state.body, 0, PREAMBLE_WINDOW)
    if found is None:
        return
    state.cable.declassify_on = found.value or found.marker
    if found.released:
        state.scratch["declassified_on"] = found.released
    if found.unreadable is not None:
        what = repr(found.unreadable) if found.unreadable else "nothing"
        state.problem("declassify_on", f"E.O. line present but unreadable: {what}",
                      body_offset=found.start)
    state.preamble_end = max(state.preamble_end, found.end)
