"""Organisations: the gazetteer (curated names, organisation TAGS, cable shorthand such as
USG, HMG, FONOFF, MFA), names built on a head word ("Muttahida Quami Movement", "Ministry of
Foreign Affairs", "Bank of England"), and in mixed-case text any other ALL CAPS acronym.

Generic ministries (MFA, FONOFF, MOD) name a different body in every country: their
canonical name gets the origin post's country, so Ankara's "MFA" is Turkey's.
"""

from __future__ import annotations

from functools import cache

from cablescope.data import acronyms as acronym_list
from cablescope.enrich.gazetteer import matches
from cablescope.enrich.lexicon import (
    MONTHS,
    ORG_HEADS,
    STOPWORDS,
    casing,
    country_by_code,
    title_words,
)
from cablescope.enrich.mentions import Mention
from cablescope.enrich.state import FieldState

_ORG = frozenset({"ORG"})


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


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


#: Heads of a body's name that ALL CAPS telegrams use with plain words before them ("LEGAL
#: COMMITTEE", "ARMED FORCES", "URBAN ENVIRONMENT GROUP"); the media and program heads
#: of `ORG_HEADS` name things too often ("PRESS", "SERVICE", "FUND").
BODY_HEADS = _wordset(
    """COMMITTEE COMMISSION COUNCIL COURT TRIBUNAL FORCE FORCES ARMY NAVY GROUP OFFICE
    MINISTRY DEPARTMENT DIRECTORATE BUREAU AGENCY AUTHORITY BOARD ASSEMBLY PARLIAMENT
    CONGRESS SENATE SECRETARIAT PARTY LEAGUE FEDERATION CONFEDERATION
    ASSOCIATION ORGANIZATION ORGANISATION INSTITUTE UNIVERSITY COLLEGE ACADEMY FOUNDATION
    CORPORATION COMPANY BANK CHAMBER SOCIETY ALLIANCE COALITION JUNTA AIRLINES AIRWAYS
    INDUSTRIES ENTERPRISES INC LTD CORP"""
)
#: Words that make a phrase a description, not a name: "SAME COMMITTEE", "TWO PARTIES".
_DESCRIPTIVE = _wordset(
    """SAME OTHER ANOTHER SUCH EACH EVERY ENTIRE WHOLE PREVIOUS NEXT LAST FIRST SECOND THIRD
    ONE TWO THREE FOUR FIVE SEVERAL MANY MOST FEW NEW OLD ABOVE FOLLOWING CERTAIN VARIOUS
    ANY SOME NO SAID RESPECTIVE RELEVANT APPROPRIATE CONCERNED SPECIAL PROPOSED AD HOC
    LARGER SMALLER"""
)


def _plain(state: FieldState, k: int) -> bool:
    """Token k may be a word of a body's name in ALL CAPS text."""
    key = state.norms[k]
    return (
        not state.taken[k]
        and state.words[k].isalpha()
        and key not in STOPWORDS
        and key not in MONTHS
        and key not in _DESCRIPTIVE
        and not key.endswith(("LY", "ING"))
        and not _broken_word(state, k)
    )


def caps_body_orgs(state: FieldState) -> None:
    """ALL CAPS text: one to three plain words before a body head ("LEGAL COMMITTEE"), and
    "OF"/"ON"/"FOR" with at most two words after it ("COMMISSION ON HUMAN RIGHTS")."""
    if not state.upper:
        return
    n = len(state)
    norms = state.norms
    for h in range(n):
        if state.taken[h] or norms[h] not in BODY_HEADS:
            continue
        i = h
        while i > 0 and _plain(state, i - 1) and _same_phrase(state, i - 1, i) and h - i < 4:
            i -= 1
        if h - i > 3:
            continue  # a longer run of words is a sentence fragment, not a name
        j = h + 1
        if j + 1 < n and norms[j] in ("OF", "ON", "FOR") and _same_phrase(state, h, j):
            k = j + 1
            while k < n and k - j <= 2 and _plain(state, k) and _same_phrase(state, k - 1, k):
                k += 1
            if k > j + 1:
                j = k
        if not state.free(i, j):
            continue
        place = _place_before(state, i) if h > i else None
        if place is not None:
            state.mentions.remove(place)
            for t in range(*place.tokens):
                state.taken[t] = False
            i = place.tokens[0]
        if j - i >= 2:
            state.add(i, j, "ORG", subtype="org", source="head")


