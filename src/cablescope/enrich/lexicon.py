"""Gazetteers and word lists for extraction, built once from `cablescope.data`.

Every lookup is on *normalised tokens* (`norm`): upper case, no diacritics, no periods or
apostrophes, so "U.S.", "US" and "u.s." are one key and "Côte" matches "COTE". A phrase is
a tuple of such tokens; hyphens and spaces both separate tokens, so "Lashkar-e-Taiba" and
"LASHKAR E TAIBA" are the same phrase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cablescope.data import organization_tags, routing_indicators

_STRIP = str.maketrans("", "", ".'’` ")


_NORMS: dict[str, str] = {}


def norm(token: str) -> str:
    """The lookup form of one token (memoised: cables repeat their words)."""
    found = _NORMS.get(token)
    if found is not None:
        return found
    if len(_NORMS) > 200_000:
        _NORMS.clear()
    result = _norm(token)
    _NORMS[token] = result
    return result


def _norm(token: str) -> str:
    if not token.isascii():
        token = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
    return token.translate(_STRIP).upper()


_PHRASE_SPLIT = re.compile(r"[\s\-/]+")


def phrase_key(text: str) -> tuple[str, ...]:
    """The token tuple of a gazetteer line or a mention's text."""
    return tuple(t for t in (norm(p) for p in _PHRASE_SPLIT.split(text)) if t)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a gazetteer phrase stands for: its kind, subtype and canonical name."""

    kind: str  # PERSON ORG PLACE EVENT
    subtype: str  # country city region nationality org government ministry ...
    name: str  # canonical name ("Pakistan" for "Pakistani")
    code: str | None = None  # country TAGS code where known


def _lines(name: str) -> list[str]:
    text = resources.files("cablescope.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _split(field: str) -> list[str]:
    return [p.strip() for p in field.split(",") if p.strip()]


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]


@cache
def countries() -> tuple[Country, ...]:
    """The rows of ``data/countries.txt``."""
    rows = []
    for line in _lines("countries.txt"):
        parts = [p.strip() for p in line.split("|")] + [""] * 5
        code, name, aliases, demonyms, capitals = parts[:5]
        rows.append(
            Country(
                code, name, tuple(_split(aliases)), tuple(_split(demonyms)), tuple(_split(capitals))
            )
        )
    return tuple(rows)


@cache
def country_by_code() -> dict[str, Country]:
    """Geographic TAGS code (``PK``) → country."""
    return {c.code: c for c in countries() if c.code}


def _station_cities() -> set[str]:
    """Post names from the routing-indicator table (``AMEMBASSY LONDON`` → London)."""
    cities = set()
    for station in routing_indicators().values():
        m = re.match(
            r"(?:AMEMBASSY|AMCONSUL|AMCONGEN|USMISSION|USLO|AMEMB)\s+([A-Z][A-Z .'-]+)$",
            station.strip(),
        )
        if m:
            cities.add(m.group(1).strip().title())
    return cities


@cache
def gazetteer() -> dict[tuple[str, ...], Entry]:
    """Every place, organisation and government phrase → its entry (first line wins)."""
    table: dict[tuple[str, ...], Entry] = {}

    def add(text: str, entry: Entry) -> None:
        key = phrase_key(text)
        if key and key not in table:
            table[key] = entry

    for c in countries():
        country = Entry("PLACE", "country", c.name, c.code or None)
        add(c.name, country)
        for alias in c.aliases:
            add(alias, country)
        for demonym in c.demonyms:
            add(demonym, Entry("PLACE", "nationality", c.name, c.code or None))
        for capital in c.capitals:
            add(capital, Entry("PLACE", "city", capital, c.code or None))
    for line in _lines("organizations.txt"):
        body, _, kind = line.partition("|")
        kind = kind.strip().upper()
        name, _, aliases = body.partition("=")
        subtype = {"GOV": "government", "MINISTRY": "ministry"}.get(kind, "org")
        entry = Entry("ORG", subtype, name.strip())
        add(name, entry)
        for alias in _split(aliases):
            add(alias, entry)
    for line in _lines("cities.txt"):
        body, _, code = line.partition("|")
        name, _, aliases = body.partition("=")
        entry = Entry("PLACE", "city", name.strip(), code.strip() or None)
        add(name, entry)
        for alias in _split(aliases):
            add(alias, Entry("PLACE", "city", name.strip(), code.strip() or None))
    for line in _lines("regions.txt"):
        name, _, aliases = line.partition("=")
        entry = Entry("PLACE", "region", name.strip())
        add(name, entry)
        for alias in _split(aliases):
            add(alias, entry)
    for city in _station_cities():
        add(city, Entry("PLACE", "city", city))
    words = casing()
    for tag in organization_tags():
        code = words.get(tag, 10)
        if tag.isupper() and tag.isalpha() and len(tag) >= 3 and (code >= 10 or code < 5):
            add(tag, Entry("ORG", "org", tag))
    return table


@cache
def gazetteer_lengths() -> dict[str, tuple[int, ...]]:
    """First token → the phrase lengths starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for key in gazetteer():
        lengths.setdefault(key[0], set()).add(len(key))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


