"""JSON Lines exports: one object per line with ``origin``, ``date``, ``classification``,
``body`` (optionally ``id``, ``subject``, ``header``, ``tags``, ``references``…).

Such exports often flattened the cable's newlines into spaces, and the rules read
structure from line starts (banner, E.O., TAGS, SUBJECT, numbered paragraphs). `reflow`
puts newlines back before those markers; the document then carries a note saying its
structure was recovered heuristically, which the parser reports as a problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from cablescope.errors import CableError
from cablescope.parse.formats.common import (
    BANNER,
    body_start,
    find_banner,
    iso_date,
    split_header,
    split_list,
)
from cablescope.parse.state import Document

FORMAT = "jsonl"
FLATTENED_NOTE = "body newlines were flattened; structure recovered heuristically"

#: Keys an export may use for each metadata field, first match wins.
_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("id", "reference_id", "refid", "ref_id", "identifier", "cable_id"),
    "subject": ("subject", "title"),
    "date": ("date", "created", "datetime"),
    "released": ("released", "release_date"),
    "classification": ("classification",),
    "origin": ("origin", "source", "sender"),
}
_BODY_KEYS = ("body", "text", "content")
_HEADER_KEYS = ("header", "routing", "routing_header")

# -- reflowing a flattened body -------------------------------------------------------------
#
# Markers are found with `str.find` on short literals (an alternation of literals in one
# regex scans ~50x slower) and checked with an anchored regex where found; the blank run
# before a marker then becomes one or two newlines. Headings under a dash rule, page-break
# lines and the signature need a look backwards, done here in Python.

_CAPTIONS = re.compile(
    r"[ \t]*\b(SIPDIS|NOFORN|NODIS|EXDIS|LIMDIS|STADIS|SENSITIVE|CHEROKEE|ROGER|EFTO)\b[ \t]*"
)
_LINE = re.compile(
    r"E\.[ ]?O\.[ ]?1\d{4}|EO[ ]1\d{4}|TAGS:?[ ]|SUBJ(?:ECT)?:|REF(?:S|TEL)?:"
    r"|[Cc]lassified[ ][Bb]y|CLASSIFIED[ ]BY|(?:[Bb]egin|BEGIN)[ ](?:[Ss]ummary|SUMMARY)"
)
_END_SUMMARY = re.compile(r"(?:[Ee]nd|END)[ ](?:[Ss]ummary|SUMMARY)\b[.:-]*")
_PILCROW = re.compile(r"¶[ ]?\d{1,3}\.")
#: ``3. (C)``: a paragraph number before a portion marking.
_NUMBER_BEFORE = re.compile(r"(?<![\d.])\d{1,3}\.[ \t]+$")
_MARKING = re.compile(r"\((?:U|C|S|TS|SBU|FOUO)(?:/(?:NF|REL[^)]{0,40}|FOUO))?\)")
_RULE = re.compile(r"-{5,}(?:[ ]-{3,})*")
#: ``LONDON 00003062  002 OF 002``: the serial and page of a page-break line …
_PAGE_SERIAL = re.compile(r"\d{8}[ \t]+\d{3}(?:\.\d)?$")
#: … and the post name before it (``NEW DELHI``).
_POST_WORDS = re.compile(r"(?:[A-Z][A-Z.]* ){1,3}$")
#: ``… moves.  Meeting with MQM``: the last sentence end before a dash rule.
_HEADING_START = re.compile(r"[.!?\"')\]][ \t]+(?=[A-Z])")
_SENTENCE_END = frozenset(".!?:;\"')]")
#: A last all-caps word after a sentence end (or a redaction) is the signature
#: (``… Mumbai. TUTTLE``).
_SIGNATURE = re.compile(
    r"(?:(?<=[.!?\"')\]])|(?<=XXXXX))[ \t]+"
    r"((?!XXXXX)[A-Z][A-Z'-]{2,}(?: (?!XXXXX)[A-Z][A-Z'-]+)?\.{0,3})[ \t]*$"
)
_PREAMBLE_END = re.compile(r"E\.[ ]?O\.[ ]?1\d{4}|EO[ ]1\d{4}|TAGS:?[ ]|SUBJ(?:ECT)?:")

#: (literal to look for, what it may start).
_NEEDLES: tuple[tuple[str, str], ...] = (
    ("E.", "line"),
    ("EO ", "line"),
    ("TAGS", "line"),
    ("SUBJ", "line"),
    ("REF", "line"),
    ("lassified", "line"),
    ("LASSIFIED", "line"),
    ("egin", "line"),
    ("EGIN", "line"),
    ("nd summary", "end"),
    ("nd Summary", "end"),
    ("ND SUMMARY", "end"),
    ("¶", "para"),
    ("(", "marking"),
    ("-----", "rule"),
    ("-- ", "bullet"),
    (" OF ", "page"),
)
_VALIDATORS: dict[str, re.Pattern[str]] = {
    "line": _LINE,
    "end": _END_SUMMARY,
    "para": _PILCROW,
    "rule": _RULE,
}
_BACKUP = {
    "lassified": 1,
    "LASSIFIED": 1,
    "egin": 1,
    "EGIN": 1,
    "nd summary": 1,
    "nd Summary": 1,
    "ND SUMMARY": 1,
}


def is_flattened(text: str) -> bool:
    """A text of some length with (almost) no line breaks."""
    stripped = text.strip()
    return len(stripped) > 80 and stripped.count("\n") * 400 < len(stripped)


def _blank_before(text: str, pos: int) -> int:
    """Start of the run of spaces / tabs that ends at `pos`."""
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos


def _blank_after(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos


def _markers(body: str, start: int) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every structural marker after `start`, in text order."""
    found: list[tuple[int, int, str]] = []
    for needle, kind in _NEEDLES:
        pos = body.find(needle, start)
        while pos >= 0:
            at = pos - _BACKUP.get(needle, 0)
            resume = pos + len(needle)
            if kind in _VALIDATORS:
                match = _VALIDATORS[kind].match(body, at)
                if match is not None:
                    found.append((at, match.end(), kind))
                    resume = max(resume, match.end())
            elif kind == "marking":
                marking = _MARKING.match(body, pos)
                number = marking and _NUMBER_BEFORE.search(body, max(start, pos - 8), pos)
                if number:
                    found.append((number.start(), marking.end(), "para"))
            elif kind == "bullet":
                found.append((pos, pos + 2, kind))
            else:  # page
                serial = _PAGE_SERIAL.search(body, max(start, pos - 20), pos)
                if serial is not None and body[pos + 4 : pos + 7].isdigit():
                    post = _POST_WORDS.search(body, max(start, serial.start() - 40), serial.start())
                    first = post.start() if post else serial.start()
                    found.append((first, pos + 7, kind))
            pos = body.find(needle, resume)
    found.sort()
    return found


