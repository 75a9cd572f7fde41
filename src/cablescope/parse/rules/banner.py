"""The classification banner, the handling captions after it, and page-break debris.

A cable body opens with ``S E C R E T SECTION 01 OF 02 LONDON 003062``: the level (spaced
or not, sometimes with ``//NOFORN`` or a caption on the same line), the section count and
the post and serial. Captions (``SIPDIS``, ``NOFORN``, ``SENSITIVE`` …) follow on their own
lines before the E.O. / TAGS block.

Printed pages also left debris throughout the text: page headers (``LONDON 00003062  002 OF
002``; ``PAGE 02 STATE 023763 071504Z``), repeated section banners, ``SIPDIS`` trailers and
``BT`` / ``NNNN`` end marks. In the WikiLeaks text a page header often sits *inside* a
paragraph line, so this rule blanks each piece of debris with spaces (keeping every newline,
the `ParseState` invariant) and later rules see the sentence whole once whitespace collapses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cablescope.parse.state import ParseState

#: How far into the body the banner may start (junk such as a date line comes first).
BANNER_SEARCH = 600
#: Captions live between the banner and the E.O. / TAGS block; never look further.
CAPTION_ZONE = 1500


def _spaced(word: str) -> str:
    """``SECRET`` → a pattern for ``SECRET`` and ``S E C R E T``."""
    return r"[ \t]?".join(re.escape(ch) for ch in word)


_LEVEL_WORDS = {
    "TOPSECRET": "TOP SECRET",
    "SECRET": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "UNCLAS": "UNCLASSIFIED",
    "LIMITEDOFFICIALUSE": "LIMITED OFFICIAL USE",
    "RESTRICTED": "RESTRICTED",
}
_LEVEL = (
    r"(?P<level>" + _spaced("TOP") + r"[ \t]+" + _spaced("SECRET")
    + "|" + _spaced("SECRET")
    + "|" + _spaced("CONFIDENTIAL")
    + "|" + _spaced("UNCLASSIFIED") + "|UNCLAS|U N C L A S"
    + "|" + _spaced("LIMITED") + r"[ \t]+" + _spaced("OFFICIAL") + r"[ \t]+" + _spaced("USE")
    + "|" + _spaced("RESTRICTED") + ")"
)

#: Handling captions: canonical name → pattern. Multi-word ones first so they win.
CAPTIONS: dict[str, str] = {
    "CABLESCOPE SYNTHETIC": r"CABLESCOPE[ \t]+SYNTHETIC",
    "DISSENT CHANNEL": r"DISSENT[ \t]+CHANNEL",
    "VISAS VIPER": r"VISAS[ \t]+VIPER",
    "VISAS DONKEY": r"VISAS[ \t]+DONKEY",
    "VISAS BEAR": r"VISAS[ \t]+BEAR",
    "VISAS EAGLE": r"VISAS[ \t]+EAGLE",
    "VISAS MANTIS": r"VISAS[ \t]+MANTIS",
    "VISAS CONDOR": r"VISAS[ \t]+CONDOR",
    "VISAS SHARK": r"VISAS[ \t]+SHARK",
    "SENSITIVE": r"SENSITIVE(?:[ \t]+BUT[ \t]+UNCLASSIFIED)?",
    "FOUO": r"FOUO|FOR[ \t]+OFFICIAL[ \t]+USE[ \t]+ONLY",
    "EFTO": r"E[ \t]?F[ \t]?T[ \t]?O",
    "SIPDIS": r"SIPDIS",
    "NOFORN": r"NOFORN",
    "NODIS": r"NODIS",
    "EXDIS": r"EXDIS",
    "LIMDIS": r"LIMDIS",
    "STADIS": r"STADIS",
    "KODIS": r"KODIS",
    "ROGER": r"ROGER",
    "CHEROKEE": r"CHEROKEE",
    "ORCON": r"ORCON",
    "PROPIN": r"PROPIN",
    "NOCONTRACT": r"NOCONTRACT",
    "WNINTEL": r"WNINTEL",
    "TERREP": r"TERREP",
    "SBU": r"SBU",
}
_CAPTION_NAMES = list(CAPTIONS)
#: One caption word; a caption may be glued to the E.O. label (``SIPDISE.O. 12958``).
CAPTION = re.compile(
    r"(?<![A-Za-z0-9/])(?:" + "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(CAPTIONS.values()))
    + r")(?:(?![A-Za-z0-9/])|(?<=SIPDIS|NOFORN)(?=[A-Z])|(?=E\.?[ \t]?O\.?[ \t]?\d))"
)
#: A line that starts with a caption word.
_CAPTION_LINE = re.compile(r"(?<=\n)[ \t,;\\\"]*(?=" + "|".join(CAPTIONS.values()) + ")")
_CAPTION_GAP = re.compile(r"[ \t,;\\\"]*")

#: ``//NOFORN``, ``//FOR OFFICIAL USE ONLY``, ``//REL TO USA, GBR`` after the level.
_SUFFIX = (
    r"(?P<suffix>(?:[ \t]*//[ \t]*(?:FOR[ \t]+OFFICIAL[ \t]+USE[ \t]+ONLY"
    r"|REL(?:[ \t]+TO)?[ \t]+[A-Z]{2,3}(?:[ \t]*,[ \t]*[A-Z]{2,3})*|[A-Z]+))*)"
)
_BANNER_CAPTIONS = (
    r"(?P<captions>(?:[ \t]+(?:NOFORN|SENSITIVE|SIPDIS|E[ \t]?F[ \t]?T[ \t]?O|EXDIS|NODIS"
    r"|LIMDIS|STADIS|FOUO|SBU)\b)*)"
)
_SECTION = r"(?:\s+SECTION[ \t]*0*(?P<section>\d{1,3})[ \t]+OF[ \t]+0*(?P<sections>\d{1,3}))?"
_POST = (
    r"[ \t]+(?P<post>[A-Z][A-Z.'&()/-]*(?:[ \t]+[A-Z][A-Z.'&()/-]*){0,4}?)"
    r"[ \t]+(?P<serial>\d{2,8})(?!\d)"
)

#: Level, suffixes, captions, section, post and serial: the full banner.
FULL_BANNER = re.compile(
    r"(?<![A-Za-z])" + _LEVEL + _SUFFIX + _BANNER_CAPTIONS + _SECTION + _POST, re.I
)
#: A level alone (on its line, or before captions): a banner without post and serial.
LEVEL_ONLY = re.compile(r"[ \t]*" + _LEVEL + _SUFFIX + _BANNER_CAPTIONS + r"(?=\s|$)", re.I)
_LEAD = re.compile(
    r"\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{1,2} [A-Z][a-z]+ \d{4},?"
    r" \d{1,2}:\d{2}\s*)?"
    r"(?:Cable dated:\s*\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)?"
)

#: Where the caption zone ends: the first field label or paragraph.
_ZONE_LABELS = ("E.O", "EO 1", "E. O", "TAGS", "Tags", "SUBJ", "Subj", "REF:", "¶", "Classified",
                "CLASSIFIED", "\n1.", "\n 1.")

#: A field label before a would-be banner means it is quoted text, not the banner.
#: (E.O. and TAGS are no evidence: publications copy them into junk before the banner.)
_FIELD = re.compile(r"\bSUBJECT\s*:|^[ \t]*¶?1\.[ \t]", re.M)

# -- page-break debris ------------------------------------------------------------------
# Each pattern starts with a literal (``OF``, ``PAGE``, ``SECTION``, a newline) so the regex
# engine scans fast; the context before the literal is checked on a short slice.

#: ``LONDON 00003062  002 OF 002`` (the post is cut to ten characters: ``KUALA LUMP``).
_PAGE_OF = re.compile(r"OF[ \t]+\d{3}\b")
_PAGE_NUMBER_BEFORE = re.compile(r"(?<![\d/])0\d{7}[ \t]{1,4}\d{3}(?:\.\d{1,2})?[ \t]+$")
_POST_BEFORE = re.compile(r"(?<![A-Za-z.'&-])([A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*){0,2})[ \t]*$")
#: ``CONFIDENTIAL \n PAGE 02  ROME  01059  01 OF 04  281501Z`` (teletype page headers).
_OLD_PAGE = re.compile(
    r"PAGE[ \t]+\d{2,3}[ \t]+[A-Z][A-Z ]{1,20}?[ \t]+\d{3,6}"
    r"(?:[ \t]+\d{2}[ \t]+OF[ \t]+\d{2})?[ \t]+\d{6}Z"
)
_PAGE_LEVEL_BEFORE = re.compile(
    r"(?:^|[ \t]{2}|\n)[ \t]*(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)"
    r"[ \t]*\n?[ \t]*$"
)
#: A later section's banner repeated on its own line: ``SECTION`` and the level before it.
_SECTION_LINE = re.compile(
    r"SECTION[ \t]+(?!0*1[ \t])\d{1,3}[ \t]+OF[ \t]+\d{1,3}[ \t]+[A-Z][A-Z .'&()/-]*?"
    r"[ \t]+\d{2,8}[ \t]*(?=\n|$)"
)
_LEVEL_BEFORE_SECTION = re.compile(r"[ \t]*" + _LEVEL + _SUFFIX + r"[ \t]+", re.I)
_TRAILER = re.compile(r"\n[ \t]*(SIPDIS|BT|NNNN)[ \t\\]*(?=\n|$)")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(slots=True)
class Banner:
    """What the banner says. `level` is the bare level word, `classification` adds the
    ``//NOFORN`` or ``//FOR OFFICIAL USE ONLY`` that the banner and its captions imply."""

    level: str
    classification: str
    start: int
    end: int
    section: int | None = None
    sections: int | None = None
    post: str | None = None
    serial: str | None = None
    captions: list[str] = field(default_factory=list)
    captions_end: int = 0