@cache
def titles() -> dict[tuple[str, ...], str]:
    """Title phrase (``A/S``, ``POLMINCOUNS``, ``ASSISTANT SECRETARY``) → canonical title."""
    table: dict[tuple[str, ...], str] = {}
    for line in _lines("titles.txt"):
        name, _, aliases = line.partition("=")
        name = name.strip()
        for form in [name, *_split(aliases)]:
            key = tuple(norm(p) for p in re.split(r"\s+", form) if norm(p))
            if key:
                table.setdefault(key, name)
    return table


@cache
def title_lengths() -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in titles():
        lengths.setdefault(key[0], set()).add(len(key))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


@cache
def title_words() -> frozenset[str]:
    """Every token of every title: capitalised in cables, yet no name."""
    return frozenset(t for key in titles() for t in key if len(t) > 1)


@cache
def given_names() -> frozenset[str]:
    return frozenset(norm(w) for line in _lines("given-names.txt") for w in line.split())


@cache
def casing() -> dict[str, int]:
    """Word → share (0..9) of its mid-sentence uses in lower case; +10 when mostly ALL CAPS."""
    table: dict[str, int] = {}
    for line in _lines("casing.txt"):
        word, _, code = line.partition("\t")
        table[word.upper()] = int(code[0]) + (10 if code.endswith("A") else 0)
    return table


#: Words that head an organisation's name: "Muttahida Quami Movement", "Foreign Office".
ORG_HEADS = frozenset(
    [
        "MOVEMENT",
        "PARTY",
        "LEAGUE",
        "FRONT",
        "COUNCIL",
        "COMMITTEE",
        "COMMISSION",
        "MINISTRY",
        "OFFICE",
        "AGENCY",
        "BANK",
        "ORGANIZATION",
        "ORGANISATION",
        "ASSOCIATION",
        "UNION",
        "FEDERATION",
        "CONFEDERATION",
        "CORPORATION",
        "COMPANY",
        "CO",
        "INC",
        "LTD",
        "LLC",
        "CORP",
        "GROUP",
        "INSTITUTE",
        "UNIVERSITY",
        "COLLEGE",
        "ACADEMY",
        "FOUNDATION",
        "FUND",
        "TRUST",
        "ARMY",
        "NAVY",
        "FORCE",
        "FORCES",
        "SERVICE",
        "SERVICES",
        "DEPARTMENT",
        "BUREAU",
        "DIRECTORATE",
        "AUTHORITY",
        "BOARD",
        "ASSEMBLY",
        "PARLIAMENT",
        "CONGRESS",
        "SENATE",
        "COURT",
        "TRIBUNAL",
        "EMBASSY",
        "CONSULATE",
        "MISSION",
        "DELEGATION",
        "SECRETARIAT",
        "CHAMBER",
        "SOCIETY",
        "BROTHERHOOD",
        "BRIGADE",
        "BRIGADES",
        "ALLIANCE",
        "COALITION",
        "CONFERENCE",
        "AIRLINES",
        "AIRWAYS",
        "RADIO",
        "TELEVISION",
        "NEWS",
        "TIMES",
        "POST",
        "PRESS",
        "AGENCY",
        "CENTER",
        "CENTRE",
        "PROGRAM",
        "PROGRAMME",
        "COUNCIL",
        "JUNTA",
        "GUARD",
        "POLICE",
        "CABINET",
        "SYNDICATE",
        "CARTEL",
        "INDUSTRIES",
        "ENTERPRISES",
    ]
)