_SENTENCE_ENDS = frozenset('.:;!?")')


@cache
def _paragraph_number(number: int) -> re.Pattern[str]:
    return re.compile(rf"(?<=[ \t]){number}\.[ \t]+(?=[A-Z\"(])")


def _unmarked_paragraphs(body: str, start: int) -> list[tuple[int, int, str]]:
    """Numbered paragraphs without portion markings (the all-caps telegrams of the 1960s-70s).

    Only an unbroken sequence 1., 2., 3. … counts, and from 2. on each number must follow
    the end of a sentence, so figures and section numbers in prose are not taken for one.
    """
    found: list[tuple[int, int, str]] = []
    pos = start
    for number in range(1, 200):
        match = _paragraph_number(number).search(body, pos)
        while match is not None and number > 1:
            last = match.start() - 1
            while last > 0 and body[last] in " \t\n":
                last -= 1
            if body[last] in _SENTENCE_ENDS:
                break
            match = _paragraph_number(number).search(body, match.end())
        if match is None:
            break
        found.append((match.start(), match.end(), "para"))
        pos = match.end()
    return found


def _edits(body: str, start: int) -> list[tuple[int, int, str]]:
    """(start, end, newlines) edits: replace body[start:end] (blanks) with the newlines."""
    edits: list[tuple[int, int, str]] = []

    def add(begin: int, end: int, newlines: str) -> None:
        floor = edits[-1][1] if edits else start
        if begin >= floor and begin > 0:  # edits stay in order and never overlap
            edits.append((begin, end, newlines))

    markers = _markers(body, start)
    if not any(kind == "para" for _, _, kind in markers):
        markers = sorted(markers + _unmarked_paragraphs(body, start))
    for pos, end, kind in markers:
        cut = _blank_before(body, pos)
        if cut == pos and kind not in ("rule", "page"):
            continue  # glued to the word before: not a marker
        if kind == "line":
            add(cut, pos, "\n")
        elif kind == "para":
            add(cut, pos, "\n\n")
        elif kind == "end":
            add(cut, pos, "\n")
            add(end, _blank_after(body, end), "\n\n")
        elif kind == "bullet":
            if body[cut - 1] in _SENTENCE_END:
                add(cut, pos, "\n")
        elif kind == "rule":
            floor = edits[-1][1] if edits else start
            heading = None
            for candidate in _HEADING_START.finditer(body, max(floor, cut - 100), cut):
                heading = candidate  # the last sentence end before the rule
            if heading is not None:
                add(heading.start() + 1, heading.end(), "\n\n")
            add(cut, pos, "\n")
            add(end, _blank_after(body, end), "\n")
        else:  # page
            add(cut, pos, "\n")
            add(end, _blank_after(body, end), "\n")
    tail = _SIGNATURE.search(body, max(start, len(body) - 120))
    if tail is not None:
        add(tail.start(), tail.start(1), "\n")
    return edits


