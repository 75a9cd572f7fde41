"""Classified By: who classified the cable, their title, and the E.O. reasons.

``Classified By: PolMinCouns Greg Berry, reasons 1.4 (b/d).`` → names ``["Greg Berry"]``,
title ``PolMinCouns``, reasons ``["1.4(b)", "1.4(d)"]``. The line comes before or after the
SUBJECT and REF blocks, inside paragraph 1 in older cables (``1. CONFIDENTIAL - ENTIRE TEXT.
CLASSIFIED BY: …``) or in the middle of a flattened line; titles are misspelt
(``Ambassaor``), names written either way round (``Rose E. Gottemoeller, Assistant
Secretary``) and the WikiLeaks text cuts the line at 71 characters even inside a word
(``Ambassador Richa`` / ``rd Hoagland``).

A name is read from the right end of the title-and-name text: the last name, then initials
and at most one or two first names, stopping at the first title word (a lexicon plus a
fuzzy match for misspellings) — so ``Acting Deputy Chief of Mission Marc Wall`` gives
``Marc Wall``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache, lru_cache
from itertools import pairwise

from cablescope.model import ClassifiedBy
from cablescope.parse.state import ParseState

#: Classified By sits in the preamble or paragraph 1; never scan further than this.
PREAMBLE_WINDOW = 6144
#: One Classified By block is never longer than this.
MAX_BLOCK = 420
#: The WikiLeaks text cuts the Classified By line at this width, even inside a word.
CUT_WIDTH = 71

CLASSIFIED_BY = re.compile(
    r"(?<![A-Za-z])CLAS{1,2}I?FIED(?:[ \t]*\n?[ \t]*BY(?-i:(?![a-z]))|\s*\n\s*BY:)[ \t]*:?", re.I
)
_LINE_PREFIX = re.compile(
    r"[ \t]*(?:¶[ \t]*)?(?:\d{1,2}[ \t]*\.[ \t]*)?(?:\([A-Z/]{1,5}\)[ \t]*)?"
    r"(?:(?:CONFIDENTIAL|SECRET|UNCLASSIFIED)[ \t]*-+[ \t]*ENTIRE[ \t]+TEXT\.?[ \t]*)?$",
    re.I,
)
_PARAGRAPH_LINE = re.compile(r"[ \t]*(?:¶[ \t]*)?\d{1,2}[ \t]*\.")
_THIRD_PARAGRAPH = re.compile(r"\n[ \t]*(?:¶[ \t]*)?3[ \t]*\.[ \t(]")
#: Where a Classified By block ends.
_BLOCK_END = re.compile(
    r"\n[ \t]*\n|¶|\n[ \t]*\(?\d{1,2}[ \t]*\.[ \t]|[ \t]\d{1,2}\.[ \t]*\((?:U|C|S|SBU)\b"
    r"|\s(?:REF(?:S|TELS?)?|SUBJECT)[ \t]*:|-{5,}|\n[ \t]*(?:SUMMARY|Summary)\b",
)
#: Where the title-and-name part ends and the reasons begin.
_REASON_WORD = r"(?:reasons?|reaons|reasn|reason\(s\)|reas|rea\b|re\b)"
_NAME_END = re.compile(
    r"\s*\b(?:f(?:[o0]\s?)?r[ \t\n]+)+(?:the[ \t\n]+)?(?:" + _REASON_WORD
    + r"|e\.?\s?o\.?|1\s*[.,/]\s*[3-6]|section|\()"
    r"|\s+f[o0]r\s*$"
    r"|[\s,;.:]+(?:[a-z]{2,3}\s+)?" + _REASON_WORD + r"(?=[\s:(\d]|$)"
    r"|\s*\b(?:per|under|based\s+(?:up)?[o0]n|due\s+to)\b(?=\s*(?:" + _REASON_WORD
    + r"|e\.?\s?o|1\s*[.,/]|section|\())"
    r"|[\s,;]*\bE\.?\s?O\.?\s?1\d{3,4}"
    r"|[\s,;:-]+1\s*[.,/]\s*[3-6]\s*\(?\s*[a-h]\b",
    re.I,
)
_SECTION = re.compile(r"(?<![\d.])1\s*[.,/]\s*([3-6])(?!\d)")
_LETTERS = re.compile(
    r"(?:\s*(?:\(\s*[a-h]\s*\)|(?<![a-z])[a-h](?![a-z])|and\b|or\b|&|\+|,|/|-|\(|\)|\.|:|;))+"
)
_LETTER = re.compile(r"(?<![a-z])[a-h](?![a-z])")
_SPLIT_AND = re.compile(r"\s(?:and|&)\s", re.I)
_SEGMENTS = re.compile(r"\s*[,;:?]\s*|\s+-+\s+|:(?=\S)")
_SUFFIXES = frozenset({"JR", "JR.", "SR", "SR.", "II", "III", "IV"})
_INITIAL = re.compile(r"(?:[A-Z0]\.?){1,3}|(?:[A-Z]\.){1,3}")
_GLUED_INITIAL = re.compile(r"[A-Z]\.[A-Z][A-Za-z'-]+")
#: ``DPopovich``, ``TLManlowe``, ``ADam``: initials glued to a name.
_GLUED_INITIALS = re.compile(r"[A-Z]{2,3}[a-z]{2,}")
#: Lower-case particles inside a name (``Carol van Voorst``).
_PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "den", "la", "le", "du", "bin",
                        "al", "el", "ter", "dos", "das", "di"})
#: Words before a lone surname that show it is a place, not a person (``Embassy Tripoli``).
_OFFICE_WORDS = frozenset({"embassy", "department", "state", "office", "bureau", "mission",
                           "section", "unit", "consulate", "u.s.", "us", "of", "the"})
_REDACTED = re.compile(r"X{5,}")
_NOT_LOWER = re.compile(r"[^a-z]")
_NAME_CHARS = re.compile(r"[A-Za-z0][A-Za-z0'’-]*")
_SPLIT_AND_WORD = re.compile(r"\ba\s+nd\b|\ban\s+d\b")
_ZERO_FOR_O = re.compile(r"(?<=[A-Za-z])0|0(?=[A-Za-z.])")
_INITIAL_GLUED = re.compile(r"\b([A-Z]\.)(?=[A-Z][a-z])")
_AFTER_APOSTROPHE = re.compile(r"(?<=['’])([a-z])")
_BLOCK_LEAD = re.compile(r"^\s*(?:\d{1,2}\s*\.\s*)?(?:\([A-Z/]{1,5}\)\s*)?")
_KEEP_DOT = re.compile(r"(?:\b[A-Z]|\bJR|\bSR|\bJr|\bSr)\.$")
_COMMAS = re.compile(r"\s*,(?:\s*,)+")
#: Fast case-insensitive scan: the label's start, looked for in a lower-cased copy.
_LABEL_START = re.compile(r"clas{1,2}i?fied")
#: The same on the original text, for a text whose lower-cased copy has another length.
_LABEL_START_ANY_CASE = re.compile(_LABEL_START.pattern, re.I)
_COMMA_APOSTROPHE = re.compile(r"\b([OD]),([A-Z][a-z])")
_PARENTHETICAL = re.compile(r"\s*\([^()]{1,12}\)")
_TITLE_PREFIXES = frozenset({"Pol", "Con", "Eco", "Min", "Mil", "Def", "Pub", "Pao", "Dep"})
_PREPOSITIONS = frozenset({"to", "for", "of", "in", "at", "on", "and"})

#: Words of titles, offices and filler (lower case); never part of a name.
TITLE_WORDS = frozenset(
    {
        "a", "a.i", "a.i.", "ai", "ai.", "amb", "amb.", "ambassador", "ambassador-at-large",
        "charge", "chargé", "d", "d'", "d'affaires", "de", "de'", "de'affairs", "affaires",
        "affairs", "counselor", "counsellor", "counselour", "counsel", "couns", "couns.",
        "coun", "counselor:", "minister", "minister-counselor", "minister-counsellor",
        "mincouns", "polcouns", "econcouns", "polmincouns", "political", "pol", "polecon",
        "pol/econ", "econ", "economic", "econoff", "poloff", "conoff", "pol/econoff", "mgmt",
        "management", "officer", "off", "off.", "dcm", "cda", "cg", "cons", "consul",
        "consul-general", "general", "congen", "principal", "deputy", "chief", "mission",
        "acting", "director", "dir", "dir.", "assistant", "secretary", "under",
        "undersecretary", "a/s", "das", "special", "envoy", "representative", "permanent",
        "u.s.", "us", "usun", "useu", "usnato", "ait", "chairman", "chair", "head", "section",
        "unit", "team", "leader", "member", "usdel", "delegate", "delegation", "arms",
        "control", "legal", "adviser", "advisor", "attache", "attaché", "rso", "dpo", "po",
        "pao", "com", "isn", "nea", "af", "eur", "sca", "wha", "eap", "io", "inr", "prt",
        "interim", "vice", "consular", "commercial", "public", "defense", "military", "the",
        "of", "for", "to", "and", "at", "in", "on", "by", "from", "with", "department", "dept",
        "state", "embassy", "office", "bureau", "guide", "classification", "dos", "derived",
        "multiple", "sources", "source", "tdy", "senior", "watch", "cdr", "col", "ltc", "gen",
        "adm", "capt", "maj", "lt", "commander", "coordinator", "regional", "labor", "labour",
        "environment", "science", "health", "management-", "spokesman", "spokesperson", "press",
        "cultural", "law", "enforcement", "narcotics", "international", "national", "security",
        "council", "staff", "desk", "country", "executive", "information", "intelligence",
        "research", "analyst", "analysis", "approved", "mr", "mrs", "ms", "dr", "this",
        "message", "classified", "classfied", "based", "per", "due", "reason", "reasons"
    }
)
#: Long title words, for a fuzzy match that catches misspellings (``Ambassaor``, ``Direcotr``).
_FUZZY_TITLES = (
    "ambassador", "counselor", "counsellor", "director", "representative", "secretary",
    "minister", "assistant", "political", "economic", "officer", "affairs", "affaires",
    "deputy", "consul", "general", "principal", "mission", "delegate", "adviser", "special",
    "acting", "chairman", "coordinator", "permanent",
)


@cache
def _is_title(token: str) -> bool:
    """True for a title or filler word, misspellings included."""
    word = token.lower().replace("0", "o").strip(".,;:()")
    if not word or word in TITLE_WORDS or "/" in word:
        return True
    if "-" in word and any(part in TITLE_WORDS for part in word.split("-")):
        return True
    letters = _NOT_LOWER.sub("", word)
    return len(letters) >= 5 and bool(
        difflib.get_close_matches(letters, _FUZZY_TITLES, n=1, cutoff=0.85)
    )


def _camel_title(token: str) -> bool:
    """``PolMinCouns``, ``ConGen``: an abbreviated title, not a name (``McEldowney`` is)."""
    if token.isupper() or _GLUED_INITIALS.fullmatch(token):
        return False
    inner = [i for i in range(1, len(token)) if token[i].isupper() and token[i - 1].islower()]
    if not inner:
        return False
    # one inner capital after a short prefix is a name (``LoGerfo``, ``McEldowney``) unless
    # the prefix is a title abbreviation (``PolOff``, ``ConGen``, ``EconCouns``)
    return len(inner) > 1 or inner[0] > 3 or token[: inner[0]] in _TITLE_PREFIXES


@lru_cache(maxsize=16384)
def _is_name_word(token: str, all_caps: bool) -> bool:
    word = token.strip(",.;:")
    if len(word) < 2 or not _NAME_CHARS.fullmatch(word):
        return False
    if _is_title(word) or _camel_title(word):
        return False
    if all_caps:
        return True
    return word[0].isupper() and any(ch.islower() for ch in word)


def _is_initial(token: str) -> bool:
    return bool(_INITIAL.fullmatch(token)) and (token.endswith(".") or len(token) == 1)


def _name_at_end(tokens: list[str], all_caps: bool, alone: bool) -> tuple[int, int] | None:
    """(start, end) token indexes of the person name that ends `tokens`, or None."""
    end = len(tokens)
    while end and tokens[end - 1].upper().strip(",") in _SUFFIXES:
        end -= 1
    if not end:
        return None
    last = tokens[end - 1]
    if not (_is_name_word(last, all_caps) or _GLUED_INITIAL.fullmatch(last)) and not (
        alone and end == 1 and _NAME_CHARS.fullmatch(last) and not _is_title(last)
    ):
        return None
    plain, initials, limit = 1, False, 2 if all_caps else 3
    start = end - 1
    while start > 0:
        token = tokens[start - 1]
        particle = token.lower() in _PARTICLES
        if particle and start >= 2 and _is_name_word(tokens[start - 2], all_caps):
            start -= 1
            continue
        if particle and plain == 1 and not initials:
            start -= 1  # ``Ambassador van Voorst``
            break
        if _is_initial(token):
            initials = True
        elif _is_name_word(token, all_caps):
            if (initials and plain >= 2) or plain >= limit:
                break
            plain += 1
        else:
            break
        start -= 1
    # ``Ambassador to Sudan Timothy Carney``: a third word after a preposition is a place
    if plain == 3 and start > 0 and tokens[start - 1].lower() in _PREPOSITIONS:
        start += 1
    if plain == 1 and not initials and start == end - 1 and not alone:
        before = tokens[start - 1].lower() if start > 0 else ""
        if (not before or before in _PREPOSITIONS or before in _OFFICE_WORDS
                or not _is_title(before)):
            return None
    return start, len(tokens)


def _name_at_start(tokens: list[str], all_caps: bool) -> tuple[int, int] | None:
    """``DEBORAH SCHNEIDER SENIOR WATCH OFFICER``: a name first, its title after it."""
    count = 0
    while count < len(tokens) and count < 4 and (
        _is_name_word(tokens[count], all_caps) or (count and _is_initial(tokens[count]))
    ):
        count += 1
    if count >= 2 and count < len(tokens) and _is_title(tokens[count]):
        return 0, count
    return None


def _names(part: str) -> list[str]:
    """Person names in the title-and-name text (several when joined by ``and``)."""
    all_caps = not any(ch.islower() for ch in part)
    found: list[str] = []
    for piece in _SPLIT_AND.split(part):
        segments = [s for s in _SEGMENTS.split(piece) if s.strip()]
        only_token = len(piece.split()) == 1 and len(_SPLIT_AND.split(part)) == 1
        for i, segment in enumerate(segments):
            tokens = segment.split()
            caps = all_caps or not any(ch.islower() for ch in segment)
            if _REDACTED.fullmatch(segment.strip()):
                break  # the name is redacted; later segments are titles and places
            followed_by_title = i + 1 < len(segments) and _is_title(segments[i + 1].split()[0])
            span = _name_at_end(tokens, caps, only_token or (i == 0 and followed_by_title))
            if span is None and i == 0:
                span = _name_at_start(tokens, caps)
            if span is None:
                continue
            name = " ".join(tokens[span[0] : span[1]])
            if i + 1 < len(segments) and segments[i + 1].strip().upper() in _SUFFIXES:
                name += ", " + segments[i + 1].strip()
            found.append(name)
            break
    return found


def _unwrap(text: str) -> str:
    """Undo the 71-character cut: join a word split over two lines, else join with a space."""
    lines = text.split("\n")
    out = lines[0]
    for previous, line in pairwise(lines):
        left = previous.rstrip(" ")
        cut = (
            len(left) == CUT_WIDTH and previous.endswith(" ") and not previous.endswith("  ")
            and line[:1].strip() and left.split()
            and left.split()[-1].lower() not in _WHOLE_WORDS
            and line.split()[0].lower().strip(":.,") not in _WHOLE_WORDS
            and not line.startswith("(")
        )
        out = out.rstrip(" ") + line if cut else out + " " + line
    return out


_WHOLE_WORDS = frozenset({"for", "and", "reasons", "reason", "of", "the", "to", "per", "under",
                          "by", "in", "based", "due", "reasons:", "reason:", "on", "upon"})


def reasons(text: str) -> list[str]:
    """``reasons 1.4 (b/d)`` → ``["1.4(b)", "1.4(d)"]``."""
    lower = _SPLIT_AND_WORD.sub("and", text.lower())
    out: list[str] = []
    for section in _SECTION.finditer(lower):
        letters = _LETTERS.match(lower, section.end())
        if not letters:
            continue
        for letter in _LETTER.findall(letters.group()):
            reason = f"1.{section.group(1)}({letter})"
            if reason not in out:
                out.append(reason)
    return out


def _normalize_name(name: str) -> str:
    """``LEE 0. COLDREN`` → ``Lee O. Coldren``; ``William T.Monroe`` → ``William T. Monroe``."""
    name = _ZERO_FOR_O.sub("O", name)
    name = _INITIAL_GLUED.sub(r"\1 ", name)
    if any(ch.islower() for ch in name):
        return name
    words = []
    for word in name.split():
        if word.rstrip(",") in ("II", "III", "IV") or _is_initial(word.rstrip(",")):
            words.append(word)
            continue
        titled = "-".join(part.capitalize() for part in word.split("-"))
        if titled.startswith("Mc") and len(titled) > 2:
            titled = "Mc" + titled[2].upper() + titled[3:]
        titled = _AFTER_APOSTROPHE.sub(lambda m: m.group(1).upper(), titled)
        words.append(titled)
    return " ".join(words)


class _Found:
    __slots__ = ("end", "inside_paragraph", "record", "start")

    def __init__(self, start: int, end: int, record: ClassifiedBy, inside: bool) -> None:
        self.start, self.end, self.record, self.inside_paragraph = start, end, record, inside


def _read_block(text: str, match: re.Match[str], limit: int) -> _Found:
    block_limit = min(limit, match.end() + MAX_BLOCK)
    stop = _BLOCK_END.search(text, match.end(), block_limit)
    block_end = stop.start() if stop else block_limit
    line_start = text.rfind("\n", 0, match.start()) + 1
    # unwrap from the line start, so the cut width counts the label too
    unwrapped = _unwrap(text[line_start:block_end])
    block = unwrapped[match.end() - line_start :] if "\n" not in text[line_start:match.end()] \
        else _unwrap(text[match.end() : block_end])
    block = _COMMA_APOSTROPHE.sub(r"\1'\2", block)  # ``O,Grady``: commas for apostrophes
    inner = list(CLASSIFIED_BY.finditer(block))
    if inner:  # ``Classified By: Classified by AIT DIR …``, ``This message classified by …``
        block = block[inner[-1].end() :]
    block = _BLOCK_LEAD.sub("", block.replace("\\", " "))
    name_end = _NAME_END.search(block)
    part = block[: name_end.start()] if name_end else block
    part = " ".join(part.split()).strip(" ,;:-")
    if part.endswith(".") and not _KEEP_DOT.search(part):
        part = part.rstrip(". ")
    names = _names(_PARENTHETICAL.sub("", part)) if part else []
    title = part
    for name in names:
        title = title.replace(name, " ")
    title = _COMMAS.sub(",", " ".join(title.split())).strip(" .,;:-") or None
    record = ClassifiedBy(names=names, title=title,
                          reasons=reasons(block[name_end.start() :] if name_end else ""))
    inside = bool(_PARAGRAPH_LINE.match(text, line_start))
    return _Found(match.start(), block_end, record, inside)


def _accept(text: str, match: re.Match[str]) -> bool:
    """A real Classified By line, not ``was classified by the MFA`` in prose."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    if _LINE_PREFIX.match(text[line_start : match.start()]):
        return True
    word = match.group().rstrip()
    if word[0] != "C":
        return False
    if word[-1] == ":":
        return True
    before = text[max(line_start, match.start() - 3) : match.start()]
    return before.endswith(("  ", ". ", ".  ", ") ")) or not before.strip()