def _place_before(state: FieldState, i: int) -> Mention | None:
    """The country, nationality or city mention that ends right before token i, if any:
    "BRITISH HIGH COMMISSION", "WARSAW MEDICAL ACADEMY" are one name."""
    if i == 0 or not _same_phrase(state, i - 1, i):
        return None
    for m in state.mentions:
        if m.tokens[1] == i and m.kind == "PLACE" and m.subtype in _PLACE_MODIFIERS:
            return m
    return None


_PLACE_MODIFIERS = frozenset({"country", "nationality", "city"})


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


#: Cable shorthand in the acronym list that names no organisation: staff, documents, post
#: abbreviations and message handling (the list keeps every acronym cables write).
_NOT_ORGS = _wordset(
    """CODEL STAFFDEL USDEL UKDEL EMBOFF EMBOFFS CONOFF POLOFF ECONOFF DCM DOC DOCS MEMCON
    REFTEL SEPTEL NIACT EXDIS LIMDIS NODIS NOFORN FYI ETA ETD COB MOU LOU FOB CIF GNP GDP
    OK TV AM PM USG RPT BOP ODA CPI NPT MTN LDC LDCS"""
)
_ROMAN = frozenset("IVXLC")


def caps_acronyms(state: FieldState) -> None:
    """ALL CAPS text: a free word that the reference acronym list knows, or that mixed-case
    cables mostly write in capitals, is an organisation ("APRA", "USLO", "IDF"); without
    case, only such lists tell an acronym from a surname."""
    if not state.upper:
        return
    known = _acronym_words()
    table = casing()
    for i, key in enumerate(state.norms):
        if state.taken[i] or not state.named[i] or not (3 <= len(key) <= 6):
            continue
        word = state.words[i]
        if not word.isalpha() or set(key) <= _ROMAN:
            continue
        if key in STOPWORDS or key in title_words() or key in _NOT_ORGS:
            continue
        if _broken_word(state, i):
            continue
        code = table.get(key)
        listed = key in known and (code is None or code >= 10)
        if listed or (code is not None and code >= 10 and len(key) <= 4):
            state.add(i, i + 1, "ORG", subtype="acronym", source="acronym")


def _broken_word(state: FieldState, i: int) -> bool:
    """A piece of a word the telegram split at a line end ("SCRAPP- ING", "DIS- BURSE")."""
    text = state.text
    before = text[max(0, state.starts[i] - 3) : state.starts[i]]
    after = text[state.ends[i] : state.ends[i] + 2]
    return (before.rstrip(" ").endswith("-") and before.endswith(" ")) or after in ("- ", "-\n")


@cache
def _acronym_words() -> frozenset[str]:
    return frozenset(a.upper() for a in acronym_list() if a.isalpha())


def apply(state: FieldState) -> None:
    gazetteer_orgs(state)


_GOVT = frozenset({"GOVERNMENT", "GOVT", "GOV"})
#: Plural or collective nouns for those who speak for a state: "CHILEAN AUTHORITIES",
#: "SOVIET OFFICIALS", "US REP" are the state acting (ACE's GPE as government), one phrase.
_SPEAK_FOR = frozenset(
    {"AUTHORITIES", "OFFICIALS", "REPRESENTATIVES", "REP", "REPS", "LEADERSHIP", "SIDE"}
)


def government_phrases(state: FieldState) -> None:
    """ "the Chinese Government", "TURKISH GOVT": a country's government, not the country;
    so are its officials, authorities and representatives as one group ("US REP")."""
    by_end = {m.tokens[1]: m for m in state.mentions if m.kind == "PLACE"}
    for j, key in enumerate(state.norms):
        place = by_end.get(j)
        if (
            (key not in _GOVT and key not in _SPEAK_FOR)
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
