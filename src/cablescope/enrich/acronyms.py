"""Acronym definitions and government shorthand.

"Muttahida Quami Movement (MQM)" and "LeT (Lashkar e Taiba)" define an acronym for the rest
of the cable: both spans become mentions and the pair goes into the cable context, so a
bare "MQM" in another paragraph (or the subject) is known. The long form is found the
Schwartz-Hearst way: the acronym's letters, right to left, in the words before the
parenthesis, its first letter starting a word.

Cable shorthand for governments is ``GO`` + the country's initials (GOP, GOI, GOSL …):
which country, among those whose initials fit, is settled by the cable's TAGS and post.
"""

from __future__ import annotations

import re
from functools import cache

from cablescope.enrich.lexicon import (
    ORG_HEADS,
    STOPWORDS,
    Entry,
    countries,
    gazetteer,
    phrase_key,
)
from cablescope.enrich.resolve import skeleton
from cablescope.enrich.state import FieldState

_PAREN = re.compile(r"\(([^()\n]{2,80})\)")
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z.&/-]{1,11}$")


def _long_form(short: str, words: list[str]) -> int | None:
    """Index into `words` where the long form of `short` starts, or None (Schwartz-Hearst)."""
    letters = [c.lower() for c in short if c.isalnum()]
    long = " ".join(words).lower()
    li = len(long) - 1
    for si in range(len(letters) - 1, -1, -1):
        c = letters[si]
        while li >= 0 and (long[li] != c or (si == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    start_char = li + 1
    pos = 0
    for k, word in enumerate(words):
        if pos <= start_char < pos + len(word) + 1:
            return k
        pos += len(word) + 1
    return None


def _classify(key: tuple[str, ...], acronym: tuple[str, ...]) -> Entry:
    table = gazetteer()
    entry = table.get(key) or table.get(acronym)
    if entry is not None:
        return entry
    if any(t in ORG_HEADS for t in key):
        return Entry("ORG", "org", " ".join(key))
    return Entry("ORG", "org", " ".join(key))


def _define(state: FieldState, li: int, lj: int, ai: int, aj: int) -> None:
    """Record the definition long form ``[li, lj)`` ↔ acronym ``[ai, aj)`` and add both."""
    long_key = tuple(state.norms[li:lj])
    short_key = tuple(state.norms[ai:aj])
    entry = _classify(long_key, short_key)
    name = (
        entry.name
        if entry.name.upper() != " ".join(long_key)
        else state.text[state.starts[li] : state.ends[lj - 1]]
    )
    entry = Entry(entry.kind, entry.subtype, name, entry.code)
    ctx = state.ctx
    for key in (long_key, short_key, skeleton(long_key)):
        ctx.definitions.setdefault(key, entry)
    ctx.aliases.setdefault(short_key, long_key)
    ctx.aliases.setdefault(long_key, short_key)
    if state.free(li, lj):
        state.add(li, lj, entry.kind, subtype=entry.subtype, name=name, source="definition")
    if state.free(ai, aj):
        state.add(
            ai, aj, entry.kind, subtype=entry.subtype, name=name, source="definition", key=long_key
        )


def _token_at(state: FieldState, offset: int) -> int:
    for i, start in enumerate(state.starts):
        if start >= offset:
            return i
    return len(state.starts)


def definitions(state: FieldState) -> None:
    """``Long Form (LF)`` and ``LF (Long Form)``."""
    text = state.text
    if "(" not in text:
        return
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        first = _token_at(state, m.start(1))
        last = _token_at(state, m.end(1))
        if first >= len(state) or first == last:
            continue
        if _ACRONYM.match(inner) and last - first <= 3:
            # Long Form (LF): words right before the parenthesis.
            before = first
            lo = max(0, before - min(len(inner) + 5, 2 * len(inner)))
            words = state.words[lo:before]
            k = _long_form(inner, words)
            if k is None:
                continue
            li = lo + k
            while li < before and state.norms[li] in STOPWORDS:
                li += 1
            if li >= before or not state.named[li]:
                continue
            _define(state, li, before, first, last)
        elif first > 0 and _ACRONYM.match(state.words[first - 1]):
            # LF (Long Form): the acronym right before the parenthesis.
            short = state.words[first - 1]
            k = _long_form(short, state.words[first:last])
            if k is None or k != 0 or not state.named[first]:
                continue
            _define(state, first, last, first - 1, first)


@cache
def _government_candidates(letters: str) -> tuple[Entry, ...]:
    out = []
    for c in countries():
        for name in (c.name, *c.aliases):
            words = [w for w in phrase_key(name) if w not in STOPWORDS]
            acronym = len(words) == 1 and name.replace(".", "").isupper()
            initials = words[0] if acronym else "".join(w[0] for w in words)
            if initials == letters:
                out.append(Entry("ORG", "government", f"Government of {c.name}", c.code or None))
                break
    return tuple(out)


_GOV = re.compile(r"^GO([A-Z]{1,3})$")


def governments(state: FieldState) -> None:
    """``GOP``, ``GOI`` …: the government of the country the cable is about."""
    ctx = state.ctx
    for i, key in enumerate(state.norms):
        if state.taken[i] or not state.words[i].isupper():
            continue
        m = _GOV.match(key)
        if not m or key in gazetteer() or (state.upper and not state.named[i]):
            continue
        candidates = _government_candidates(m.group(1))
        if not candidates:
            continue
        chosen = [c for c in candidates if c.code and (c.code in ctx.tags or c.code == ctx.origin)]
        entry = (chosen or candidates)[0] if len(chosen) == 1 or len(candidates) == 1 else None
        name = entry.name if entry else key
        state.add(i, i + 1, "ORG", subtype="government", name=name, source="government")


def defined(state: FieldState) -> None:
    """Names the cable defined so far, used again: "TQB", "Tanzim Qawmi Baydar"."""
    table = state.ctx.definitions
    if not table:
        return
    lengths = sorted({len(k) for k in table}, reverse=True)
    n = len(state)
    i = 0
    while i < n:
        if state.taken[i] or not state.named[i]:
            i += 1
            continue
        for size in lengths:
            key = tuple(state.norms[i : i + size])
            entry = table.get(key)
            if len(key) == size and entry is not None and state.free(i, i + size):
                state.add(
                    i,
                    i + size,
                    entry.kind,
                    subtype=entry.subtype,
                    name=entry.name,
                    source="definition",
                )
                i += size - 1
                break
        i += 1


def apply(state: FieldState) -> None:
    definitions(state)
    defined(state)
    governments(state)
