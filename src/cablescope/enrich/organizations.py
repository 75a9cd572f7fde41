"""Organisations: the gazetteer (curated names, organisation TAGS, cable shorthand such as
USG, HMG, FONOFF, MFA), names built on a head word ("Muttahida Quami Movement", "Ministry of
Foreign Affairs", "Bank of England"), and in mixed-case text any other ALL CAPS acronym.

Generic ministries (MFA, FONOFF, MOD) name a different body in every country: their
canonical name gets the origin post's country, so Ankara's "MFA" is Turkey's.
"""

from __future__ import annotations

from cablescope.enrich.gazetteer import matches
from cablescope.enrich.lexicon import ORG_HEADS, STOPWORDS, country_by_code, title_words
from cablescope.enrich.state import FieldState

_ORG = frozenset({"ORG"})
_OF = frozenset({"OF", "FOR", "AND", "ON"})


def _qualified(state: FieldState, name: str, subtype: str) -> str:
    if subtype != "ministry" or state.ctx.origin is None:
        return name
    country = country_by_code().get(state.ctx.origin)
    return f"{name} ({country.name})" if country else name


def gazetteer_orgs(state: FieldState) -> None:
    for i, j, entry in list(matches(state, _ORG)):
        state.add(
            i,
            j,
            "ORG",
            subtype=entry.subtype,
            name=_qualified(state, entry.name, entry.subtype),
            source="gazetteer",
        )


def head_word_orgs(state: FieldState) -> None:
    """Capitalised runs that end in (or start with) an organisation head word."""
    n = len(state)
    named, norms, taken = state.named, state.norms, state.taken
    i = 0
    while i < n:
        if taken[i] or not named[i] or norms[i] in STOPWORDS:
            i += 1
            continue
        j = i
        has_head = False
        while j < n and not taken[j] and (named[j] or norms[j] in ORG_HEADS):
            if j > i and not _same_phrase(state, j - 1, j):
                break
            has_head = has_head or norms[j] in ORG_HEADS
            j += 1
        # "Ministry of Foreign Affairs", "Bank of England": continue over "of" + name.
        while (
            has_head
            and j + 1 < n
            and norms[j] in _OF
            and _free_or_place(state, j + 1)
            and named[j + 1]
            and _same_phrase(state, j - 1, j)
            and (state.upper or state.words[j].islower())
        ):
            k = j + 1
            while k < n and not taken[k] and named[k] and _same_phrase(state, k - 1, k):
                k += 1
            j = k
        if has_head and j - i >= 2 and not (state.upper and j - i > 6):
            state.add(i, j, "ORG", subtype="org", source="head")
            i = j
        else:
            i = max(j, i + 1)


def _free_or_place(state: FieldState, i: int) -> bool:
    """Token i is free, or starts a place mention ("Bank of Lahore"), which is then freed."""
    if not state.taken[i]:
        return True
    for m in state.mentions:
        if m.tokens[0] == i and m.kind == "PLACE":
            state.mentions.remove(m)
            for t in range(*m.tokens):
                state.taken[t] = False
            return True
    return False


def _same_phrase(state: FieldState, a: int, b: int) -> bool:
    gap = state.text[state.ends[a] : state.starts[b]]
    return gap.strip(" -&") == "" and len(gap) <= 3


def acronyms(state: FieldState) -> None:
    """Mixed-case text: an unknown ALL CAPS word of 2-6 letters is an organisation."""
    if state.upper:
        return
    words = state.words
    n = len(words)
    for i, word in enumerate(words):
        if state.taken[i] or not (2 <= len(word) <= 6) or not word.isupper():
            continue
        if (i and words[i - 1].isupper() and _same_phrase(state, i - 1, i)) or (
            i + 1 < n and words[i + 1].isupper() and _same_phrase(state, i, i + 1)
        ):
            continue  # part of a shouted run ("TANZIM QAWMI BAYDAR"), not an acronym
        if not word.isalpha() or state.norms[i] in STOPWORDS or state.norms[i] in title_words():
            continue
        state.add(i, i + 1, "ORG", subtype="acronym", source="acronym")


def apply(state: FieldState) -> None:
    gazetteer_orgs(state)


_GOVT = frozenset({"GOVERNMENT", "GOVT", "GOV"})


def government_phrases(state: FieldState) -> None:
    """ "the Chinese Government", "TURKISH GOVT": a country's government, not the country."""
    by_end = {m.tokens[1]: m for m in state.mentions if m.kind == "PLACE"}
    for j, key in enumerate(state.norms):
        place = by_end.get(j)
        if (
            key not in _GOVT
            or place is None
            or state.taken[j]
            or place.subtype not in ("country", "nationality")
        ):
            continue
        if not _same_phrase(state, j - 1, j):
            continue
        state.mentions.remove(place)
        i = place.tokens[0]
        for t in range(i, j):
            state.taken[t] = False
        state.add(
            i,
            j + 1,
            "ORG",
            subtype="government",
            name=f"Government of {place.name}",
            source="government",
            key=(*place.key, "GOVERNMENT"),
        )
