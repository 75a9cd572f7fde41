"""Persons without a title, and what is left: capitalised runs no other rule claimed.

A run that starts with a known given name ("Nawaz Sharif", "IAN SEYMOUR") is a person. In
mixed-case text a capitalised run of two to four words, or one word the casing table knows
as mostly capitalised (or not at all), is taken as a person too: by then places,
organisations and titles have had their turn. In ALL CAPS text an unknown word is no
evidence, so runs stay unclaimed (`state.leftovers`) until the cable-level pass
(`propagate`) finds them among names the cable has already used.
"""

from __future__ import annotations

from functools import cache

from cablescope.data import acronyms as acronym_list
from cablescope.data import organization_tags
from cablescope.enrich.lexicon import (
    MONTHS,
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
            if (gap.strip(" -") or len(gap) > 2) and not _initial_gap(state, j - 1, gap):
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


def _initial_gap(state: FieldState, k: int, gap: str) -> bool:
    """ "K. " after a one-letter token: a middle initial ("MALCOLM K. WAGLAND")."""
    return len(state.words[k]) == 1 and gap.strip() == "." and len(gap) <= 3 and k > 0


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


def _gap(state: FieldState, a: int, b: int) -> str:
    return state.text[state.ends[a] : state.starts[b]]


_KNOWN = frozenset({"propagated", "definition", "title", "signature"})


def merge_adjacent(state: FieldState) -> None:
    """One person, one mention: "GALINDO" "POHL", "RENE" "CRUZ" tagged as two persons back
    to back (nothing but a blank between) are one name, the way annotators mark it. A
    hyphen joins two persons as often as one ("MUKHERJEE-ZARDARI TALKS"), and two names
    the cable already knows as different persons stay two."""
    persons = sorted(
        (m for m in state.mentions if m.kind == "PERSON" and m.tokens[1] > m.tokens[0]),
        key=lambda m: m.start,
    )
    gone: set[int] = set()
    prev = None
    for m in persons:
        if prev is not None and prev.tokens[1] == m.tokens[0] and m.role is None:
            gap = _gap(state, prev.tokens[1] - 1, m.tokens[0])
            known = {prev.source, m.source} <= _KNOWN and prev.key != m.key
            if len(gap) <= 2 and not gap.strip(" ") and not known:
                prev.end = m.end
                prev.text = state.text[prev.start : prev.end]
                prev.tokens = (prev.tokens[0], m.tokens[1])
                if prev.key[-len(m.key) :] != m.key:
                    prev.key = prev.key + m.key
                remember(state, prev.key)
                gone.add(id(m))
                continue
        prev = m
    if gone:
        state.mentions = [m for m in state.mentions if id(m) not in gone]


#: Words that join names in a list: "BOTHA AND FOURIE", "URQUHART OR SHERRY".
_CONJ = frozenset({"AND", "OR", "NOR"})


def _bare_name(state: FieldState, k: int) -> bool:
    """A free ALL CAPS token that reads as a name: unknown to the casing table or never
    written lower case there, alphabetic, and no stopword, title, head word or month."""
    key = state.norms[k]
    if state.taken[k] or not state.words[k].isalpha() or len(key) < 3:
        return False
    if key in STOPWORDS or key in ORG_HEADS or key in title_words() or key in MONTHS:
        return False
    vowels = sum(c in _VOWELS for c in key)
    if len(key) < 4 or (vowels < 2 and len(key) < 5) or not vowels or key in _acronyms():
        return False  # "JCP", "PNA", "USTS": acronyms are listed next to persons too
    if state.text.startswith("-", state.ends[k]):
        return False  # "RECON- SIDERED": a word broken across a line
    code = casing().get(key)
    return code is None or code == 0


_VOWELS = frozenset("AEIOUY")


@cache
def _acronyms() -> frozenset[str]:
    return frozenset(a.upper() for a in acronym_list()) | organization_tags()


def _coordinated_run(state: FieldState, i: int, step: int) -> tuple[int, int] | None:
    """The free name run one conjunction (or comma) away from token i, walking `step`."""
    n = len(state)
    c = i + step
    if not 0 <= c < n:
        return None
    if state.norms[c] in _CONJ and not state.taken[c]:
        k = c + step
        if not 0 <= k < n:
            return None
        gaps = _gap(state, min(i, c), max(i, c)) + _gap(state, min(c, k), max(c, k))
        if gaps.strip():
            return None
    else:
        gap = _gap(state, min(i, c), max(i, c))
        if gap.strip() != "," or "\n" in gap:
            return None
        k = c
    if not 0 <= k < n or not _bare_name(state, k):
        return None
    if step > 0:
        a, b = k, k + 1
        while b < n and b - a < 3 and _bare_name(state, b) and not _gap(state, b - 1, b).strip():
            b += 1
        if b < n and not state.taken[b] and state.named[b] and not _gap(state, b - 1, b).strip():
            return None  # the run goes on into other capitalised words: not a bare name
    else:
        a, b = k, k + 1
        while (
            a > 0 and b - a < 3 and _bare_name(state, a - 1) and not _gap(state, a - 1, a).strip()
        ):
            a -= 1
        if (
            a
            and not state.taken[a - 1]
            and state.named[a - 1]
            and not _gap(state, a - 1, a).strip()
        ):
            return None
    return a, b


def coordinated(state: FieldState) -> None:
    """Cable-level pass for ALL CAPS text: a bare name listed next to a person ("BOTHA AND
    FOURIE", "ODRIA AND PRADO", "URQUHART OR SHERRY") is a person too."""
    if not state.upper:
        return
    queue = [m for m in state.mentions if m.kind == "PERSON"]
    while queue:
        m = queue.pop()
        i, j = m.tokens
        for edge, step in ((j - 1, 1), (i, -1)):
            found = _coordinated_run(state, edge, step)
            if found is not None:
                new = state.add(found[0], found[1], "PERSON", source="coordinated")
                remember(state, new.key)
                queue.append(new)
