"""The shared state extraction rules read and write, like the parser's `ParseState`.

A `FieldState` is one string of a cable (subject, a paragraph's text, its heading …) cut
into tokens once; every rule walks the same token arrays and claims token ranges with
`add`, so a later rule never re-reads what an earlier one took. `CableContext` carries what
one field teaches the others: acronym definitions, persons' full names, the origin country.

Case: mixed-case text says a name by its capital; an ALL CAPS field (1970s telegrams, every
subject line) does not, so there a token is name-like when the casing table built from
mixed-case cables (`data/casing.txt`) says the word is mostly written capitalised, or
does not know it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cablescope.enrich.lexicon import _NORMS, MONTHS, STOPWORDS, Entry, casing, norm
from cablescope.enrich.mentions import Mention

TOKEN = re.compile(
    r"[A-Za-z]/[A-Za-z](?![\w/])|(?:[A-Za-z]\.){2,}|[A-Z]\. [A-Z]\.(?!\w)|[^\W_](?:\w|['’](?=\w))*"
)
#: Lower-case words mixed-case rules still need: name particles, "of" in "Ministry of
#: Finance", event heads ("the Mumbai attacks"), "government" ("the Indian government").
KEEP_LOWER = [
    "of",
    "and",
    "for",
    "on",
    "the",
    "e",
    "i",
    "u",
    "ud",
    "ul",
    "al",
    "el",
    "bin",
    "ibn",
    "ben",
    "abu",
    "de",
    "da",
    "di",
    "del",
    "della",
    "la",
    "le",
    "van",
    "von",
    "der",
    "dos",
    "das",
    "y",
    "government",
    "govt",
    "attack",
    "attacks",
    "bombing",
    "bombings",
    "blast",
    "blasts",
    "massacre",
    "war",
    "coup",
    "earthquake",
    "tsunami",
    "floods",
    "summit",
    "accord",
    "accords",
    "crisis",
    "invasion",
    "offensive",
    "uprising",
    "revolution",
    "riots",
    "siege",
    "hijacking",
    "assassination",
]
#: Mixed-case text: only capitalised words, digits and `KEEP_LOWER` become tokens; the
#: other lower-case words still sit in the gaps between tokens, so no two tokens they
#: separate ever look adjacent.
CANDIDATE = re.compile(
    r"\b(?:[A-Za-z]/[A-Za-z](?![\w/])|(?:[A-Za-z]\.){2,}|[A-Z]\. [A-Z]\.(?!\w)"
    r"|(?<![\w'’])(?:[A-Z0-9\u00C0-\u00DE]|(?:" + "|".join(KEEP_LOWER) + r")(?![\w'’]))"
    r"(?:\w|['’](?=\w))*)"
)
_LOWER = re.compile(r"[a-z]+")
_SENTENCE_CHARS = frozenset('.!?:;"(\n*-\t')
_POSSESSIVE = ("'s", "’s", "'S", "’S")


_US_PRONOUN_BEFORE = frozenset({"LET", "TOLD", "GIVE", "GAVE", "SHOW", "SHOWED", "ASKED", "LETS"})
_WORDS = re.compile(r"[A-Za-z]{2,}")


_UPPER = re.compile(r"[A-Z]+")


def _caseless(text: str, headline: bool = False) -> bool:
    """ALL CAPS, or a Title Case headline: case says nothing about names."""
    lower = sum(map(len, _LOWER.findall(text)))
    if lower < 0.05 * (lower + sum(map(len, _UPPER.findall(text)))):
        return True
    if not headline:
        return False
    words = _WORDS.findall(text)
    if len(words) < 3 or len(words) > 40:
        return False
    long_words = [w for w in words if len(w) > 3]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


@dataclass(slots=True)
class CableContext:
    """What the fields of one cable share."""

    #: Phrase key (``("LET",)`` or ``("LASHKAR", "E", "TAIBA")``) → what the cable defined.
    definitions: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    #: Acronym phrase key ↔ long-form phrase key, both ways, from "Long Form (LF)".
    aliases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    #: Name token (surname or given name) → the full name key of a person met in the cable.
    persons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: How often each normalised token occurs in the cable, all fields together.
    counts: Counter[str] = field(default_factory=Counter)
    #: The cable's fields, in reading order (cable-level rules and the model look across).
    states: list[FieldState] = field(default_factory=list)
    #: Scratch space for cable-level rules, keyed by rule name.
    scratch: dict[str, object] = field(default_factory=dict)
    origin: str | None = None  # TAGS code of the origin post's country
    tags: frozenset[str] = frozenset()


class FieldState:
    """One field of a cable: its text, tokens, and the mentions rules found in it."""

    __slots__ = (
        "classification",
        "ctx",
        "ends",
        "field",
        "index",
        "leftovers",
        "marking",
        "mentions",
        "named",
        "norms",
        "paragraph",
        "possessive",
        "sentence",
        "starts",
        "taken",
        "text",
        "upper",
        "words",
    )

    def __init__(
        self,
        text: str,
        ctx: CableContext | None = None,
        *,
        field: str = "text",
        paragraph: int | None = None,
        index: int | None = None,
        marking: str | None = None,
        classification: str | None = None,
    ) -> None:
        self.text = text
        self.ctx = ctx if ctx is not None else CableContext()
        self.field = field
        self.paragraph = paragraph
        self.index = index
        self.marking = marking
        self.classification = classification
        self.upper = _caseless(text, field in ("heading", "subject"))
        self.mentions: list[Mention] = []
        #: Name-like runs no rule claimed, ``(start, end)`` token ranges, for `propagate`.
        self.leftovers: list[tuple[int, int]] = []
        spans = [m.span() for m in (TOKEN if self.upper else CANDIDATE).finditer(text)]
        starts = [a for a, _ in spans]
        ends = [b for _, b in spans]
        words = [text[a:b] for a, b in spans]
        possessive = [False] * len(words)
        for i, word in enumerate(words):
            if word[-1] in "sS" and len(word) > 2:
                if word.endswith(_POSSESSIVE):
                    ends[i] -= 2
                    words[i] = word[:-2]
                    possessive[i] = True
                elif len(word) > 3 and word[-1] == "s" and word[:-1].isupper():
                    ends[i] -= 1  # "JUDs", "NGOs": the acronym is the name
                    words[i] = word[:-1]
            elif len(word) == 1 and word in "sS" and starts[i] and text[starts[i] - 1] == ",":
                possessive[i - 1 if i else 0] = True  # "LeT,s": cables' comma apostrophe
                words[i] = ""
        for i, end in enumerate(ends):
            if text.startswith((",s", ",S"), end) and not text[end + 2 : end + 3].isalnum():
                possessive[i] = True  # "LeT,s": cables' comma for an apostrophe
        if "" in words:
            keep = [i for i, w in enumerate(words) if w]
            starts = [starts[i] for i in keep]
            ends = [ends[i] for i in keep]
            words = [words[i] for i in keep]
            possessive = [possessive[i] for i in keep]
        self.starts = starts
        self.ends = ends
        self.words = words
        self.possessive = possessive
        memo = _NORMS
        self.norms = [memo.get(w) or norm(w) for w in words]
        self.ctx.counts.update(self.norms)
        self.ctx.states.append(self)
        self.taken = [False] * len(words)
        self.sentence = self._sentence_starts()
        self.named = self._name_like()

    def __len__(self) -> int:
        return len(self.words)

    def _sentence_starts(self) -> list[bool]:
        """Per token: does a sentence (or list item, or line) start with it?"""
        text = self.text
        flags = []
        for start in self.starts:
            c = text[start - 1] if start else ""
            if c == " " and start > 1:
                c = text[start - 2]
                if c == " " and start > 2:
                    c = text[start - 3]
            flags.append(not c or c in _SENTENCE_CHARS)
        return flags

    def _name_like(self) -> list[bool]:
        """Per token: could it be (part of) a name? See the module docstring."""
        table = casing()
        flags = []
        for i, (word, key, first) in enumerate(
            zip(self.words, self.norms, self.sentence, strict=True)
        ):
            if key == "US" and (word != "US" or (self.upper and self._country_us(i))):
                flags.append(True)  # "U.S.", and in ALL CAPS "US POSITION" (not "TOLD US")
                continue
            if key in STOPWORDS or key in MONTHS or not word[0].isalpha():
                flags.append(False)
                continue
            code = table.get(key)
            if self.upper:
                flags.append(code is None or code >= 10 or code <= 3)
            elif not word[0].isupper() or (
                first and code is not None and 5 <= code < 10 and not word.isupper()
            ):
                flags.append(False)
            else:
                flags.append(True)
        return flags

    def _country_us(self, i: int) -> bool:
        """ALL CAPS "US" is the country in telegrams, but for "LET US", "TOLD US THAT"."""
        prev = self.norms[i - 1] if i else ""
        nxt = self.norms[i + 1] if i + 1 < len(self.norms) else ""
        return prev not in _US_PRONOUN_BEFORE and not (nxt == "THAT" and prev.endswith("ED"))

    def lower_share(self, i: int) -> int:
        """The casing table's 0..9 lower-case share of token i (9 when unknown: be careful)."""
        code = casing().get(self.norms[i])
        return 0 if code is None else code % 10

    def free(self, i: int, j: int) -> bool:
        return not any(self.taken[i:j])

    def add(
        self,
        i: int,
        j: int,
        kind: str,
        *,
        subtype: str | None = None,
        name: str | None = None,
        role: str | None = None,
        source: str = "",
        key: tuple[str, ...] | None = None,
        name_start: int | None = None,
    ) -> Mention:
        """Claim tokens ``[i, j)`` as one mention and return it."""
        start, end = self.starts[i], self.ends[j - 1]
        first = i if name_start is None else name_start
        mention = Mention(
            text=self.text[start:end],
            start=start,
            end=end,
            kind=kind,
            field=self.field,
            paragraph=self.paragraph,
            index=self.index,
            marking=self.marking,
            classification=self.classification,
            role=role,
            subtype=subtype,
            name=name,
            key=key if key is not None else tuple(self.norms[first:j]),
            source=source,
            tokens=(i, j),
        )
        for t in range(i, j):
            self.taken[t] = True
        self.mentions.append(mention)
        return mention
