"""The body rule: `Cable.body`, the clean reading text, and `clean_content`, the text to index.

This module also holds the small text helpers the other text-proper rules share (page
noise, comma-apostrophes, whitespace), because making text clean is this rule's job:
`paragraphs`, `signers`, `summary` and `comments` import them from here.

Reading text (`Cable.body`): the text proper only — banner, routing header and the
preamble (E.O., TAGS, SUBJECT, REF, Classified By) have their own fields. Each paragraph
keeps its number and marking as written (``1. (C) …``: a reader quotes paragraphs by
number), its heading goes on a line of its own, paragraphs are joined by a blank line and
the signature closes the text. Page-break and section lines, trailing classification
lines and footers are gone; runs of spaces within a line become one space, and
apostrophes typed as commas (``GOP,s``) are restored.
"""

from __future__ import annotations

import re

from cablescope.parse.state import ParseState

# -- shared helpers -------------------------------------------------------------------------
# Whole-text regex passes cost 10-40 µs per 8 KB each, so these helpers gate every pass on
# a cheap substring test and prefer regexes that start with a literal (fast to scan for).

#: A cablegate page mark (``LONDON 00003062  002 OF 002``), also glued inside a line.
_PAGE_MARK_RE = re.compile(
    r"(?:(?<![A-Za-z])[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,2} {1,3})?"
    r"\d{8} {1,4}\d{3}(?:\.\d)? {1,3}OF {1,3}\d{3}\b"
)
#: A teletype page header: ``PAGE 04        ZAGREB  01569  04 OF 04  071629Z``.
_NARA_PAGE_RE = re.compile(r"PAGE {1,3}\d{2,3} [^\n]*?\d{6}Z[ \t]*(?=\n|$)")
#: A later section's spaced banner: ``C O N F I D E N T I A L SECTION 02 OF 03 …``.
_SPACED_BANNER_RE = re.compile(r"(?:^|(?<=\n))[ \t]*(?:[A-Z] ){3,}[A-Z]\b[^\n]*")
_SPACED_HINTS = ("R E T", "I A L", "L A S", "O U O")
#: A line that is nothing but a classification (page debris) or a SIPDIS caption.
_NOISE_LINE_RE = re.compile(
    r"[ \t]*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE|SIPDIS)"
    r"(?:[ \t]*/{1,2}[ \t]*[A-Z]+| NOFORN| SIPDIS)*[ \t]*"
)
_LEVEL_WORDS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "LIMITED OFFICIAL USE")
_NOISE_WORDS = (*_LEVEL_WORDS, "SIPDIS")

_COMMA_APOSTROPHE_RE = re.compile(r",(?=(?:s|t|d|ll|re|ve|m)(?![A-Za-z0-9])|S(?![A-Za-z0-9]))")
#: Two or more spaces, written as two literal spaces so that the regex engine can skip to
#: each "  " (a literal prefix) instead of trying a match at every single space.
_SPACE_RUN_RE = re.compile("   *")
_BLANK_RUN_RE = re.compile("\n\n\n+")


def _noise_lines(text: str, words: tuple[str, ...] = _NOISE_WORDS) -> list[tuple[int, int]]:
    """Spans of lines that hold only a classification word or SIPDIS."""
    spans = []
    for word in words:
        pos = text.find(word)
        while pos >= 0:
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            if _NOISE_LINE_RE.fullmatch(text, start, end):
                spans.append((start, end))
            pos = text.find(word, end)
    return spans


def noise_spans(text: str, debris: bool = True) -> list[tuple[int, int]]:
    """Spans of page noise: classification-only and SIPDIS lines, and with `debris` also
    page marks, teletype page headers and repeated spaced banners (which the banner rule
    has already blanked in a parsed body)."""
    spans = _noise_lines(text, _NOISE_WORDS if debris else _LEVEL_WORDS)
    if debris:
        if " OF " in text:
            spans.extend(m.span() for m in _PAGE_MARK_RE.finditer(text))
        if "PAGE " in text:
            spans.extend(m.span() for m in _NARA_PAGE_RE.finditer(text))
        if any(hint in text for hint in _SPACED_HINTS):
            spans.extend(m.span() for m in _SPACED_BANNER_RE.finditer(text))
    return spans


