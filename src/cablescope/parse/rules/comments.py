"""The comments rule: the drafter's own assessment, every ``Comment:`` … ``End comment.``.

Openers: ``Comment:`` / ``Comment.`` / ``COMMENT -`` at the start of a paragraph (after its
number and marking, optionally ``Embassy comment:``, ``Begin comment:``, ``Comment and
action request.``), inside parentheses (``(Comment: …)``) or after a full stop, and a
heading line ``COMMENT`` (over a dashed rule). A comment runs to its ``End comment``; without
one, a parenthesised comment ends at its closing parenthesis, a heading-form comment at
the next heading (or the end of the text) and any other at the end of its paragraph.

Not comments: ``Summary and Comment:`` (that text is the summary) and ``Note:`` asides,
which are the drafter's references and explanations rather than the post's assessment.
"""

from __future__ import annotations

import re

from cablescope.parse.rules.summary import clean_block, find_closer, word_positions
from cablescope.parse.state import ParseState

_PREFIX = r"(?:(?:EMBASSY|POST|MISSION|CONSULATE|USDEL|BEGIN|AMBASSADOR'?S?)[ \t]+)?"
_WORD = (
    r"COMMENTS?(?:[ \t]+(?:AND|&)[ \t]+(?:ACTION[ \t]+REQUESTS?|RECOMMENDATIONS?|ANALYSIS"
    r"|OUTLOOK))?"
)
_LINE_OPENER_RE = re.compile(
    r"[ \t]*(?:[-=*]+[ \t]*)?(?:¶[ \t]*)?(?:\d{1,3}[.,][ \t]*)?(?:\([^()\n]{1,60}\)[ \t]*)?"
    + _PREFIX + _WORD + r"[ \t]*(?P<punct>[:.\-=*]+|(?=\n)|$)",
    re.I,
)
_INLINE_OPENER_RE = re.compile(_WORD + r"[ \t]*[:.\-]", re.I)
_AFTER_END_RE = re.compile(r"\b(?:end|no|without)(?:\s+of)?\s*$", re.I)
_LEAD_RE = re.compile(
    r"\s*(?:-{3,}[- \t]*(?:\n|$)\s*)?(?:¶[ \t]*)?(?:\d{1,3}[.,][ \t]+|\d{1,3}[.,](?=\())?"
    r"(?:\((?:TS|SBU|U|C|S)\b[^()\n]{0,50}\)[ \t]*)?",
    re.I,
)
_PARAGRAPH_START_RE = re.compile(r"^[ \t]*(?:¶[ \t]*)?\d{1,3}[.,](?=[ \t(])", re.M)
_RULED_LINE_RE = re.compile(r"^[^\n]*-{4,}[- \t]*$", re.M)


def _inline_context(text: str, line_start: int, pos: int) -> str | None:
    """``paren`` after "(", ``line`` after a full stop and spaces, else None."""
    before = text[max(line_start, pos - 12) : pos]
    stripped = before.rstrip(" \t")
    if stripped.endswith("("):
        return "paren"
    if stripped != before and stripped[-1:] in (".", "!", "?", '"', "'"):
        return "line"
    return None


def _openers(text: str, positions: list[int]) -> list[tuple[int, int, str]]:
    """(start, content start, kind) of each comment opener; kind is line, heading or paren."""
    found: list[tuple[int, int, str]] = []
    for pos in positions:
        line_start = text.rfind("\n", 0, pos) + 1
        opener = None
        context = _inline_context(text, line_start, pos)
        if context and not _AFTER_END_RE.search(text, max(0, pos - 12), pos):
            inline = _INLINE_OPENER_RE.match(text, pos)
            if inline:
                opener = (pos, inline.end(), context)
        if opener is None:
            line = _LINE_OPENER_RE.match(text, line_start)
            if line and line.end() > pos and not _AFTER_END_RE.search(
                text, max(0, line_start - 12), line_start
            ):
                eol = text.find("\n", line.end())
                rest = text[line.end() : eol if eol >= 0 else len(text)]
                opener = (line_start, line.end(), "line" if rest.strip() else "heading")
        if opener and (not found or found[-1][0] != opener[0]):
            found.append(opener)
    return found


def _closing_paren(text: str, start: int, limit: int) -> int:
    depth = 1
    for index in range(start, min(limit, start + 4000)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _next_heading(text: str, start: int, limit: int) -> int:
    """Start of the next heading (the line over a dashed rule, or glued to one)."""
    rule = _RULED_LINE_RE.search(text, start, limit)
    if rule is None:
        return limit
    if rule.group().strip(" \t-"):
        return rule.start()
    above = text[start : rule.start()].rstrip()
    newline = text.rfind("\n", start, start + len(above))
    return newline + 1 if newline >= 0 else start


def comment_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text of each comment."""
    positions = word_positions(text, "comment")
    if not positions:
        return []
    openers = _openers(text, positions)
    spans: list[tuple[int, int]] = []
    for index, (_, content, kind) in enumerate(openers):
        limit = openers[index + 1][0] if index + 1 < len(openers) else len(text)
        start = _LEAD_RE.match(text, content).end()
        if spans and start < spans[-1][1]:
            continue  # inside the comment before (a nested "(Comment: …)")
        closer = find_closer(text, positions, start, limit)
        if closer >= 0:
            end = closer
        elif kind == "paren":
            end = _closing_paren(text, start, limit)
            if end < 0:
                end = limit
        elif kind == "heading":
            end = _next_heading(text, start, limit)
        else:
            following = _PARAGRAPH_START_RE.search(text, start, limit)
            end = following.start() if following else limit
        if end > start:
            spans.append((start, end))
    return spans


def comments(text: str) -> list[str]:
    """Every comment in `text`, cleaned like the summary (lines kept, numbers dropped)."""
    if not text:
        return []
    out = []
    for start, end in comment_spans(text):
        cleaned = clean_block(text[start:end])
        if cleaned:
            out.append(cleaned)
    return out


def apply(state: ParseState) -> None:
    """Collect the comments of the text proper (up to the signature when known)."""
    start = min(max(state.preamble_end, 0), len(state.body))
    signature = state.scratch.get("signature")
    end = getattr(signature, "text_end", len(state.body))
    state.cable.comments = comments(state.body[start : max(start, end)])
