"""The summary rule: the text between a summary opener and ``End summary``.

Openers: ``Summary.`` / ``Summary:`` / ``SUMMARY -`` at the start of a paragraph (after
its number and marking), a heading line (``------- SUMMARY -------``, ``Summary -------``,
``SUMMARY AND TABLE OF CONTENTS``, ``BEGIN SUMMARY``), and compounds such as ``Summary
and Comment:`` or ``Introduction and Summary:``. The summary runs to ``End summary``
(``END SUMMARY AND COMMENT.``, ``End\\nSummary.`` …); without one it is the rest of the
opener's paragraph. With ``End summary`` but no opener, it starts at paragraph 1.

The result keeps the line structure (lines stripped, blank lines and paragraph numbers
and markings dropped, spaces collapsed) and restores comma-apostrophes.
"""

from __future__ import annotations

import re

from cablescope.parse.rules.body import blank_noise, restore_apostrophes, squeeze
from cablescope.parse.state import ParseState

_OPENER_RE = re.compile(
    r"[ \t]*(?:[-=*]+[ \t]*)?(?:¶[ \t]*)?(?:\d{1,3}[.,][ \t]*)?(?:\([^()\n]{1,60}\)[ \t]*)?"
    r"(?:(?:INTRODUCTION|OVERVIEW|BACKGROUND)[ \t]+(?:AND|&)[ \t]+)?(?:BEGIN[ \t]+)?"
    r"(?:EXECUTIVE[ \t]+)?SUMMARY"
    r"(?:[ \t]+(?:AND|&)[ \t]+(?:COMMENTS?|ACTION[ \t]+REQUESTS?|INTRODUCTION|RECOMMENDATIONS?"
    r"|BACKGROUND|OVERVIEW|TABLE[ \t]+OF[ \t]+CONTENTS))?"
    r"[ \t]*(?:[:.\-=*]+|(?=\n)|$)",
    re.I,
)
#: ``End`` (``End of``, ``END EXECUTIVE``) right before a "summary" word: the closer.
_END_BEFORE_RE = re.compile(r"\bEND\s+(?:OF\s+)?(?:EXECUTIVE\s+)?$", re.I)
#: What may stand between an opener and the summary text: rules, a paragraph number.
_LEAD_RE = re.compile(
    r"\s*(?:-{3,}[- \t]*(?:\n|$)\s*)?(?:¶[ \t]*)?(?:\d{1,3}[.,][ \t]+|\d{1,3}[.,](?=\())?"
    r"(?:\((?:TS|SBU|U|C|S)\b[^()\n]{0,50}\)[ \t]*)?",
    re.I,
)
_PARAGRAPH_START_RE = re.compile(r"^[ \t]*(?:¶[ \t]*)?\d{1,3}[.,](?=[ \t(])", re.M)
#: A paragraph number (and marking) after a newline; the newline is kept.
_NUMBER_RE = re.compile(
    r"\n[ \t]*(?:¶[ \t]*)?\d{1,3}[.,](?=[ \t(])[ \t]*"
    r"(?:\((?:TS|SBU|U|C|S)\b[^()\n]{0,50}\)[ \t]*)?",
    re.I,
)
_NEWLINES_RE = re.compile("\n\n+")
#: ``End`` at the end of the previous line: ``End\nSummary.`` closes, it does not open.
_AFTER_END_RE = re.compile(r"\bend(?:\s+of)?\s*$", re.I)
_RULE_LINE_RE = re.compile(r"^[ \t]*-{3,}[- \t]*$", re.M)


def clean_block(text: str) -> str:
    """Lines stripped and joined by one newline; numbers, markings, rules and noise gone."""
    text = squeeze(blank_noise("\n" + text))
    if "---" in text:
        text = _RULE_LINE_RE.sub("", text)
    text = _NUMBER_RE.sub("\n", text)
    if "\n\n" in text:
        text = _NEWLINES_RE.sub("\n", text)
    return restore_apostrophes(text.strip())


def word_positions(text: str, word: str) -> list[int]:
    """Offsets of `word` (lower case) written in lower, Title or upper case, in order.

    Two `str.find` loops over the rare stem beat lower-casing the whole text."""
    stem = word[1:]
    found = []
    for variant in (stem, stem.upper()):
        pos = text.find(variant, 1)
        while pos >= 0:
            if text[pos - 1] in (word[0], word[0].upper()):
                found.append(pos - 1)
            pos = text.find(variant, pos + len(variant))
    found.sort()
    return found


def find_openers(
    text: str, positions: list[int], opener: re.Pattern[str]
) -> list[re.Match[str]]:
    """Matches of `opener` at the start of each line holding a word at `positions`."""
    found: list[re.Match[str]] = []
    for pos in positions:
        line_start = text.rfind("\n", 0, pos) + 1
        match = opener.match(text, line_start)
        if (
            match
            and match.end() > pos
            and (not found or found[-1].start() != match.start())
            and not _AFTER_END_RE.search(text, max(0, line_start - 12), line_start)
        ):
            found.append(match)
    return found


def find_closer(text: str, positions: list[int], start: int, limit: int) -> int:
    """Offset of the first ``End <word>`` whose word is at one of `positions` in
    [start, limit), or -1."""
    for pos in positions:
        if pos < start:
            continue
        if pos >= limit:
            break
        end = _END_BEFORE_RE.search(text, max(start, pos - 24), pos)
        if end:
            return end.start()
    return -1


def summary_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the summary in `text`, or None."""
    positions = word_positions(text, "summary")
    if not positions:
        return None
    openers = find_openers(text, positions, _OPENER_RE)
    if openers:
        start = openers[0].end()
        lead = _LEAD_RE.match(text, start)
        if lead:
            start = lead.end()
        again = _OPENER_RE.match(text, start)
        if again and again.end() > start:
            start = _LEAD_RE.match(text, again.end()).end()
        closer = find_closer(text, positions, start, len(text))
        if closer < 0:
            following = _PARAGRAPH_START_RE.search(text, start)
            return start, following.start() if following else len(text)
        return start, closer
    closer = find_closer(text, positions, 0, len(text))
    if closer < 0:
        return None
    first = _PARAGRAPH_START_RE.search(text, 0, closer)
    if first is None:
        return None
    return _LEAD_RE.match(text, first.start()).end(), closer


def summary(text: str) -> str | None:
    """The summary of `text` (a cable or a fragment), None when it has none."""
    if not text:
        return None
    span = summary_span(text)
    if span is None:
        return None
    cleaned = clean_block(text[span[0] : span[1]])
    return cleaned or None


def apply(state: ParseState) -> None:
    """Look for the summary in the text proper (up to the signature when known); an
    opener with no text after it is recorded as a problem."""
    start = min(max(state.preamble_end, 0), len(state.body))
    signature = state.scratch.get("signature")
    end = max(start, getattr(signature, "text_end", len(state.body)))
    text = state.body[start:end]
    span = summary_span(text) if text else None
    if span is None:
        state.cable.summary = None
        return
    state.cable.summary = clean_block(text[span[0] : span[1]]) or None
    if state.cable.summary is None:
        state.problem("summary", "summary opener without summary text",
                      body_offset=start + span[0])
