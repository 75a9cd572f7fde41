"""The paragraphs rule: the text proper split into numbered paragraphs, markings decoded.

Cables number their paragraphs (``¶1. (C)``, ``1. (C)``, ``1.  PRESS REPORTS …`` in the
unmarked cables of the 1960s-70s). Not every line that starts with a number opens one:
sub-lists (``1. … 2. …`` inside paragraph 3), figures and dates do too. So a candidate is
accepted only when it is the next number in sequence (a skip of one or two is allowed when
it carries ``¶`` or a marking); in a cable whose paragraphs carry ``¶`` or markings, a
candidate must carry one as well; and a bare ``2.`` loses to a later ``¶2. (C)``. A
paragraph that opens mid-line (``… of December.  9. (U) A/S Boucher …``) is accepted when
it is the expected number with a marking (or, in an unmarked cable, before a capital
letter and outside a running sub-list), so ``1.4`` or ``page 2.`` never split a paragraph.

Headings belong to the paragraph after them: a short line over a rule of dashes (or
``====``), glued to it (``Meeting with MQM ------``), between two rules, or a short
capitalised line standing alone after a blank line (``Role of the King``). Paragraph text
excludes the number, the marking, a following heading, page noise and the signature;
lines are kept, spaces within a line collapsed and comma-apostrophes restored.

Unnumbered text — a cable without numbered paragraphs, or lead-in text before paragraph
1 — becomes one paragraph per blank-line block with ``number=None`` (a block that opens
with a marking such as ``(C/NF)`` has it decoded; blocks of bare handling captions are
dropped), so every word of the text proper is in some paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cablescope.model import MARKING_LEVELS, Paragraph
from cablescope.parse.rules.body import blank_noise, is_doubled, tidy_many
from cablescope.parse.rules.signers import find_signature
from cablescope.parse.state import ParseState

_START_CORE = (
    r"[ \t\r\xa0\u2028\u2029]*(?P<pil>¶[ \t]*)?(?P<num>\d{1,3})"
    r"(?:[.,](?=[ \t(]|$)|(?=[ \t]+\())[ \t]*"
    r"(?:\((?P<mark>[^()\n]{1,60})\)(?:[ \t]*[.:](?![.\w]))?)?"
)
#: A paragraph number at the start of a line (the newline is a literal: fast to scan for),
#: with its marking when there is one; `_FIRST_LINE_START_RE` for the text's first line.
#: The lookahead rejects the common line (one opening with a letter) before the groups
#: are tried: a quarter faster over a whole text, same matches.
_LINE_START_RE = re.compile(r"\n(?=[ \t\r\xa0\u2028\u2029]*[¶\d])" + _START_CORE, re.M)
_FIRST_LINE_START_RE = re.compile(_START_CORE, re.M)
#: A paragraph number after the end of a sentence on the same line: ``… of December.  9.
#: (U) A/S …``. Accepted with a marking, or in an unmarked cable before a capital letter.
_INLINE_TAIL = (
    r"[ \t\u2028]{1,8}(?P<pil>¶[ \t]*)?(?P<num>\d{1,3})\.[ \t]*"
    r"(?:\((?P<mark>[^()\n]{1,60})\)(?:[ \t]*[.:](?![.\w]))?|(?=[A-Z][a-z]))"
)
_INLINE_START_RE = re.compile(r"\." + _INLINE_TAIL)
#: The same after any sentence end, a heading's colon or a rule: slower, so run only when
#: the first pass leaves a gap or the last paragraph may hide more.
_ANY_INLINE_START_RE = re.compile(r"[.!?\"')\]:\-]" + _INLINE_TAIL)

#: A sub-list already running in the paragraph: its numbers are no paragraph starts.
_SUBLIST_RE = re.compile(r"(?<![\d.])1[.)][ \t]")
_MARKING_RE = re.compile(
    r"[ \t]*(?P<level>TOP[ \t]+SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS|SBU|TS|U|C|S)"
    r"(?P<rest>[ \t]*(?:[/\-][^()]*|[ \t][^()]*)?)",
    re.I,
)
_UNKNOWN_MARKING_RE = re.compile(r"[A-Z]{1,3}(?:/{1,2}[A-Z]{1,4})*")
_NOT_MARKINGS = frozenset({"US", "UK", "UN", "EU", "AP", "FYI", "USG", "GOP", "A", "B", "D"})
_LEVEL_WORDS = {
    **MARKING_LEVELS,
    "UNCLAS": "UNCLASSIFIED",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "SECRET": "SECRET",
    "TOP SECRET": "TOP SECRET",
}
_REL_RE = re.compile(r"\bREL(?:EASABLE)?(?:[ \t]+TO)?[ \t]+(?P<to>.+)", re.I)
_REL_SPLIT_RE = re.compile(r"[ \t]*(?:,|/|\band\b|&)[ \t]*", re.I)
_NOFORN_RE = re.compile(r"(?:^|[/\s\-])(?:NF|NOFORN|N)(?=$|[/\s])", re.I)

_SENTENCE_END_RE = re.compile(r"[.!?][\"')]?[ \t]+(?=[A-Z\"])")
_CAPTIONS_ONLY_RE = re.compile(
    r"\s*(?:(?:[A-Z] ){3,}[A-Z]\b[^\n]*|(?:(?:SENSITIVE|BUT|UNCLASSIFIED|UNCLAS|NOFORN|SIPDIS"
    r"|EXDIS|NODIS|LIMDIS|STADIS|FOUO|FOR|OFFICIAL|USE|ONLY|PLEASE|PROTECT|ACCORDINGLY|HANDLE"
    r"|AS|SUCH|NOT|INTERNET|DISTRIBUTION)[\s,.;:\-/()]*)+)\s*",
    re.I,
)
_LEADING_MARK_RE = re.compile(r"[ \t]*\((?P<mark>[^()\n]{1,60})\)[ \t]*")
_BLOCK_SEP_RE = re.compile(r"\n[ \t\r]*\n(?:[ \t\r]*\n)*")
_DOUBLED_BLOCK_SEP_RE = re.compile(r"\n[ \t\r]*\n[ \t\r]*\n(?:[ \t\r]*\n)*")

_MAX_HEADING = 120


@dataclass(frozen=True, slots=True)
class Marking:
    """A decoded portion marking (shared between paragraphs: frozen)."""

    written: str
    classification: str | None
    noforn: bool = False
    releasable_to: tuple[str, ...] = ()


@lru_cache(maxsize=1024)
def parse_marking(raw: str) -> Marking | None:
    """``C/REL Pakistan`` → CONFIDENTIAL, releasable to PAKISTAN; None when no marking.

    An all-capital code that is no known level (``SE``, ``NC``) is kept as written with
    classification None: it is a marking, just not one we can read.
    """
    written = raw.strip()
    match = _MARKING_RE.fullmatch(written)
    if match is None:
        if _UNKNOWN_MARKING_RE.fullmatch(written) and written not in _NOT_MARKINGS:
            return Marking(written, None)
        return None
    level = _LEVEL_WORDS.get(" ".join(match.group("level").upper().split()))
    rest = match.group("rest")
    releasable: list[str] = []
    rel = _REL_RE.search(rest)
    flags = rest[: rel.start()] if rel else rest
    if rel:
        for country in _REL_SPLIT_RE.split(rel.group("to")):
            country = country.strip(" \t/.").upper()
            if country and country not in {"NF", "NOFORN", "AND"} and country not in releasable:
                releasable.append(country)
    return Marking(written, level, bool(_NOFORN_RE.search(flags)), tuple(releasable))


@dataclass(slots=True)
class _Start:
    """An accepted paragraph start: where it begins, where its text begins."""

    pos: int
    content: int
    number: int
    marking: Marking | None


def _candidates(text: str, thorough: bool) -> list[tuple[int, re.Match[str], bool]]:
    """(position, match, inline) of every would-be paragraph start, in text order."""
    found = [(m.start() + 1, m, False) for m in _LINE_START_RE.finditer(text)]
    first = _FIRST_LINE_START_RE.match(text)
    if first:
        found.insert(0, (0, first, False))
    inline_re = _ANY_INLINE_START_RE if thorough else _INLINE_START_RE
    inline = [(m.start("pil") if m.group("pil") else m.start("num"), m, True)
              for m in inline_re.finditer(text)]
    if inline:
        found.extend(inline)
        found.sort(key=lambda c: c[0])
    return found


def _accept(text: str, unknown: list[tuple[int, str]], thorough: bool = False) -> list[_Start]:
    """The paragraph starts in `text`, by the sequence rules of the module docstring.

    A first pass looks for mid-line starts after full stops only; when it leaves a gap in
    the numbers or the last paragraph may hide more, a second pass also tries them after
    other punctuation (a whole-text pass of that pattern costs three times as much).
    """
    starts: list[_Start] = []
    pilcrows = marked = 0
    gap = False
    candidates = []
    strong_at: dict[int, int] = {}  # number → offset of its last ¶ or marked candidate
    for pos, match, inline in _candidates(text, thorough):
        num, raw_mark, pil_text = match.group("num", "mark", "pil")  # one call, not three
        number = int(num)
        marking = parse_marking(raw_mark) if raw_mark is not None else None
        pil = pil_text is not None
        strong = pil or marking is not None
        if strong:
            strong_at[number] = pos
        candidates.append((pos, match, inline, number, raw_mark, marking, pil, strong))
    for pos, match, inline, number, raw_mark, marking, pil, strong in candidates:
        if not strong and strong_at.get(number, -1) > pos:
            continue  # "2. second" of a sub-list before the real "¶2. (C)"
        if not starts:
            ok = not inline and (number == 1 or (strong and number <= 5))
        else:
            expected = starts[-1].number + 1
            if inline:
                if marking is not None and marking.classification is not None:
                    ok = expected <= number <= expected + 1
                else:
                    ok = (number == expected and raw_mark is None and marked == 0
                          and not _SUBLIST_RE.search(text, starts[-1].content, pos))
            elif number == expected:
                count = len(starts)
                style = count >= 2 and (pilcrows == count or marked == count)
                ok = strong or not style
            else:
                ok = expected < number <= expected + 2 and strong
        if not ok:
            continue
        if pos < (starts[-1].content if starts else 0):
            continue
        content = match.end()
        if raw_mark is not None and marking is None:
            content = match.start("mark") - 1  # "(Afghanistan)" is text, not a marking
        elif marking is not None and marking.classification is None:
            unknown.append((pos, marking.written))
        if starts and number != starts[-1].number + 1:
            gap = True
        starts.append(_Start(pos, content, number, marking))
        pilcrows += pil
        marked += marking is not None
    if not thorough and starts and (
        gap or _ANY_INLINE_START_RE.search(text, starts[-1].content) is not None
    ):
        return _accept(text, unknown, thorough=True)
    return starts


def _last_lines(text: str, count: int, end: int) -> list[tuple[int, str]]:
    """Up to `count` last non-blank lines of ``text[:end]`` as (start offset, stripped
    line), last first (`end` rather than a slice: no copy of a long paragraph)."""
    out: list[tuple[int, str]] = []
    while end > 0 and len(out) < count:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            out.append((start, line))
        end = start - 1
    return out


#: Rules are dashes mostly, sometimes ``=====``, ``*****``, ``_____`` or ``- - - -``.
_RULE_MARKS = "-=_*"
_RULE_CHARS = "-=_* \t\xa0\u2028"
_TRAILING_BLANKS = " \t\r\n\xa0\u2028\u2029\\"
#: Characters that cannot end a plain heading (`_plain_heading`).
_CLOSING_MARKS = ".;,:\"')"


def _rule_run(text: str, end: int) -> int:
    """Start of the run of dashes, spaces and tabs that ends at `end`."""
    line_start = text.rfind("\n", 0, end) + 1
    return line_start + len(text[line_start:end].rstrip(_RULE_CHARS))


def _content_end(text: str) -> int:
    """Length of `text` without trailing blanks (looking at its tail only: no full copy)."""
    tail = text[-160:]
    stripped = tail.rstrip(_TRAILING_BLANKS)
    if not stripped and len(tail) < len(text):
        return len(text.rstrip(_TRAILING_BLANKS))
    return len(text) - len(tail) + len(stripped)


def _rule_marks(run: str) -> int:
    return run.count("-") + run.count("=") + run.count("_") + run.count("*")


def _last_rule(text: str) -> int:
    """Start of the last run of three rule marks in `text` (``---``, ``===``, ``- - -`` …)."""
    return max(text.rfind("---"), text.rfind("==="), text.rfind("***"), text.rfind("___"),
               text.rfind("- - -"))


def _ends_with_rule(line: str) -> bool:
    """True when `line` (right-stripped) ends with a rule of three marks or more."""
    return bool(line) and line[-1] in _RULE_MARKS and _rule_marks(
        line[_rule_run(line, len(line)) :]) >= 3


def _plain_heading(line: str) -> str | None:
    """The heading a short unruled line makes (``Role of the King``, ``//COMMENT//``), if any.

    Capitalised, at most 80 characters and 12 words, no closing punctuation, not a bullet,
    a parenthesis or a redaction."""
    line = line.strip()
    if line.startswith("//") and line.endswith("//"):
        line = line.strip("/ ")
    if not 2 <= len(line) <= 80 or line[-1] in _CLOSING_MARKS or line[0] in "-(*•[<":
        return None
    letters = [c for c in line if c.isalpha()]
    if not letters or not letters[0].isupper() or not line.replace("X", "").strip(" .,"):
        return None
    words = line.split()
    if len(words) > 12 or (len(words) > 10 and not line.isupper()):
        return None
    return " ".join(words)


def _end_before_blanks(text: str, end: int) -> int:
    """``len(text[:end].rstrip())`` without copying the text (called once per paragraph)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _split_plain_heading(segment: str, end: int, doubled: bool) -> tuple[str, str | None]:
    """A last line standing alone after a blank line is the next paragraph's heading."""
    line_start = segment.rfind("\n", 0, end) + 1
    if line_start == 0:
        return segment, None
    above_end = _end_before_blanks(segment, line_start)
    if not above_end or segment.count("\n", above_end, line_start) < (3 if doubled else 2):
        return segment, None
    heading = _plain_heading(segment[line_start:end])
    return (segment[:line_start], heading) if heading else (segment, None)


def split_heading(
    segment: str, doubled: bool = False, _depth: int = 0
) -> tuple[str, str | None]:
    """(text, heading) where a trailing ``Heading`` + dashed rule is cut off `segment`.

    The rule may be glued to the heading (``Heading -------``) or on the next line, with
    a rule above the heading too (on its own line, or on the heading's line when the
    newlines were lost: ``… goods. ------ The Extent of … ------``); a heading may wrap
    onto a second line when a blank line stands above it. A heading too long to be one
    leaves only the rule cut.
    """
    end = _content_end(segment)
    if not end:
        return segment, None
    last = segment[end - 1]
    if last not in _RULE_MARKS:
        if last in _CLOSING_MARKS:
            return segment, None  # the common case: a sentence end is no plain heading
        return _split_plain_heading(segment, end, doubled)
    rule_only = _rule_run(segment, end)  # the cut when no heading is found
    if _rule_marks(segment[rule_only:end]) < 3:
        return segment, None
    line_start = segment.rfind("\n", 0, rule_only) + 1
    head_part = segment[line_start:rule_only]
    inner = _last_rule(head_part) if head_part else -1  # mostly empty: the rule has a line
    if inner >= 0 and head_part[inner:].strip(_RULE_CHARS):
        heading = head_part[inner:].strip(_RULE_CHARS)
        cut, first, ruled_above = line_start + _rule_run(head_part, inner), 0, True
    elif head_part.strip(_RULE_CHARS):
        heading, cut, first, ruled_above = head_part.strip(_RULE_CHARS), line_start, 0, False
        if len(heading) > 80:
            # "… End Summary. Who are the Piqueteros? -----": sentences glued before it.
            sentence = None
            for found in _SENTENCE_END_RE.finditer(heading):
                sentence = found
            if sentence is not None and sentence.start() >= 30:
                cut = line_start + head_part.find(heading) + sentence.end()
                heading, ruled_above = heading[sentence.end() :], True
    else:
        tail = _last_lines(segment, 3, line_start)
        if not tail:
            return segment[:rule_only], None
        if _ends_with_rule(tail[0][1]):
            # A rule broken by a page mark: "-----\n\nKABUL 0000… 002 OF 005\n\n---".
            if _depth >= 8:
                return segment[:rule_only], None
            return split_heading(segment[:line_start], doubled, _depth + 1)
        heading, cut, first, ruled_above = tail[0][1].lstrip(_RULE_CHARS), tail[0][0], 1, False
        if not heading:
            return segment[:rule_only], None
    if not ruled_above:
        if first == 0:
            tail = [(line_start, heading), *_last_lines(segment, 2, line_start)]
        step = 2 if doubled else 1
        if len(tail) > 1:
            above_start, above = tail[1]
            adjacent = segment.count("\n", above_start, cut) <= step
            if _ends_with_rule(above) and not above.strip(_RULE_CHARS):
                cut = above_start  # a rule above the heading as well
            elif (
                adjacent
                and above[-1] not in ".:;,!?\"')"
                and len(above) + len(heading) < _MAX_HEADING
                and (len(tail) == 2 or segment.count("\n", tail[2][0], above_start) > step)
            ):
                heading, cut = f"{above} {heading}", above_start
    if len(heading) > _MAX_HEADING or heading[-1] in ",;":
        return segment[:rule_only], None
    return segment[:cut], " ".join(heading.split())


def _split_blocks(
    text: str, offset: int, doubled: bool, heading: str | None
) -> tuple[list[tuple[int, str, str | None]], str | None]:
    """Blank-line blocks of unnumbered text as (offset, text, heading), and a heading left
    over at the end for whatever follows."""
    blocks: list[tuple[int, str, str | None]] = []
    separator = _DOUBLED_BLOCK_SEP_RE if doubled else _BLOCK_SEP_RE
    position = 0
    pieces: list[tuple[int, str]] = []
    for sep in separator.finditer(text):
        pieces.append((position, text[position : sep.start()]))
        position = sep.end()
    pieces.append((position, text[position:]))
    for start, piece in pieces:
        body, next_heading = split_heading(piece, doubled)
        if body and not body.isspace():
            blocks.append((offset + start, body, heading))
            heading = None
        if next_heading:
            heading = next_heading
    return blocks, heading


#: A paragraph before its text is tidied: number, raw text, marking, heading, line.
_Draft = tuple[int | None, str, Marking | None, str | None, int]


def _unnumbered(
    blocks: list[tuple[int, str, str | None]], line_of: _LineCounter
) -> list[_Draft]:
    out: list[_Draft] = []
    for start, block, heading in blocks:
        if _CAPTIONS_ONLY_RE.fullmatch(block):
            continue  # handling captions the preamble left behind are no text
        marking = None
        lead = _LEADING_MARK_RE.match(block)
        if lead:
            marking = parse_marking(lead.group("mark"))
            if marking is not None and marking.classification is not None:
                block = block[lead.end() :]
            else:
                marking = None
        out.append((None, block, marking, heading, line_of(start)))
    return out


def _finish(drafts: list[_Draft], doubled: bool) -> list[Paragraph]:
    """Tidy every draft's text in one go; unnumbered drafts left empty are dropped."""
    texts = tidy_many([draft[1] for draft in drafts], doubled)
    out = []
    for (number, _, marking, heading, line), text in zip(drafts, texts, strict=True):
        if number is None and not text:
            continue
        out.append(Paragraph(
            number=number,
            text=text,
            marking=marking.written if marking else None,
            classification=marking.classification if marking else None,
            noforn=marking.noforn if marking else False,
            releasable_to=list(marking.releasable_to) if marking else [],
            heading=heading,
            line=line,
        ))
    return out


class _LineCounter:
    """Offsets → 1-based lines, counting newlines only once over increasing offsets."""

    __slots__ = ("first", "last_line", "last_pos", "text")

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first = first_line
        self.last_pos = 0
        self.last_line = first_line

    def __call__(self, pos: int) -> int:
        if pos < self.last_pos:
            return self.first + self.text.count("\n", 0, pos)
        self.last_line += self.text.count("\n", self.last_pos, pos)
        self.last_pos = pos
        return self.last_line


def split_paragraphs(
    text: str,
    first_line: int = 1,
    unknown: list[tuple[int, str]] | None = None,
    debris: bool = True,
) -> list[Paragraph]:
    """The paragraphs of `text` (the text proper, signature and trailer already cut off).

    `first_line` is the source line of `text[0]`; unreadable markings are appended to
    `unknown` as (offset, marking). `debris=False` skips blanking page marks, for a body
    the banner rule has already cleaned.
    """
    if not text or text.isspace():  # `not text.strip()` without copying the text
        return []
    text = blank_noise(text, debris)
    doubled = is_doubled(text)
    line_of = _LineCounter(text, first_line)
    starts = _accept(text, unknown if unknown is not None else [])
    if not starts:
        blocks, _ = _split_blocks(text, 0, doubled, None)
        return _finish(_unnumbered(blocks, line_of), doubled)
    lead_blocks, heading = _split_blocks(text[: starts[0].pos], 0, doubled, None)
    if heading is None and lead_blocks and "\n" not in lead_blocks[-1][1].strip():
        heading = _plain_heading(lead_blocks[-1][1])  # "SUMMARY" over paragraph 1
        if heading:
            lead_blocks.pop()
    drafts = _unnumbered(lead_blocks, line_of)
    for index, start in enumerate(starts):
        end = starts[index + 1].pos if index + 1 < len(starts) else len(text)
        segment = text[start.content : end]
        next_heading = None
        if index + 1 < len(starts):
            segment, next_heading = split_heading(segment, doubled)
        drafts.append((start.number, segment, start.marking, heading, line_of(start.pos)))
        heading = next_heading
    return _finish(drafts, doubled)


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a cable's text proper (or any fragment of it), signature excluded."""
    if not text:
        return []
    signature = find_signature(text)
    return split_paragraphs(text[: signature.text_end])


def apply(state: ParseState) -> None:
    """Split `state.body` from `preamble_end` up to the signature into paragraphs."""
    body = state.body
    start = min(max(state.preamble_end, 0), len(body))
    signature = find_signature(body, start)
    state.scratch["signature"] = signature  # the signers rule reads it
    unknown: list[tuple[int, str]] = []
    state.cable.paragraphs = split_paragraphs(
        body[start : signature.text_end],
        state.body_line(start),
        unknown,
        debris="banner" not in state.scratch,
    )
    for offset, written in unknown:
        state.problem("paragraphs", f"unknown portion marking ({written})",
                      body_offset=start + offset)