def _level_word(raw: str) -> str:
    return _LEVEL_WORDS.get("".join(raw.split()).upper(), raw.upper())


def _caption_name(match: re.Match[str]) -> str:
    index = int(match.lastgroup[1:]) if match.lastgroup else 0
    return _CAPTION_NAMES[index]


def _leading_captions(line: str) -> list[str]:
    """Captions at the start of a line, one after another (``NOFORN SIPDIS``)."""
    found = []
    pos = _CAPTION_GAP.match(line).end()
    while pos < len(line):
        match = CAPTION.match(line, pos)
        if match is None:
            break
        found.append(_caption_name(match))
        pos = _CAPTION_GAP.match(line, match.end()).end()
    return found


def _zone_captions(text: str, start: int) -> tuple[list[str], int]:
    """Captions on the lines after the banner; (names, offset after the last one)."""
    zone_end = min(len(text), start + CAPTION_ZONE)
    for label in _ZONE_LABELS:  # str.find is far faster than one regex alternation here
        found = text.find(label, start, zone_end)
        if found >= 0:
            zone_end = found
    names: list[str] = []
    end = start
    first_line_end = text.find("\n", start, zone_end)
    if first_line_end < 0:
        first_line_end = zone_end
    names.extend(_leading_captions(text[start:first_line_end]))  # rest of the banner line
    if names:
        end = first_line_end
    for line in _CAPTION_LINE.finditer(text, first_line_end, zone_end):
        line_end = text.find("\n", line.start(), zone_end)
        if line_end < 0:
            line_end = zone_end
        found_here = _leading_captions(text[line.start() : line_end])
        if found_here:
            names.extend(found_here)
            end = line_end
    return names, end


