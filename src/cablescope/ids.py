"""Cable reference ids: ``05RIODEJANEIRO123`` = 2-digit year + station + serial.

Publications spell the same cable many ways: post shorthand (``RIO``, ``PAP``, ``USUNNY``),
typos (``BISHTEK``, ``TRIPOLII``), garbled characters (``QXICO``), and ids WikiLeaks built
from the wrong banner words (``06EFTOISLAMABAD…``, ``08SCTION02OF02SAOPAULO…``). The rules
here repair those generally: strip the stray words, then resolve the station against the
station table (``data/stations.txt``) by alias, unique prefix, a ``Q`` wildcard for a
garbled character, and finally a unique one-edit typo match.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

_NON_LETTERS = re.compile(r"[^A-Z]+")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")

#: Id shape once cleaned: year, station letters, serial.
_ID_SHAPE = re.compile(r"^(\d{2})([A-Z]+)(\d+)$")

#: Stray material WikiLeaks took from the banner into the id, between year and station:
#: the year written twice (``7575LIBREVILLE1895``); a section count with or without the word
#: SECTION, often misspelt (``0901OF02RPODUBAI288``, ``08SCTION02OF02SAOPAULO335``,
#: ``08SECTION01F03BEIRUT1568``); the EFTO caption (``06EFTOISLAMABAD17875``); the office
#: word (``09AMEMBASSYHANOI1292``).
_STRAY_PREFIX = re.compile(
    r"^(\d{2})(?:\1(?=[A-Z])|\d{1,2}OF\d{1,2}(?=[A-Z])"
    r"|S[A-Z]{2,7}?\d{1,2}(?:OF|O|F)\d{1,2}(?=[A-Z])|EFTO(?=[A-Z]{3})"
    r"|(?:AMEMBASSY|AMCONSUL|AMCONGEN|USMISSION|AMEMB)(?=[A-Z]{3}))"
)
#: ``08ACCRA001382SUSPECTEDDUPLICATE1392``: the later serial is the cable's own.
_DUPLICATE = re.compile(r"^(\d{2}[A-Z]+)\d+SUSPECTEDDUPLICATE(\d+)$")
#: ``94STATE183691TOSEC140193``: a travelling-Secretary series number after the serial.
_TRAVEL_SERIES = re.compile(r"^(\d{2}[A-Z]+\d+)(?:TOSEC|SECTO|PARTO|TOPAR)\d+$")

#: Office words and Washington suffixes around a post name (``AMEMBASSY LONDON``).
_POST_PREFIXES = ("AMEMBASSY", "AMCONSUL", "AMCONGEN", "USMISSION", "USMISSIN", "EMBASSY",
                  "CONSULATE", "AMEMB", "USINT", "USOFFICE", "USLO")
#: A trailing country code or routing remark after a post name (``AMEMBASSY TRIPOLI LY``).
_POST_TAIL = re.compile(r"(?:\s+[A-Z]{2}|\s*//.*)$")
_POST_SUFFIXES = ("WASHINGTONDC", "WASHDC")


def letters(text: str) -> str:
    """Upper-case letters only: the form station names and aliases are compared in."""
    return _NON_LETTERS.sub("", text.upper())


@cache
def station_table() -> tuple[frozenset[str], dict[str, str]]:
    """(canonical stations, alias → canonical) from ``data/stations.txt``, loaded once."""
    text = resources.files("cablescope.data").joinpath("stations.txt").read_text("utf-8")
    stations: set[str] = set()
    aliases: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, rest = line.partition("=")
        canonical = letters(name)
        if not canonical:
            continue
        stations.add(canonical)
        aliases[canonical] = canonical
        for alias in rest.split(","):
            key = letters(alias)
            if key:
                aliases.setdefault(key, canonical)
    return frozenset(stations), aliases


@cache
def _keys_by_length() -> dict[int, list[str]]:
    """Alias keys grouped by length, so a typo search only looks at near lengths."""
    grouped: dict[int, list[str]] = {}
    for key in station_table()[1]:
        grouped.setdefault(len(key), []).append(key)
    return grouped


def _one_edit_apart(a: str, b: str) -> bool:
    """True when `b` is `a` with one insertion, deletion, substitution or swap of neighbours."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    if la > lb:
        return a[i + 1:] == b[i:]
    return a[i:] == b[i + 1:]


def _unique(canonicals: set[str]) -> str | None:
    return next(iter(canonicals)) if len(canonicals) == 1 else None


