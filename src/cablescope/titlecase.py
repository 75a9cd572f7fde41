"""Headline case for cable subjects that keeps acronyms upper case.

``HMG STRESSES U.S.-UK COORDINATION ON AFGHANISTAN STRATEGY`` →
``HMG Stresses U.S.-UK Coordination on Afghanistan Strategy``. Words in the acronym
table (`cablescope.data.acronyms`) keep their case, short function words go lower case
(AP style: articles, conjunctions, prepositions of up to three letters) unless they open
the title or a part after a colon or dash, and every other word is capitalised — also each
part of a hyphenated or slashed compound (``UK-Based``, ``TFTP/SWIFT``). A subject already
in mixed case keeps the case of each word it has (``DoD``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from cablescope import data

#: Lower case inside a title (AP style).
SMALL_WORDS = frozenset(
    {
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in",
        "of", "off", "on", "per", "to", "up", "via", "vs", "vs.", "v.", "v"
    }
)
#: Words of the acronym table that cables mostly use as ordinary words or names.
NOT_ACRONYMS = frozenset(
    {
        "AD", "AGO", "ALLEGED", "AMENDMENT", "AMIN", "ARENA", "ARMENIA", "BASHAR", "CAP", "CAR",
        "CEMENT", "CHEN", "COMMIT", "COPE", "DA", "DARK", "DI", "DOHA", "DONG", "DUTCH", "ETC",
        "EXACT", "FAR", "FAST", "FIDES", "FIT", "GIFT", "GOES", "GOV", "HOC", "JOSEPH", "LEGAL",
        "LET", "MACEDONIA", "MAIL", "MAOIST", "MCCAIN", "MEET", "MOST", "MR", "MRS", "NEEDS",
        "NEO", "OPT", "PACE", "PAR", "PHILIPS", "PICK", "PRO", "PROTECT", "REYES", "SANG",
        "SEA", "SHANNON", "SHARON", "SMART", "STAR", "STOP", "SUNNI", "THAI", "TRIPS", "UPDATE",
        "VIS", "WASH", "YOUTH"
    }
)
#: Acronyms common in cables that the shipped table lacks.
EXTRA_ACRONYMS = frozenset(
    {
        "DROC", "GOCR", "GONL", "USUN", "USNATO", "HQ", "VIP", "VVIP", "CBW", "USN", "GRPO",
        "NCHR", "CONARE", "BWC", "FOUO", "NOTAL", "KSA", "ZANU", "MDMA", "DVD", "IBM", "THAAD",
        "AMRAAM", "KORUS", "UNASUL", "JIATF", "ICASS"
    }
)

_TOKEN = re.compile(r"\S+|\s+")
_AFFIX = re.compile(r"^([\"'“‘«(\[{]*)(.*?)([\"'”’»)\]}.,;:!?]*)$")
_PARTS = re.compile(r"([-/]+)")
_POSSESSIVE = re.compile(r"^(.+?)(['’][A-Za-z]{1,3})$")
_ACRONYM_SUFFIXES = frozenset({"S", "ING", "ED", "ER", "ERS"})
#: After one of these a new part of the title starts: capitalise even a small word.
_BREAKS = (":", "-", "--", "—", "–", ";", "(", "?", "!")


@cache
def _acronyms() -> dict[str, str]:
    table = {word.upper(): word for word in data.acronyms()}
    for word in EXTRA_ACRONYMS:
        table.setdefault(word, word)
    for word in NOT_ACRONYMS:
        table.pop(word, None)
    return table


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _one_word(word: str) -> str:
    """One word (no hyphen or slash): acronym, possessive, or capitalised."""
    if not word or not any(ch.isalpha() for ch in word) or word[0].isdigit():
        if word[:1].isdigit() and word.endswith("S") and word[:-1].isdigit():
            return word[:-1] + "s"  # ``1990S`` → ``1990s``
        return word  # numbers and model numbers (``4ES`` in ``F-4ES``) stay as written
    if any(ch.islower() for ch in word):
        return word[:1].upper() + word[1:] if word.islower() else word
    acronyms = _acronyms()
    known = acronyms.get(word) or acronyms.get(word.rstrip("."))
    if known:
        return known + word[len(known):]
    possessive = _POSSESSIVE.match(word)
    if possessive:
        base, suffix = possessive.groups()
        # ``VARIG'S`` and ``PNG'ING`` keep the acronym; a contraction (``DON'T``) does not
        base_known = acronyms.get(base) if suffix[1:].upper() in _ACRONYM_SUFFIXES else None
        return (base_known or _capitalise(base)) + suffix.lower()
    return _capitalise(word)


@lru_cache(maxsize=65536)
def _compound(core: str) -> str:
    """One word of the title in headline case (cached: subjects repeat their words)."""
    known = _acronyms().get(core) or _acronyms().get(core.rstrip("."))
    if known:
        return known + core[len(known):]
    return "".join(piece if _PARTS.fullmatch(piece) else _one_word(piece)
                   for piece in _PARTS.split(core))


def titlefy(subject: str) -> str:
    """Headline case that keeps acronyms (``VARIG's Downward Spiral: We'll Pay You Later``)."""
    if not subject:
        return subject
    tokens = _TOKEN.findall(subject)
    words = [i for i, tok in enumerate(tokens) if not tok.isspace()]
    out = list(tokens)
    part_start = True
    for n, index in enumerate(words):
        lead, core, trail = _AFFIX.match(tokens[index]).groups()
        is_last = n == len(words) - 1
        if lead.endswith("("):
            part_start = True
        lower = core.lower()
        if (
            lower in SMALL_WORDS and not part_start and not is_last
            and (core.isupper() or core.islower())
        ):
            out[index] = lead + lower + trail
        else:
            out[index] = lead + _compound(core) + trail
        part_start = (trail.endswith(_BREAKS) or core in ("-", "--", "—", "–")
                      or (core == "" and lead.endswith("(")))
    return "".join(out)