def _apply(body: str, edits: list[tuple[int, int, str]]) -> str:
    pieces: list[str] = []
    last = 0
    for begin, end, newlines in edits:
        pieces.append(body[last:begin])
        pieces.append(newlines)
        last = end
    pieces.append(body[last:])
    return "".join(pieces)


def reflow(body: str) -> str:
    """Put newlines back before the structural markers of a flattened cable body."""
    head_end = 0
    banner_start = find_banner(body, 0, 8000)
    if banner_start is not None:
        banner = BANNER.match(body, banner_start)
        if banner is not None:
            head_end = banner.end()
            body = body[:head_end] + "\n" + body[_blank_after(body, head_end) :]
            head_end += 1
    # Captions (SIPDIS, NOFORN…) stand on their own lines, in the preamble only.
    preamble_end = _PREAMBLE_END.search(body, head_end, head_end + 3000)
    limit = preamble_end.start() if preamble_end else min(len(body), head_end + 400)
    preamble = _CAPTIONS.sub(r"\n\1\n", body[head_end:limit])
    preamble = re.sub(r"\n[ \t]*\n+", "\n", preamble).strip("\n")
    if preamble_end is not None and preamble:
        preamble += " "
    body = body[:head_end] + preamble + body[limit:]
    return _apply(body, _edits(body, head_end))


_HEADER_LINES = re.compile(
    r"[ \t]+(?=(?:FM|TO|INFO|DE|ZNY|ZNR|BT)[ ]|(?:OO|PP|RR|ZZ|OP|PO|RP|PR)[ ]R[A-Z]{3,})"
    r"|(?<!\b[OPRZ])[ \t]+(?=[OPRZ](?:[ ][OPRZ])?[ ]\d{6}Z\b)"
    r"|(?<!\bTO)(?<!\bINFO)[ \t]+(?=R[A-Z]{3,6}/)"
)
_AFTER_PRECEDENCE = re.compile(r"\b((?:IMMEDIATE|PRIORITY|ROUTINE|FLASH)(?:[ ]\d{4})?)[ \t]+(?!\d)")