def _label_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets in `text` where a ``classified`` label may start, within [start, end).

    Scanning a lower-cased copy with a plain pattern is the fast way, but its offsets only
    hold when lower-casing kept every character's length: ``İ`` lowers to two characters
    and would shift every later offset. Then the slower case-insensitive scan of the
    original text is used instead."""
    lowered = text[start:end].lower()
    if "fied" not in lowered:
        return []
    if len(lowered) != end - start:
        return [found.start() for found in _LABEL_START_ANY_CASE.finditer(text, start, end)]
    return [start + found.start() for found in _LABEL_START.finditer(lowered)]


def find_classified_by(text: str, start: int = 0, end: int | None = None) -> _Found | None:
    """The first readable Classified By block in text[start:end] (before paragraph 3)."""
    end = len(text) if end is None else min(end, len(text))
    third = _THIRD_PARAGRAPH.search(text, start, end)
    if third:
        end = third.start()
    first: _Found | None = None
    for label_at in _label_starts(text, start, end):
        match = CLASSIFIED_BY.match(text, label_at, end)
        if match is None or not _accept(text, match):
            continue
        found = _read_block(text, match, end)
        if found.record.names:
            return found
        if first is None:
            first = found
    return first


def classified_by_record(text: str) -> ClassifiedBy | None:
    """The Classified By line of a cable (or fragment): names, title and reasons."""
    found = find_classified_by(text, 0, PREAMBLE_WINDOW)
    return found.record if found else None


def classified_by(text: str, normalize: bool = False) -> list[str]:
    """The names on the Classified By line; `normalize` fixes case and ``0`` for ``O``."""
    record = classified_by_record(text)
    if record is None:
        return []
    return [_normalize_name(n) for n in record.names] if normalize else list(record.names)


def apply(state: ParseState) -> None:
    """Fill `classified_by`; a Classified By line with neither name nor reason is a problem."""
    found = find_classified_by(state.body, 0, PREAMBLE_WINDOW)
    if found is None:
        return
    record = found.record
    state.cable.classified_by = record
    if not record.names and not record.reasons and not record.title:
        state.problem("classified_by", "Classified By line present but unreadable",
                      body_offset=found.start)
    if not found.inside_paragraph:
        state.preamble_end = max(state.preamble_end, found.end)
