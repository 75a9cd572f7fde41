"""TAGS: the cable's subject, country, programme, organisation and person tags.

The line is written every possible way: ``TAGS: PREL PGOV``, ``TAGS PREL, PGOV``, ``tAgs:``,
``TAGS;``, ``TAS:``, ``TAGES:``, continued on the next line (after a trailing comma, or
when the continuation runs up to the SUBJECT line), with page headers pasted in, with
tags glued together (``KFRDKIRFCVISCMGT…EG``, ``PHUMBA``), misspelt (``MOPPS``), as
multi-word phrases (``COUNTRY CLEARANCE``) or as people (``OVIP STEINBERG JAMES``,
``OVIP (CLINTON, HILLARY)``). `tags` returns the canonical upper-case list.
"""

from __future__ import annotations

import re
from functools import cache

from cablescope import data
from cablescope.parse.rules.banner import CAPTIONS, strip_page_breaks
from cablescope.parse.state import ParseState

#: The TAGS line lives in the first lines of the body; never scan further.
PREAMBLE_WINDOW = 4096

#: Look this far first; most labels are there, and scanning costs per character.
FIRST_LOOK = 1024
#: The label. ``AGS:`` (first letter lost) only with a colon; ``TAG`` only as a word.
TAGS_LABEL = re.compile(
    r"(?<![A-Za-z(])(?:(?:TAGS?|TAS|TAGES|TGAS)(?![A-Za-z(])[ \t]*[:;,.]?|AGS[ \t]*:)", re.I
)
#: What ends the value on its line (flattened text puts the SUBJECT on the same line).
_INLINE_END = re.compile(
    r"\bS?UBJ(?:ECT)?\s*:|(?<![A-Za-z])E\.?[ \t]?O\.?[ \t]?1\d{3,4}|\bREFS?\s*:"
    r"|(?<![A-Za-z])CLASSIFIED\s+BY|¶|\s\d{1,2}\.\s*\(",
    re.I,
)
#: A line that starts another field: TAGS continuation lines run up to one of these.
_FIELD_LINE = re.compile(r"[ \t]*(?:S?UBJ(?:ECT)?\s*:|E\.?[ \t]?O\.?[ \t]?1\d{3,4})", re.I)
#: A plausible continuation line: short, upper case tag words only.
_TAG_LINE = re.compile(r"[ \t]*[A-Z][A-Z0-9 ,;()&'/-]{0,60}[ \t]*")
_AFTER_NUMBER = re.compile(r"\d[ \t]*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_SEPARATORS = re.compile(r"[,;]")
_WORD = re.compile(r"[A-Z0-9][A-Z0-9'&./-]*")

#: Multi-word tags (and how each is canonically written).
PHRASES: dict[tuple[str, ...], str] = {
    ("COUNTER", "TERRORISM"): "COUNTERTERRORISM",
    ("COUNTRY", "CLEARANCE"): "COUNTRY CLEARANCE",
    ("GOI", "EXTERNAL"): "GOI EXTERNAL",
    ("GOI", "INTERNAL"): "GOI INTERNAL",
    ("ISRAELI", "PALESTINIAN", "AFFAIRS"): "ISRAELI PALESTINIAN AFFAIRS",
    ("GLOBAL", "DEFENSE"): "GLOBAL DEFENSE",
    ("POLITICS", "FOREIGN", "POLICY"): "POLITICS FOREIGN POLICY",
    ("FOREIGN", "POL"): "FOREIGN POL",
    ("TIP", "IN", "TURKEY"): "TIP IN TURKEY",
    ("MEDIA", "REACTION"): "MEDIA REACTION",
    ("HUMAN", "RIGHTS"): "HUMAN RIGHTS",
    ("POLITICAL", "PARTIES"): "POLITICAL PARTIES",
}
#: Person tags whose canonical form carries more than the cable wrote.
PEOPLE: dict[str, str] = {
    "STEINBERG, JAMES": "STEINBERG, JAMES B.",
    "BUSH, GEORGE": "BUSH, GEORGE W.",
}
_OVIP = "OVIP"
_DROP = frozenset(CAPTIONS) | {"TAGS", "TAG", "AND"}


@cache
def _subject_tags() -> frozenset[str]:
    return data.subject_tags()


@cache
def _org_tags() -> frozenset[str]:
    return data.organization_tags()


@cache
def _phrase_starts() -> dict[str, list[tuple[str, ...]]]:
    starts: dict[str, list[tuple[str, ...]]] = {}
    phrases = list(PHRASES) + [tuple(org.split()) for org in _org_tags() if " " in org]
    for phrase in sorted(phrases, key=len, reverse=True):
        starts.setdefault(phrase[0], []).append(phrase)
    return starts


def _is_code(word: str) -> bool:
    """A word that is a tag on its own: a known subject/org tag, a K-programme or a country."""
    return (
        word in _subject_tags()
        or word in _org_tags()
        or (len(word) == 4 and word[0] == "K" and word.isalpha())
        or (len(word) == 2 and word.isalpha())
    )


def _phrase_at(words: list[str], i: int) -> tuple[str, int] | None:
    for phrase in _phrase_starts().get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return PHRASES.get(phrase, " ".join(phrase)), len(phrase)
    return None


def _person(surname: str, first: str) -> str:
    name = f"{surname}, {first}"
    return PEOPLE.get(name, name)


def _group(words: list[str]) -> list[str]:
    """Space-separated words → tags: codes stand alone, unknown words join into phrases."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(" ".join(run))
            run.clear()

    i = 0
    while i < len(words):
        word = words[i]
        phrase = _phrase_at(words, i)
        if phrase:
            flush()
            out.append(phrase[0])
            i += phrase[1]
            continue
        if (
            out and out[-1] == _OVIP and not run and i + 1 < len(words)
            and not _is_code(word) and not _is_code(words[i + 1])
            and word.isalpha() and words[i + 1].isalpha()
        ):
            out.append(_person(word, words[i + 1]))
            i += 2
            continue
        if _is_code(word) and not (
            run and len(word) == 2 and i + 1 < len(words) and not _is_code(words[i + 1])
        ):
            flush()
            out.append(word)
        else:
            run.append(word)
        i += 1
    flush()
    return out


def _fix_typo(tag: str) -> str:
    """``MOPPS`` → ``MOPS``: a five-letter unknown word one letter away from a subject tag."""
    if len(tag) == 5 and tag.isalpha() and not _is_code(tag):
        for i in range(5):
            shorter = tag[:i] + tag[i + 1 :]
            if shorter in _subject_tags():
                return shorter
    return tag


@cache
def _split_glued(word: str) -> tuple[str, ...] | None:
    """``KFRDKIRFCVISCMGTKOCIASECPHUMSMIGEG`` → its tags, when every piece is a real tag."""
    n = len(word)
    # best[i]: (cost, pieces) for word[:i]; pieces are known 4-letter tags (cost 0),
    # K-programmes (1), a country at either end (1) or at most one unknown 4-letter (3).
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0, ())
    for i in range(n):
        if best[i] is None:
            continue
        cost, pieces = best[i]  # type: ignore[misc]
        for size in (4, 2):
            piece = word[i : i + size]
            if len(piece) < size:
                continue
            if size == 2:
                if i not in (0, n - 2):
                    continue
                extra = 1
            elif piece in _subject_tags() or piece in _org_tags():
                extra = 0
            elif piece[0] == "K":
                extra = 1
            else:
                extra = 3
            candidate = (cost + extra, (*pieces, piece))
            current = best[i + size]
            if current is None or candidate[0] < current[0]:
                best[i + size] = candidate
    result = best[n]
    if result is None or len(result[1]) < 2:
        return None
    known = sum(p in _subject_tags() for p in result[1])
    unknown = sum(len(p) == 4 and p not in _subject_tags() and p[0] != "K" and p not in _org_tags()
                  for p in result[1])
    if known == 0 or unknown > (1 if known >= 2 else 0):
        return None
    return result[1]


def _expand(word: str) -> tuple[str, ...]:
    """A misspelt or glued word → the tag(s) it stands for (the word itself otherwise)."""
    if _is_code(word) or not word.isalpha():
        return (word,)
    fixed = _fix_typo(word)
    if fixed != word:
        return (fixed,)
    if len(word) >= 6:
        return _split_glued(word) or (word,)
    return (word,)


def _unique(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if tag not in out and tag not in _DROP:
            out.append(tag)
    return out


def _value_span(text: str, start: int, end: int) -> int:
    """Where the TAGS value that begins at `start` ends (continuation lines included)."""
    line_end = text.find("\n", start, end)
    if line_end < 0:
        line_end = end
    inline = _INLINE_END.search(text, start, line_end)
    if inline:
        return inline.start()
    value_end = line_end
    # (a) a trailing comma continues the list on the next line
    while text[start:value_end].rstrip().endswith(",") and value_end < end:
        next_end = text.find("\n", value_end + 1, end)
        next_end = end if next_end < 0 else next_end
        if not text[value_end + 1 : next_end].strip():
            break
        value_end = next_end
    # (b) up to two short tag-like lines directly followed by the SUBJECT or E.O. line
    probe = value_end
    for _ in range(2):
        if probe >= end:
            break
        next_end = text.find("\n", probe + 1, end)
        next_end = end if next_end < 0 else next_end
        line = text[probe + 1 : next_end]
        if _FIELD_LINE.match(line):
            value_end = probe
            break
        if not line.strip() or not _TAG_LINE.fullmatch(line.rstrip("\\ \t")):
            break
        probe = next_end
        if probe < end and _FIELD_LINE.match(text, probe + 1):
            value_end = probe
            break
    return value_end


def _label(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first TAGS label in text[start:end] that stands where a field label can."""
    for label in TAGS_LABEL.finditer(text, start, end):
        line_start = text.rfind("\n", 0, label.start()) + 1
        at_line_start = not text[line_start : label.start()].strip()
        if (at_line_start or label.group().rstrip().endswith((":", ";"))
                or _AFTER_NUMBER.search(text, line_start, label.start())):
            return label
    return None


def find_tags(text: str, start: int = 0, end: int | None = None) -> tuple[int, int, int] | None:
    """(label start, value start, value end) of the TAGS line in text[start:end]."""
    end = len(text) if end is None else min(end, len(text))
    near_end = start + FIRST_LOOK
    label = None
    if end > near_end:  # the label is nearly always in the first lines: look there first
        label = _label(text, start, near_end)
        if label is not None and label.end() > near_end - 16:
            label = None  # may be cut by the look-ahead bound: read it again below
        start = near_end - 32 if label is None else start
    if label is None:
        label = _label(text, start, end)
    if label is None:
        return None
    return label.start(), label.end(), _value_span(text, label.end(), end)


def parse_tags(value: str, canonicalize: bool = True) -> list[str]:
    """The tags in a TAGS value (the text after the label)."""
    if "PAGE" in value or " OF " in value:
        value, _ = strip_page_breaks(value)
    value = value.upper().replace("\\", " ")
    tags: list[str] = []
    pos = 0
    for paren in _PARENS.finditer(value):
        tags.extend(_items(value[pos : paren.start()], canonicalize))
        inner = " ".join(paren.group(1).split()).strip(" ,")
        if inner:
            tags.append(inner)
        pos = paren.end()
    tags.extend(_items(value[pos:], canonicalize))
    return _unique(tags) if canonicalize else tags


def _items(value: str, canonicalize: bool) -> list[str]:
    """Comma/semicolon separated items, each grouped into tags."""
    out: list[str] = []
    for item in _SEPARATORS.split(value):
        words = [w.strip(".") or w for w in _WORD.findall(item)]
        if canonicalize:
            words = [piece for word in words for piece in _expand(word)]
        if words:
            out.extend(_group(words))
    return out


def tags(text: str, canonicalize: bool = True) -> list[str]:
    """The TAGS of a cable (or fragment), upper case, in order; [] when there is none."""
    found = find_tags(text, 0, PREAMBLE_WINDOW)
    if found is None:
        return []
    return parse_tags(text[found[1] : found[2]], canonicalize)


def tag_kind(tag: str, default: str = "UNKNOWN") -> str:
    """GEO, PERSON, PROGRAM, SUBJECT or ORG for a tag; `default` when it is none of those."""
    word = " ".join(tag.split()).upper()
    if not word:
        return default
    if "," in word or word in PEOPLE.values():
        return "PERSON"
    if word in _subject_tags():
        return "SUBJECT"
    if word in _org_tags():
        return "ORG"
    if len(word) == 4 and word[0] == "K" and word.isalpha():
        return "PROGRAM"
    if len(word) == 2 and word.isalpha():
        return "GEO"
    return default


def apply(state: ParseState) -> None:
    """Fill `tags` from the preamble; a TAGS label with nothing readable is a problem."""
    found = find_tags(state.body, 0, PREAMBLE_WINDOW)
    if found is None:
        return
    label_start, value_start, value_end = found
    state.cable.tags = parse_tags(state.body[value_start:value_end])
    state.scratch["tags_end"] = value_end
    if not state.cable.tags:
        state.problem("tags", "TAGS line present but no tags could be read",
                      body_offset=label_start)
    state.preamble_end = max(state.preamble_end, value_end)