def reflow_header(header: str) -> str:
    """Put newlines back into a flattened routing header (FM, TO, INFO, DTG, routes)."""
    header = _HEADER_LINES.sub("\n", header.strip())
    return _AFTER_PRECEDENCE.sub("\\1\n", header).strip()


# -- objects → documents --------------------------------------------------------------------


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value not in (None, ""):
            return value
    return None


def looks_like(obj: object) -> bool:
    """A JSON object holding a cable body."""
    return isinstance(obj, dict) and isinstance(_first(obj, _BODY_KEYS), str)


def document_from_object(
    obj: object, name: str | None = None, *, line: int = 1, offset: int | None = None
) -> Document:
    """One decoded JSON object → `Document`; `CableError` when it holds no cable body."""
    if not isinstance(obj, dict) or not looks_like(obj):
        what = "a JSON object" if isinstance(obj, dict) else f"a JSON {type(obj).__name__}"
        raise CableError(f"{what} without a cable body (no 'body' text)", source=name, line=line)
    body = str(_first(obj, _BODY_KEYS)).replace("\r\n", "\n").replace("\r", "\n")
    header = str(_first(obj, _HEADER_KEYS) or "").replace("\r\n", "\n").replace("\r", "\n")
    notes: list[str] = []
    if is_flattened(body):
        body = reflow(body)
        notes.append(FLATTENED_NOTE)
        if header and "\n" not in header.strip():
            header = reflow_header(header)
    if not header.strip():
        h_start, h_end, cut = split_header(body)
        header = body[h_start:h_end]
    else:
        cut = body_start(body)
    metadata: dict[str, Any] = {key: _first(obj, keys) for key, keys in _KEYS.items()}
    for key in ("id", "subject", "classification", "origin"):
        if metadata[key] is not None:
            metadata[key] = str(metadata[key]).strip()
    metadata["date"] = iso_date(metadata["date"])
    metadata["released"] = iso_date(metadata["released"])
    metadata["tags"] = split_list(obj.get("tags"), words=True)
    metadata["references"] = split_list(obj.get("references"))
    metadata["notes"] = notes
    return Document(
        format=FORMAT,
        header=header.strip(),
        body=body[cut:].strip(),
        metadata={key: value for key, value in metadata.items() if value},
        name=name,
        header_line=line,
        body_line=line,
        offset=offset,
        raw=(header.strip() + "\n" + body[cut:].strip()) if header.strip() else body.strip(),
    )


def iter_documents(
    lines: Iterable[str], name: str | None = None
) -> Iterator[Document | CableError]:
    """Stream JSON Lines → a `Document` per object; bad lines come out as `CableError`.

    A file that is one JSON document over several lines (an object or an array of
    objects) is read whole once its first line turns out not to be JSON on its own.
    """
    offset = 0
    started = False
    iterator = iter(lines)
    for number, line in enumerate(iterator, start=1):
        line_offset, offset = offset, offset + len(line)
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            if not started:
                yield from _whole_document(line + "".join(iterator), name, number)
                return
            yield CableError(f"invalid JSON: {_reason(exc)}", source=name, line=number)
            continue
        started = True
        try:
            yield document_from_object(obj, name, line=number, offset=line_offset)
        except CableError as error:
            yield error


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "msg", exc))


def _whole_document(
    text: str, name: str | None, first_line: int
) -> Iterator[Document | CableError]:
    """A pretty-printed JSON object, or an array of objects, read at once."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = first_line + getattr(exc, "lineno", 1) - 1
        yield CableError(f"invalid JSON: {_reason(exc)}", source=name, line=line)
        return
    items = value if isinstance(value, list) else [value]
    for item in items:
        try:
            yield document_from_object(item, name, line=first_line, offset=0)
        except CableError as error:
            yield error
