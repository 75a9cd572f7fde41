"""Longest-match lookup of gazetteer phrases over a field's tokens (shared by the place and
organisation rules, each taking only its own kind)."""

from __future__ import annotations

from collections.abc import Iterator

from cablescope.enrich.lexicon import Entry, gazetteer, gazetteer_lengths
from cablescope.enrich.state import FieldState


def _joined(state: FieldState, i: int, j: int) -> bool:
    """Tokens ``[i, j)`` sit on one line with only blanks or hyphens between them."""
    text = state.text
    for k in range(i + 1, j):
        gap = text[state.ends[k - 1] : state.starts[k]]
        if gap.strip(" -") or len(gap) > 3:
            return False
    return True


def matches(state: FieldState, kinds: frozenset[str]) -> Iterator[tuple[int, int, Entry]]:
    """``(start, end, entry)`` of each longest free match of an entry of `kinds`."""
    table = gazetteer()
    lengths = gazetteer_lengths()
    norms = state.norms
    n = len(norms)
    i = 0
    while i < n:
        options = lengths.get(norms[i])
        if not options or state.taken[i]:
            i += 1
            continue
        for size in options:
            j = i + size
            if j > n:
                continue
            entry = table.get(tuple(norms[i:j]))
            if entry is None or entry.kind not in kinds or not state.free(i, j):
                continue
            if not _acceptable(state, i, j) or not _joined(state, i, j):
                continue
            yield i, j, entry
            i = j - 1
            break
        i += 1


def _acceptable(state: FieldState, i: int, j: int) -> bool:
    """A one-word match must look like a name here; longer ones must start like one."""
    if j - i == 1:
        word = state.words[i]
        if not state.named[i]:
            return False
        # Two-letter codes (US, UK, UN) only as written capitals, never "us" or "Us".
        return len(word) > 2 or word.isupper() or "." in word
    return state.named[i] or state.words[i][0].isupper()