@lru_cache(maxsize=8192)
def resolve_station(name: str, *, min_prefix: int = 5, min_typo: int = 4) -> str | None:
    """The canonical station for a post name or id station, or None when it is no station.

    Exact alias first; then the name without office words (``AMEMBASSY``) and Washington
    suffixes; then ``Q`` as one or two garbled letters; then a unique station the name is a
    prefix of (``RIODEJAN``, ``PORTAUPR``), at least `min_prefix` letters; then a unique
    station one edit away (``BISHTEK``), for names of at least `min_typo` letters.
    """
    key = letters(name)
    if not key:
        return None
    _, aliases = station_table()
    found = aliases.get(key)
    if found:
        return found
    stripped = _strip_post_words(key)
    if stripped != key:
        found = aliases.get(stripped)
        if found:
            return found
        key = stripped
    if "Q" in key and len(key) >= min_typo:
        pattern = re.compile(key.replace("Q", "[A-Z]{1,2}") + "$")
        found = _unique({c for k, c in aliases.items() if "Q" not in k and pattern.match(k)})
        if found:
            return found
    if len(key) >= min_prefix:
        found = _unique({c for k, c in aliases.items() if k.startswith(key)})
        if found:
            return found
    if len(key) >= min_typo:
        grouped = _keys_by_length()
        near = {
            aliases[k]
            for n in (len(key) - 1, len(key), len(key) + 1)
            for k in grouped.get(n, ())
            if len(k) >= 4 and _one_edit_apart(key, k)
        }
        found = _unique(near)
        if found:
            return found
    return None


def _strip_post_words(key: str) -> str:
    for prefix in _POST_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            key = key[len(prefix):]
            break
    for suffix in _POST_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            key = key[: -len(suffix)]
            break
    return key


def station_from_post(name: str) -> str:
    """The id station of a post as a banner, header or REF line writes it.

    ``SECSTATE WASHDC`` → ``STATE``, ``PORT AU PRINCE`` → ``PORTAUPRINCE``, ``USUN NEW YORK``
    → ``USUNNEWYORK``. A post missing from the station table keeps its letters (an id
    station is still better than none); ``""`` only when the name has no letters at all.
    """
    name = name.strip().upper()
    found = resolve_station(name)
    if found:
        return found
    shorter = _POST_TAIL.sub("", name)
    if shorter != name:
        found = resolve_station(shorter)
        if found:
            return found
    return _strip_post_words(letters(shorter))


def _two_digit_year(year: int | str) -> str:
    return f"{int(year) % 100:02d}"


def make_id(year: int | str, station: str, serial: str | int) -> str:
    """Build a canonical id from a year (2 or 4 digits), a post name and a serial."""
    digits = re.sub(r"\D", "", str(serial))
    return f"{_two_digit_year(year)}{station_from_post(station)}{int(digits) if digits else 0}"


@lru_cache(maxsize=16384)  # pure, and ids recur (own id, references, furniture)
def split_id(cable_id: str) -> tuple[str, str, str] | None:
    """``("05", "RIODEJANEIRO", "123")`` for ``05RIODEJANEIRO123``; None for a non-id.

    The parts are as written (not canonicalised); the serial loses its leading zeros.
    """
    match = _ID_SHAPE.match(_NON_ALNUM.sub("", cable_id.upper()))
    if not match:
        return None
    year, station, serial = match.groups()
    return year, station, str(int(serial))


def year_of_id(cable_id: str) -> int | None:
    """The 4-digit year of an id: 66-99 → 19xx, 00-65 → 20xx (the corpora span 1966-2010)."""
    parts = split_id(cable_id)
    if not parts:
        return None
    yy = int(parts[0])
    return 1900 + yy if yy >= 66 else 2000 + yy


@lru_cache(maxsize=16384)  # pure, and ids recur (own id, references, furniture)
def canonical_id(raw_id: str) -> str:
    """The canonical reference id: ``05RIO123`` → ``05RIODEJANEIRO123``.

    Repairs the malformed ids of the WikiLeaks release (``06EFTOISLAMABAD17875``,
    ``08SCTION02OF02SAOPAULO335``, ``07QXICO3307``) by general rules; text that is not
    shaped like an id comes back upper-cased, with spaces and punctuation removed.
    """
    text = _NON_ALNUM.sub("", raw_id.upper())
    for _ in range(3):  # "0606EFTO…": strays can come in a row
        stripped = _STRAY_PREFIX.sub(r"\1", text, count=1)
        if stripped == text:
            break
        text = stripped
    match = _ID_SHAPE.match(text)
    if not match:
        text = _TRAVEL_SERIES.sub(r"\1", _DUPLICATE.sub(r"\1\2", text))
        match = _ID_SHAPE.match(text)
        if not match:
            return text
    year, station, serial = match.groups()
    canonical = station_table()[1].get(station) or resolve_station(station) or station
    return f"{year}{canonical}{int(serial)}"


def is_malformed(raw_id: str) -> bool:
    """True when `canonical_id` had to repair the id (not just drop leading zeros)."""
    parts = split_id(raw_id)
    if parts is None:
        return True
    return "".join(parts) != canonical_id(raw_id)


__all__ = [
    "canonical_id",
    "is_malformed",
    "letters",
    "make_id",
    "resolve_station",
    "split_id",
    "station_from_post",
    "station_table",
    "year_of_id",
]
