"""SUBJECT: the cable's one-line subject (and its headline-case title).

The subject follows ``SUBJECT:`` (``SUBJ:`` in older cables, ``UBJECT:`` when the first
letter was lost) and may run over several lines. It ends at a blank line, at the next field
(``REF:``, ``Classified By:``, E.O., TAGS), at the first paragraph (``¶1.``, ``1.``, a
portion-marked line), at a dashed heading or a page header — on its own line or, in
flattened text, in the middle of one. A line ending in a hyphen joins the next without a
space (``THE US-`` / ``LATIN AMERICAN`` → ``US-LATIN``). `clean` strips the portion mark
(``(C)``) the subject may carry.
"""

from __future__ import annotations

import html
import re

from cablescope.parse.state import ParseState
from cablescope.titlecase import titlefy

#: The SUBJECT line lives in the first lines of the body; never scan further.
PREAMBLE_WINDOW = 4096
#: Look this far first; most labels are there, and scanning costs per character.
FIRST_LOOK = 1024
#: A subject never runs longer than this (protects against a missing terminator).
MAX_LINES = 8
MAX_CHARS = 600

SUBJECT_LABEL = re.compile(r"(?<![A-Za-z/])(?:SUBJECT|UBJECT|SUBJ)[ \t]*:", re.I)

#: ``TRIPOLI 00000297 001.2 OF 002``: a page header (the post is cut to ten characters).
_PAGE_HEADER = (
    r"(?<![A-Za-z.'&-])(?=[A-Z .'&-]{1,11}0\d{7})[A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*){0,2}"
    r"[ \t]+0\d{7}[ \t]+\d{3}(?:\.\d)?[ \t]+OF[ \t]+\d{3}"
)
_PORTION = r"\((?:U|C|S|TS|SBU|U//FOUO|FOUO|[CS]/?/?NF|SBU/?/?NF|[CSU]/?/?REL[^)]{0,40})\)"
_LEADING_PORTION = re.compile(r"^\s*" + _PORTION + r"\s*", re.I)
_TRAILING_PORTION = re.compile(r"\s*" + _PORTION + r"\s*$", re.I)

#: A line that cannot continue the subject.
_STOP_LINE = re.compile(
    r"[ \t]*(?:"
    r"(?:REF(?:S|TELS?|ERENCES?)?|Ref\(s\))\b"
    r"|\(?[UCS]?\)?[ \t]*CLASSIFIED[ \t]+BY"
    r"|¶|\d{1,2}[ \t]*\.(?!\d)|-{3,}|={3,}|_{3,}"
    r"|" + _PORTION +
    r"|E\.?[ \t]?O\.?[ \t]?1\d{3}|TAGS?\b|S?UBJ(?:ECT)?[ \t]*:"
    r"|(?:BEGIN[ \t]+)?SUMMARY\b|SENSITIVE[ \t]+BUT[ \t]+UNCLASSIFIED"
    r"|SIPDIS\b|NOFORN\b|PAGE[ \t]+\d"
    r"|C[ \t]O[ \t]N[ \t]F|S[ \t]E[ \t]C[ \t]R|(?:UNCLAS|CONFIDENTIAL|SECRET)\b[^\n]*\d{3,}"
    r"|" + _PAGE_HEADER + r")",
    re.I,
)
#: Where the subject ends inside a line (flattened text); searched in an upper-cased copy,
#: where literal-led patterns scan fast (an IGNORECASE search is several times slower).
_INLINE_STOP = re.compile(
    r"REF(?:S|TELS?|ERENCES?|\(S\))?[ \t]*:"
    r"|(?<![A-Z])(?:\([UCS]\)[ \t]*)?CLASSIFIED[ \t]+BY\b"
    r"|\sSENSITIVE[ \t]+BUT\b|¶"
    r"|\s\d{1,2}[ \t]*\.[ \t]*" + _PORTION.replace("[^)]", "[^)]") +
    r"|(?<![A-Z])E\.[ \t]?O\.[ \t]?1\d{3}"
    r"|[ \t]0\d{7}[ \t]+\d{3}(?:\.\d)?[ \t]+OF[ \t]+\d{3}"
)
#: The post before a page number (``TRIPOLI`` in ``TRIPOLI 00000297 001.2 OF 002``).
_POST_BEFORE = re.compile(r"(?<![A-Za-z.'&-])[A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*){0,2}[ \t]*$")
#: ``SUBJECT:`` in an upper-cased copy (``UBJECT:`` when the first letter was lost).
_LABEL_UPPER = re.compile(r"UBJ(?:ECT)?[ \t]*:")
_SPACES = re.compile(r"\s+")
_PAGE_BREAK = re.compile(_PAGE_HEADER)


def _line_end(text: str, pos: int, end: int) -> int:
    found = text.find("\n", pos, end)
    return end if found < 0 else found


def subject_span(text: str, start: int = 0, end: int | None = None) -> tuple[int, int, int] | None:
    """(label start, value start, value end) of the SUBJECT in text[start:end]."""
    end = len(text) if end is None else min(end, len(text))
    label = _find_label(text, start, end)
    if label is None:
        return None
    return label[0], *_value_span(text, label[1], end)