def _classification(level: str, suffix: str, captions: list[str]) -> str:
    marks = suffix.upper()
    if level in ("SECRET", "CONFIDENTIAL", "TOP SECRET") and (
        "NOFORN" in marks or "NOFORN" in captions
    ):
        return level + "//NOFORN"
    if level == "UNCLASSIFIED" and (
        "OFFICIAL" in marks or "FOUO" in marks or "SBU" in marks
        or any(c in ("SENSITIVE", "FOUO", "SBU") for c in captions)
    ):
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    return level


def read_banner(text: str) -> Banner | None:
    """Find and read the banner at the start of a cable body (None when there is none)."""
    lead = _LEAD.match(text).end()
    match = FULL_BANNER.search(text, lead, min(len(text), lead + BANNER_SEARCH))
    if match is None or _FIELD.search(text, lead, match.start()):
        match = LEVEL_ONLY.match(text, lead)
        if match is None:
            return None
    groups = match.groupdict()
    level = _level_word(groups["level"])
    captions = _leading_captions(groups["captions"] or "")
    suffix = groups["suffix"] or ""
    if "NOFORN" in suffix.upper():
        captions.insert(0, "NOFORN")
    zone, captions_end = _zone_captions(text, match.end())
    for name in zone:
        if name not in captions:
            captions.append(name)
    unique = list(dict.fromkeys(captions))
    post = groups.get("post")
    return Banner(
        level=level,
        classification=_classification(level, suffix, unique),
        start=match.start("level"),
        end=match.end(),
        section=int(groups["section"]) if groups.get("section") else None,
        sections=int(groups["sections"]) if groups.get("sections") else None,
        post=" ".join(post.split()).upper() if post else None,
        serial=groups.get("serial"),
        captions=unique,
        captions_end=max(captions_end, match.end()),
    )