def blank_noise(text: str, debris: bool = True) -> str:
    """Page noise replaced by spaces: lengths and newlines stay, so offsets still hold."""
    spans = noise_spans(text, debris)
    if not spans:
        return text
    spans.sort()
    pieces = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        if end > start:
            pieces.append(text[pos:start])
            pieces.append(" " * (end - start) if "\n" not in text[start:end]
                          else "".join(c if c == "\n" else " " for c in text[start:end]))
            pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _apostrophe(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    if text[at + 1] == "S":  # "GOP,S" in capitals: an acronym before it
        before = text[max(at - 2, 0) : at]
        return "'" if len(before) == 2 and before.isalpha() and before.isupper() else ","
    return "'" if at and text[at - 1].isalpha() else ","


def restore_apostrophes(text: str) -> str:
    """``GOP,s`` → ``GOP's``, ``don,t`` → ``don't``: the cable system typed ' as a comma.

    Only a comma glued between a letter and a contraction/possessive ending that is
    itself followed by a non-letter is touched, so ``a,b`` lists and ``1,000`` stay.
    """
    return _COMMA_APOSTROPHE_RE.sub(_apostrophe, text) if "," in text else text


def _plain_spaces(text: str) -> str:
    """Tabs and odd spaces become plain spaces; carriage returns go."""
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\r" in text:
        text = text.replace("\r", "")
    if "\xa0" in text or "\u2028" in text:
        text = text.replace("\xa0", " ").replace("\u2028", " ").replace("\u2029", " ")
    return text


def squeeze(text: str) -> str:
    """Runs of spaces within lines become one space and lines lose their edge spaces.

    (`str.replace` scans once whether or not it finds anything: no `in` test first.)"""
    text = _plain_spaces(text)
    return _SPACE_RUN_RE.sub(" ", text).replace(" \n", "\n").replace("\n ", "\n")


def _squeeze_edges(text: str) -> str:
    """`squeeze`, except that spaces at the very start and end of `text` go as well.

    Splitting into lines and stripping each costs about half of the two whole-text
    ``replace`` passes (``" \\n"`` and ``"\\n "`` are frequent, so each scan stalls often);
    for `tidy_many`, whose pieces are stripped anyway, the ends make no difference."""
    text = _plain_spaces(text)
    if "  " in text:
        text = _SPACE_RUN_RE.sub(" ", text)
    return "\n".join([line.strip(" ") for line in text.split("\n")])


def _cut_blank_runs(text: str) -> str:
    """Runs of blank lines cut to one: a single regex pass, where a ``replace`` loop needs
    one whole-text pass per halving of the longest run."""
    return _BLANK_RUN_RE.sub("\n\n", text) if "\n\n\n" in text else text


def is_doubled(text: str) -> bool:
    """True when nearly every newline is doubled, an artefact of some cablegate pages.

    The artefact is uniform, so a sample from the middle of the text is enough."""
    if len(text) > 3000:
        middle = len(text) // 2
        text = text[middle - 1500 : middle + 1500]
    newlines = text.count("\n")
    return newlines >= 8 and text.count("\n\n") * 2 >= newlines * 0.8


def tidy(text: str, doubled: bool = False) -> str:
    """Reading form of a piece of text: lines squeezed, undoubled (cablegate pages that
    double every line break), blank-line runs cut to one, ends stripped, apostrophes."""
    text = squeeze(text)
    if doubled:
        text = text.replace("\n\n", "\n")
    text = _cut_blank_runs(text)
    return restore_apostrophes(text.strip())


def tidy_many(pieces: list[str], doubled: bool = False) -> list[str]:
    """`tidy` of each piece, done in one pass over them all (one regex run, not one per
    paragraph: each run has a fixed cost)."""
    if not pieces:
        return []
    joined = "\x00".join(pieces)
    if joined.count("\x00") != len(pieces) - 1:  # a NUL inside a piece: blank it first
        joined = "\x00".join(piece.replace("\x00", " ") for piece in pieces)
    joined = _squeeze_edges(joined)
    if doubled:
        joined = joined.replace("\n\n", "\n")
    joined = _cut_blank_runs(joined)
    return [piece.strip() for piece in restore_apostrophes(joined).split("\x00")]


# -- the body rule --------------------------------------------------------------------------


def _reading_form(number: int | None, marking: str | None, heading: str | None, text: str) -> str:
    """``Heading`` on its own line, then ``4. (C) text`` (number and marking as written)."""
    lead = "" if number is None else f"{number}. ({marking})" if marking else f"{number}."
    line = f"{lead} {text}" if lead and text else lead or text
    return f"{heading}\n{line}" if heading and line else heading or line


def apply(state: ParseState) -> None:
    """Build the reading text from the paragraphs and the signature found before."""
    parts = [
        _reading_form(p.number, p.marking, p.heading, p.text) for p in state.cable.paragraphs
    ]
    written = state.scratch.get("signers_written") or state.cable.signers
    if written:
        parts.append("\n".join(written))
    state.cable.body = "\n\n".join(part for part in parts if part)


# -- clean_content: the text to index ------------------------------------------------------

_CC_PARAGRAPH_RE = re.compile(
    r"^[ \t]*(?:¶[ \t]*)?\d{1,3}[.,][ \t]*(?:\((?P<mark>[^()\n]{1,60})\)[ \t]*)?(?=\S|$)", re.M
)
_CC_MARKING_RE = re.compile(
    r"(?:TS|SBU|U|C|S|TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS)"
    r"(?:[\s/\-][^()]*)?|[A-Z]{1,4}(?:/{1,2}[A-Z]{1,6})*",
    re.I,
)
_CC_OPENER_RE = re.compile(
    r"^(?:summary|comment)(?:\s+and\s+(?:summary|comment|action\s+requests?|introduction"
    r"|recommendations?))?\s*[:.][ \t]*",
    re.I | re.M,
)
_CC_CLOSER_RE = re.compile(
    r"\bend\s+(?:of\s+)?(?:summary|comment)s?(?:\s+and\s+(?:summary|comment|action\s+requests?"
    r"|introduction|recommendations?))?[ \t]*[.:]?[ \t]*",
    re.I,
)
_CC_RULE_RE = re.compile(r"[ \t]*-{3,}[- \t]*$", re.M)
_CC_SIPDIS_RE = re.compile(r"\n\s*SIPDIS[ \t]*\n")


def _drop_paragraph_number(match: re.Match[str]) -> str:
    mark = match.group("mark")
    if mark is None or _CC_MARKING_RE.fullmatch(mark.strip()):
        return ""
    return match.group()[match.start("mark") - match.start() - 1 :]


def clean_content(text: str) -> str:
    """The text for full-text indexing: the words of the cable and as little else as may be.

    Line structure is kept (no whitespace is collapsed); paragraph numbers and portion
    markings, the ``Summary:`` / ``Comment:`` openers and their ``End …`` closers, dashed
    heading rules, lone SIPDIS lines, spaced banners and page marks are removed, and
    comma-apostrophes are restored.
    """
    if not text:
        return ""
    text = _CC_SIPDIS_RE.sub("\n", text)
    spans = sorted(noise_spans(text))
    if spans:
        pieces, pos = [], 0
        for start, end in spans:
            if (start == 0 or text[start - 1] == "\n") and text[end : end + 1] == "\n":
                end += 1  # a line of noise goes with its newline
            if end > max(start, pos):
                pieces.append(text[pos : max(start, pos)])
                pos = end
        pieces.append(text[pos:])
        text = "".join(pieces)
    text = _CC_PARAGRAPH_RE.sub(_drop_paragraph_number, text)
    text = _CC_OPENER_RE.sub("", text)
    text = _CC_CLOSER_RE.sub("", text)
    text = _CC_RULE_RE.sub("", text)
    return restore_apostrophes(text)