def _find_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the first SUBJECT label in text[start:end]."""
    if end - start > FIRST_LOOK:  # the label is nearly always in the first lines: look there
        near = _find_label(text, start, start + FIRST_LOOK)
        return near or _find_label(text, start + FIRST_LOOK - 16, end)
    window = text[start:end]
    upper = window.upper()
    if len(upper) != len(window):  # a character that changes length when upper-cased
        found = SUBJECT_LABEL.search(text, start, end)
        return (found.start(), found.end()) if found else None
    for match in _LABEL_UPPER.finditer(upper):
        begin = match.start()
        if begin and upper[begin - 1] == "S":
            begin -= 1
        elif match.group().startswith("UBJ:"):
            continue  # ``UBJ:`` alone is too little to go on
        if begin and (upper[begin - 1].isalpha() or upper[begin - 1] == "/"):
            continue
        return start + begin, start + match.end()
    return None


def _inline_stop(text: str, start: int, end: int) -> int | None:
    """Where a field or page header cuts the subject short inside text[start:end]."""
    segment = text[start:end]
    upper = segment.upper()
    if len(upper) != len(segment):
        upper = segment
    found = _INLINE_STOP.search(upper)
    if found is None:
        return None
    cut = found.start()
    if found.group()[-1].isdigit() and "OF" in found.group():  # a page header: drop its post
        post = _POST_BEFORE.search(segment, max(0, cut - 12), cut)
        if post:
            cut = post.start()
    return start + cut


def _value_span(text: str, pos: int, end: int) -> tuple[int, int]:
    """Start and end of the subject value that follows a label ending at `pos`."""
    line_end = _line_end(text, pos, end)
    if not text[pos:line_end].strip():  # ``SUBJECT:`` alone: the value is on a later line
        probe = line_end
        for _ in range(3):
            if probe >= end:
                break
            next_end = _line_end(text, probe + 1, end)
            if text[probe + 1 : next_end].strip():
                if _STOP_LINE.match(text, probe + 1, next_end):
                    return pos, pos
                pos, line_end = probe + 1, next_end
                break
            probe = next_end
        else:
            return pos, pos
    value_end = line_end
    for _ in range(MAX_LINES - 1):
        if value_end >= end or value_end - pos > MAX_CHARS:
            break
        next_end = _line_end(text, value_end + 1, end)
        line = text[value_end + 1 : next_end]
        if not line.strip() or _STOP_LINE.match(line):
            break
        value_end = next_end
    inline = _inline_stop(text, pos, value_end)
    if inline is not None:
        value_end = inline
    return pos, value_end


def clean_subject(raw: str, clean: bool = True) -> str:
    """Join the subject's lines into one, decode entities, strip a portion mark."""
    lines = [line.strip(" \t\\") for line in raw.split("\n")]
    joined = ""
    for line in lines:
        if not line:
            continue
        if joined.endswith("-") and not joined.endswith(" -") and line[:1].isalnum():
            joined += line
        else:
            joined = f"{joined} {line}" if joined else line
    if "OF" in joined:
        joined = _PAGE_BREAK.sub(" ", joined)
    if "&" in joined:
        joined = html.unescape(joined)
    value = _SPACES.sub(" ", joined).strip().lstrip(":;,- ")
    if clean and value:
        if value[0] == "(":
            value = _LEADING_PORTION.sub("", value)
        if value.endswith(")"):
            value = _TRAILING_PORTION.sub("", value).strip()
    return value


def subject(text: str, clean: bool = True) -> str:
    """The subject of a cable (or fragment) on one line; "" when there is none."""
    span = subject_span(text, 0, PREAMBLE_WINDOW)
    if span is None:
        return ""
    return clean_subject(text[span[1] : span[2]], clean)


#: An unlabelled subject: an upper-case line of words right after the TAGS line.
_UNLABELLED = re.compile(r"[ \t]*\n(?:[ \t]*\n)?[ \t]*(?P<line>[^\n]+)")


def _unlabelled_subject(body: str, tags_end: int) -> tuple[str, int] | None:
    """Some cables lost the ``SUBJECT:`` label but kept the subject after TAGS."""
    match = _UNLABELLED.match(body, tags_end)
    if match is None:
        return None
    line = match["line"]
    cut = _inline_stop(line, 0, len(line))
    if cut is not None:
        line = line[:cut]
    if _STOP_LINE.match(line) or len(line.split()) < 3:
        return None
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 12 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return None
    start, end = _value_span(body, match.start("line"), min(len(body), tags_end + 1200))
    value = clean_subject(body[start:end])
    return (value, end) if value else None


def apply(state: ParseState) -> None:
    """Fill `subject` and `title`; fall back to an unlabelled line, then to the metadata."""
    body = state.body
    span = subject_span(body, 0, PREAMBLE_WINDOW)
    value = ""
    if span is not None:
        label_start, value_start, value_end = span
        value = clean_subject(body[value_start:value_end])
        if value:
            state.preamble_end = max(state.preamble_end, value_end)
        else:
            state.problem("subject", "SUBJECT label present but no subject follows",
                          body_offset=label_start)
    else:
        tags_end = state.scratch.get("tags_end")
        if tags_end is not None:
            found = _unlabelled_subject(body, tags_end)
            if found:
                value, value_end = found
                state.preamble_end = max(state.preamble_end, value_end)
    if not value:
        value = " ".join((state.scratch.get("metadata_subject") or "").split())
    if value:
        state.cable.subject = value
        state.cable.title = titlefy(value)


__all__ = ["apply", "clean_subject", "subject", "subject_span", "titlefy"]
