"""Persons without a title, and what is left: capitalised runs no other rule claimed.

A run that starts with a known given name ("Nawaz Sharif", "IAN SEYMOUR") is a person. In
mixed-case text a capitalised run of two to four words, or one word the casing table knows
as mostly capitalised (or not at all), is taken as a person too: by then places,
organisations and titles have had their turn. In ALL CAPS text an unknown word is no
evidence, so runs stay unclaimed (`state.leftovers`) until the cable-level pass
(`propagate`) finds them among names the cable has already used.
"""

from __future__ import annotations

from cablescope.enrich.lexicon import (
    NAME_PARTICLES,
    ORG_HEADS,
    STOPWORDS,
    casing,
    given_names,
    title_words,
)
from cablescope.enrich.resolve import skeleton
from cablescope.enrich.state import FieldState
from cablescope.enrich.titles import remember

#: Verbs of speech after a bare ALL CAPS name: "ECEVIT SAID", "KAMEL TOLD".
SPEECH_VERBS = frozenset(
    [
        "SAID",
        "SAYS",
        "TOLD",
        "ASKED",
        "NOTED",
        "STATED",
        "ADDED",
        "REPLIED",
        "AGREED",
        "STRESSED",
        "EMPHASIZED",
        "REPORTED",
        "EXPLAINED",
        "COMMENTED",
        "REMARKED",
        "OBSERVED",
        "CONFIRMED",
        "INDICATED",
        "SUGGESTED",
    ]
)


def runs(state: FieldState) -> list[tuple[int, int]]:
    """Maximal runs of free name-like tokens (particles allowed inside), one phrase each."""
    out = []
    n = len(state)
    named, taken, norms = state.named, state.taken, state.norms
    text = state.text
    i = 0
    while i < n:
        if taken[i] or not named[i] or norms[i] in NAME_PARTICLES:
            i += 1
            continue
        j = i + 1
        while j < n and not taken[j]:
            gap = text[state.ends[j - 1] : state.starts[j]]
            if gap.strip(" -") or len(gap) > 2:
                break
            if named[j]:
                j += 1
            elif norms[j] in NAME_PARTICLES and j + 1 < n and named[j + 1] and not taken[j + 1]:
                j += 2
            else:
                break
        out.append((i, j))
        i = j
    return out


def _is_person_run(state: FieldState, i: int, j: int) -> bool:
    norms = state.norms
    words = title_words()
    if any(t in ORG_HEADS or t in STOPWORDS for t in norms[i:j]):
        return False
    if norms[i] in words or norms[j - 1] in words:
        return False
    if norms[i] in given_names() and j - i >= 2:
        return True
    if state.upper:
        return j < len(state) and norms[j] in SPEECH_VERBS and state.lower_share(i) <= 1
    if j - i >= 2:
        return j - i <= 4 and not all(w.isupper() for w in state.words[i:j])
    word = state.words[i]
    if word.isupper():
        return False
    if state.sentence[i] and norms[i] not in state.ctx.persons:
        return casing().get(norms[i]) == 0  # known, and never lower case
    return state.lower_share(i) <= 2


def apply(state: FieldState) -> None:
    left = []
    for i, j in runs(state):
        if _is_person_run(state, i, j):
            mention = state.add(i, j, "PERSON", source="name")
            remember(state, mention.key)
        else:
            left.append((i, j))
    state.leftovers = left


def propagate(state: FieldState) -> None:
    """Cable-level pass: runs that are names the cable defined or used for a person, and
    guesses (a capitalised run taken for a person) that a definition elsewhere corrects."""
    ctx = state.ctx
    if ctx.definitions:
        for m in state.mentions:
            if m.source not in ("name", "acronym", "model"):
                continue
            entry = ctx.definitions.get(m.key) or ctx.definitions.get(skeleton(m.key))
            if entry is not None:
                m.kind, m.subtype, m.name, m.source = (
                    entry.kind,
                    entry.subtype,
                    entry.name,
                    "definition",
                )
    for i, j in state.leftovers:
        if not state.free(i, j):
            continue
        key = tuple(state.norms[i:j])
        entry = ctx.definitions.get(key) or ctx.definitions.get(skeleton(key))
        if entry is not None:
            state.add(i, j, entry.kind, subtype=entry.subtype, name=entry.name, source="definition")
            continue
        k = i
        while k < j:
            full = ctx.persons.get(state.norms[k])
            if full is None:
                k += 1
                continue
            end = k + 1
            n = len(state)
            while end < n and state.norms[end] in full and not state.taken[end]:
                end += 1
            state.add(k, end, "PERSON", source="propagated", key=full)
            k = end


def signature(state: FieldState) -> None:
    """The ``signature`` field: each signer (separated by ``/``) of name-like words."""
    n = len(state)
    if state.field != "signature" or not n:
        return
    spans = []
    i = 0
    for k in range(1, n + 1):
        if k == n or "/" in state.text[state.ends[k - 1] : state.starts[k]]:
            spans.append((i, k))
            i = k
    for i, j in spans:
        if not state.free(i, j) or j - i > 4:
            continue
        if all(
            state.words[k].isalpha()
            and state.norms[k] not in STOPWORDS
            and (state.named[k] or state.lower_share(k) <= 6)
            for k in range(i, j)
        ):
            mention = state.add(i, j, "PERSON", source="signature")
            remember(state, mention.key)