#: Lower-case particles inside names: "Lashkar e Taiba", "Jaamat-u-Dawa", "bin Laden".
NAME_PARTICLES = frozenset(
    [
        "E",
        "I",
        "U",
        "UD",
        "UL",
        "AL",
        "EL",
        "BIN",
        "IBN",
        "BEN",
        "ABU",
        "DE",
        "DA",
        "DI",
        "DEL",
        "DELLA",
        "LA",
        "LE",
        "VAN",
        "VON",
        "DER",
        "DOS",
        "DAS",
        "Y",
    ]
)

#: Function words never part of a name (ALL CAPS text has no case to tell them apart).
STOPWORDS = frozenset(
    [
        "A",
        "AN",
        "THE",
        "AND",
        "OR",
        "BUT",
        "NOR",
        "OF",
        "IN",
        "ON",
        "AT",
        "TO",
        "FROM",
        "BY",
        "FOR",
        "WITH",
        "WITHOUT",
        "ABOUT",
        "AS",
        "INTO",
        "ONTO",
        "UPON",
        "OVER",
        "UNDER",
        "AFTER",
        "BEFORE",
        "SINCE",
        "UNTIL",
        "DURING",
        "THAT",
        "THIS",
        "THESE",
        "THOSE",
        "WHICH",
        "WHO",
        "WHOM",
        "WHOSE",
        "WHAT",
        "WHEN",
        "WHERE",
        "WHY",
        "HOW",
        "IS",
        "ARE",
        "WAS",
        "WERE",
        "BE",
        "BEEN",
        "BEING",
        "HAS",
        "HAVE",
        "HAD",
        "DO",
        "DOES",
        "DID",
        "NOT",
        "NO",
        "YES",
        "IT",
        "ITS",
        "HE",
        "HIM",
        "HIS",
        "SHE",
        "HER",
        "THEY",
        "THEM",
        "THEIR",
        "WE",
        "US",
        "OUR",
        "YOU",
        "YOUR",
        "I",
        "ME",
        "MY",
        "ALSO",
        "VERY",
        "WILL",
        "WOULD",
        "SHALL",
        "SHOULD",
        "CAN",
        "COULD",
        "MAY",
        "MIGHT",
        "MUST",
        "ALL",
        "ANY",
        "SOME",
        "EACH",
        "BOTH",
        "SUCH",
        "ONLY",
        "THAN",
        "THEN",
        "THERE",
        "HERE",
        "SO",
        "IF",
        "WHILE",
        "PER",
        "VIA",
        "RE",
        "REF",
        "REFTEL",
        "SEPTEL",
        "PARA",
        "PARAS",
        "END",
        "SUMMARY",
        "COMMENT",
        "ACTION",
        "INFO",
        "CONFIDENTIAL",
        "SECRET",
        "UNCLASSIFIED",
        "LIMITED",
        "OFFICIAL",
        "USE",
        "NOFORN",
        "SIPDIS",
        "TAGS",
        "SUBJECT",
        "EO",
        "DECL",
        "CLASSIFIED",
        "REASON",
        "REASONS",
        "AMEMBASSY",
        "AMCONSUL",
        "USMISSION",
        "FM",
        "TO",
        "INFO",
        "QUOTE",
        "UNQUOTE",
    ]
)

MONTHS = frozenset(
    [
        "JANUARY",
        "FEBRUARY",
        "MARCH",
        "APRIL",
        "MAY",
        "JUNE",
        "JULY",
        "AUGUST",
        "SEPTEMBER",
        "OCTOBER",
        "NOVEMBER",
        "DECEMBER",
        "JAN",
        "FEB",
        "MAR",
        "APR",
        "JUN",
        "JUL",
        "AUG",
        "SEP",
        "SEPT",
        "OCT",
        "NOV",
        "DEC",
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ]
)