def classification_banner(text: str) -> str | None:
    """The classification the banner states (``SECRET``, ``CONFIDENTIAL//NOFORN`` …)."""
    banner = read_banner(text)
    return banner.classification if banner else None


# -- page breaks --------------------------------------------------------------------------


def _debris_spans(body: str, start: int, post: str | None) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every page header, repeated banner and trailer after `start`."""
    spans: list[tuple[int, int, str]] = []
    short_post = post[:10].rstrip() if post else None
    for match in _PAGE_OF.finditer(body, start):
        number = _PAGE_NUMBER_BEFORE.search(body, max(start, match.start() - 24), match.start())
        if number is None:
            continue
        begin = number.start()
        before = body[max(start, begin - 14) : begin]
        stripped = before.rstrip(" \t")
        if short_post and stripped.endswith(short_post):
            begin -= len(before) - len(stripped) + len(short_post)
        else:
            # the post is cut to ten characters: look no further back than that
            lead = _POST_BEFORE.search(body, max(start, begin - 12), begin)
            if lead:
                begin = lead.start(1)
        spans.append((begin, match.end(), "page"))
    if "PAGE" in body:  # teletype page headers are rare: skip the scan when they cannot occur
        for match in _OLD_PAGE.finditer(body, start):
            begin = match.start()
            level = _PAGE_LEVEL_BEFORE.search(body, max(start, begin - 40), begin)
            if level:
                begin = level.start() + (1 if body[level.start()] == "\n" else 0)
            spans.append((begin, match.end(), "page"))
    for match in _SECTION_LINE.finditer(body, start):
        line_start = body.rfind("\n", start, match.start()) + 1
        if line_start and _LEVEL_BEFORE_SECTION.fullmatch(body, line_start, match.start()):
            spans.append((line_start, match.end(), "section"))
    spans.extend((m.start(1), m.end(), m.group(1)) for m in _TRAILER.finditer(body, start))
    return spans


def strip_page_breaks(body: str, start: int = 0, post: str | None = None) -> tuple[str, list[str]]:
    """Blank page-break debris after `start`; returns the new body and the trailer captions."""
    spans = _debris_spans(body, start, post)
    if not spans:
        return body, []
    spans.sort()
    captions = [kind for _, _, kind in spans if kind == "SIPDIS"]
    pieces = []
    pos = 0
    for begin, end, _ in spans:
        begin = max(begin, pos)
        if end <= begin:
            continue
        pieces.append(body[pos:begin])
        pieces.append(_NOT_NEWLINE.sub(" ", body[begin:end]))
        pos = end
    pieces.append(body[pos:])
    return "".join(pieces), captions


def apply(state: ParseState) -> None:
    """Read the banner into scratch and the cable; blank page breaks in the body."""
    body = state.body
    banner = read_banner(body)
    if banner is None:
        if body.strip():
            state.problem("banner", "no classification banner at the start of the body",
                          body_offset=0)
        lead = _LEAD.match(body).end()
        captions, captions_end = _zone_captions(body, lead)
        cleaned, trailer_captions = strip_page_breaks(body, lead)
        state.body = cleaned
        if trailer_captions and "SIPDIS" not in captions:
            captions.append("SIPDIS")
        state.cable.captions = list(dict.fromkeys(captions))
        if captions:
            state.preamble_end = max(state.preamble_end, captions_end)
        return
    state.scratch["banner"] = banner.classification
    state.scratch["banner_level"] = banner.level
    if banner.post and banner.serial:
        state.scratch["banner_id"] = (banner.post, banner.serial)
    state.cable.sections = banner.sections
    cleaned, trailer_captions = strip_page_breaks(body, banner.end, banner.post)
    state.body = cleaned
    captions = list(banner.captions)
    if trailer_captions and "SIPDIS" not in captions:
        captions.append("SIPDIS")
    state.cable.captions = captions
    state.preamble_end = max(state.preamble_end, banner.captions_end)
