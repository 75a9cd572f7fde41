"""Words → `tsvector` and query trees → `tsquery`, both built here rather than by a
PostgreSQL text-search configuration, so that PostgreSQL finds what SQLite's FTS5 finds.

FTS5's unicode61 tokenizer cuts text into runs of letters and digits and folds case and
diacritics; `search.snippets` cuts and folds the same way, and so does this module, on both
sides: the vectors are written as `tsvector` literals (``'iran':3 'nuclear':1A``) and the
queries as `tsquery` literals, both passed as parameters. A configuration such as 'simple'
would instead keep ``foo@state.gov`` or ``/tmp/x`` whole and split hyphenated words its own
way, and the same query would count different cables on the two backends.

Paragraphs get no vector (a second full-text index would double the cost of a load): a
``para:`` query finds its candidates through the cable's vector and `matches` checks each
paragraph here, with the same words.

PostgreSQL's limits, and what they change: positions stop at 16,383 and a word keeps at
most 256 of them (so a phrase that occurs only after the 16,383rd word of a cable, or only
after the 256th occurrence of one of its words, is not found; single words always are), and
a word longer than 2,047 bytes is cut to that length. Cables are far shorter than that.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from cablescope.search.query import And, Node, Not, Or, Phrase, Term

_WORD = re.compile(r"[^\W_]+")
#: Non-ASCII characters that are not letters or digits: separators, like ASCII punctuation.
_NON_WORD = re.compile(r"[^\w\x00-\x7f]")
#: ASCII bytes → lower-case letters and digits, everything else a space; bytes of UTF-8
#: sequences (0x80 and up) stay as they are.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c >= 128 else 32
    for c in range(256)
)
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2047
#: tsvector input holds at most 1 MB of words (repeats included): the tail is deduplicated.
_MAX_INPUT_BYTES = 900_000
#: A query part that can match nothing (a "word" with no letters or digits, like ``'``),
#: as FTS5 treats an empty phrase.
NOTHING = ""


@functools.cache
def _combining() -> re.Pattern[str]:
    """Combining marks (diacritics) of the Basic Multilingual Plane, built on first use."""
    marks = "".join(chr(c) for c in range(0x10000) if unicodedata.combining(chr(c)))
    return re.compile("[" + re.escape(marks) + "]")


def words(text: str | None) -> list[str]:
    """The folded words of `text`, in order, as FTS5 unicode61 would index them: runs of
    letters and digits, lower case, diacritics dropped (``Sécurité`` → ``securite``).

    Whole-text string operations, no loop over words: this runs over every cable loaded.
    Only the few words that hold non-ASCII characters (found with array operations) are
    folded one by one (NFKD, marks dropped, lower case, other symbols as separators), each
    fold remembered: the same as folding the whole text, which a regular-expression pass
    over every character made the costliest step of a load. (Compatibility forms such as
    ``¼`` therefore become two words,
    ``1 4``, where the word-at-a-time `snippets.fold` keeps one; queries are cut the same
    way, so they match.)"""
    if not text:
        return []
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_WORDS)
    if text.isascii():
        return data.decode("ascii").split()
    # Where the words with non-ASCII bytes start and end (the bytes are spaces between words).
    codes = np.frombuffer(data, dtype=np.uint8)
    spaces = np.flatnonzero(codes == 32)
    high = np.flatnonzero(codes >= 128)
    at = np.searchsorted(spaces, high)
    starts = np.where(at > 0, spaces[np.maximum(at - 1, 0)] + 1 if len(spaces) else 0, 0)
    ends = np.append(spaces, len(data))[at]
    pieces: list[str] = []
    done = 0
    for start, end in sorted(set(zip(starts.tolist(), ends.tolist(), strict=True))):
        folded = _fold_word(data[start:end].decode("utf-8", "surrogatepass"))
        if folded == _SIGMA:  # lower case of Σ depends on the letters around it
            return _fold_whole(text)
        pieces += (data[done:start].decode("ascii"), folded)
        done = end
    pieces.append(data[done:].decode("ascii"))
    return " ".join(pieces).split()


#: Capital sigma: lower-cased to ς or σ by the letters around it (across punctuation
#: too), so a text that holds one, even as a compatibility form, is folded whole.
_SIGMA = "\u03a3"
_FOLDED: dict[str, str] = {}


def _fold_word(word: str) -> str:
    """A word with non-ASCII characters folded as `_fold_whole` folds them (spaces where
    it splits; `_SIGMA` when that depends on its context), remembered: the same few such
    words recur across a corpus."""
    done = _FOLDED.get(word)
    if done is None:
        decomposed = unicodedata.normalize("NFKD", word)
        done = _SIGMA if _SIGMA in decomposed else " ".join(_fold_whole(decomposed))
        if len(_FOLDED) >= 200_000:
            _FOLDED.clear()
        _FOLDED[word] = done
    return done


def _fold_whole(text: str) -> list[str]:
    text = _combining().sub("", unicodedata.normalize("NFKD", text)).lower()
    if not text.isascii():
        text = _NON_WORD.sub(" ", text)
    return (
        text.encode("utf-8", "surrogatepass")
        .translate(_ASCII_WORDS)
        .decode("utf-8", "replace")
        .split()
    )


def _quoted(word: str) -> str:
    if len(word) > MAX_LEXEME_BYTES // 4 and len(word.encode()) > MAX_LEXEME_BYTES:
        word = word.encode()[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _plain(tokens: list[str]) -> bool:
    """True when every token can stand unquoted in a literal: letters and digits only (a
    folded word may hold more: NFKD turns ``⑴`` into ``(1)``) and none too long."""
    if not "".join(tokens).isalnum():
        return False
    longest = max(map(len, tokens))
    if longest <= MAX_LEXEME_BYTES // 4:
        return True
    return all(len(t.encode()) <= MAX_LEXEME_BYTES for t in tokens)


@functools.cache
def _suffixes(weight: str) -> list[str]:
    """``[":0", ":1A", …]``: position suffixes made once, so a vector is one join."""
    return [f":{position}{weight}" for position in range(MAX_POSITION + 1)]


def tsvector(*parts: tuple[Sequence[str], str]) -> str:
    """A `tsvector` literal of (words, weight) parts: weight ``A``/``B``/``C``, or ``""`` for
    the default D. Each part starts one position after the previous one ends, so no phrase
    spans two parts (two FTS5 columns).

    The entries come sorted by word (then position): the server's parser then finds them in
    order instead of sorting them, a fifth of its work on a load — done here, on the client."""
    tokens: list[str] = []
    suffixes: list[str] = []
    position = 1
    for found, weight in parts:
        if not found:
            continue
        room = max(0, MAX_POSITION - position)
        head, tail = list(found[:room]), found[room:]
        tokens += head
        suffixes += _suffixes(weight)[position : position + len(head)]
        if tail:  # every later word clamps to the last position anyway: list each once
            budget = _MAX_INPUT_BYTES - sum(map(len, tokens))
            for token in dict.fromkeys(tail):
                budget -= len(token)
                if budget < 0:
                    break
                tokens.append(token)
                suffixes.append(f":{MAX_POSITION}{weight}")
        position = min(MAX_POSITION, position + len(found) + 1)
    if not tokens:
        return ""
    if not _plain(tokens):
        tokens = [_quoted(t) for t in tokens]
    order = sorted(range(len(tokens)), key=tokens.__getitem__)  # stable: positions ascend
    return " ".join(
        map(str.__add__, map(tokens.__getitem__, order), map(suffixes.__getitem__, order))
    )


#: Weight letters → the two high bits of a position in PostgreSQL's binary `tsvector`.
_WEIGHT_BITS = {"A": 3, "B": 2, "C": 1, "": 0}
#: Positions a word keeps (PostgreSQL's MAXNUMPOS); its binary input refuses more.
MAX_POSITIONS = 256
_KINDS = np.array([0, 1, 2], dtype=np.int8)


def vector(*parts: tuple[Sequence[str], str]) -> bytes:
    """`tsvector` of (words, weight) parts, as `tsvector` builds it, in PostgreSQL's binary
    form (``tsvectorrecv``): entry count, then per distinct word (byte order) the word, a
    NUL, its number of positions and the positions, weight in the top two bits.

    Why: the server parses the text form a character at a time, which was a third of its
    work on a load; the binary form it only copies. Built with whole-array operations (the
    words of a cable numbered by distinct word, positions grouped by a stable sort), not a
    loop over words. Texts past the last position take `_vector_slowly`."""
    tokens: list[str] = []
    positions: list[np.ndarray] = []
    position = 1
    for found, weight in parts:
        if not found:
            continue
        if position + len(found) > MAX_POSITION:
            return _vector_slowly(parts)
        tokens += found
        bits = _WEIGHT_BITS[weight] << 14
        positions.append(np.arange(position + bits, position + bits + len(found), dtype=np.uint16))
        position += len(found) + 1
    if not tokens:
        return b"\0\0\0\0"
    lexemes = sorted(set(tokens))
    text = "\0".join(lexemes) + "\0"
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > _MAX_INPUT_BYTES or max(map(len, lexemes)) > MAX_LEXEME_BYTES // 4:
        return _vector_slowly(parts)  # a word that may be too long, or too many words
    # Numbered per cable (a small dictionary stays in the CPU cache; a corpus-wide one was
    # slower), then a stable sort groups each word's positions, ascending.
    index = dict(zip(lexemes, range(len(lexemes)), strict=True))
    ids = np.array(list(map(index.__getitem__, tokens)), dtype=np.int32)
    grouped = np.concatenate(positions)[np.argsort(ids, kind="stable")]
    counts = np.bincount(ids, minlength=len(lexemes))
    if counts.max() > MAX_POSITIONS:  # a word's first 256 positions only
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        grouped = grouped[np.arange(len(grouped)) - starts < MAX_POSITIONS]
        counts = np.minimum(counts, MAX_POSITIONS)
    if len(data) == len(text):
        sizes = np.fromiter(map(len, lexemes), dtype=np.int64, count=len(lexemes)) + 1
    else:
        sizes = np.array([len(w.encode("utf-8", "surrogatepass")) + 1 for w in lexemes])
    # Three runs of bytes per word (word and NUL, count, positions), laid out by kind.
    lengths = np.empty(3 * len(lexemes), dtype=np.int64)
    lengths[0::3], lengths[1::3], lengths[2::3] = sizes, 2, 2 * counts
    kinds = np.repeat(np.tile(_KINDS, len(lexemes)), lengths)
    out = np.empty(4 + len(kinds), dtype=np.uint8)
    out[:4] = np.frombuffer(len(lexemes).to_bytes(4, "big"), dtype=np.uint8)
    body = out[4:]
    body[kinds == 0] = np.frombuffer(data, dtype=np.uint8)
    body[kinds == 1] = counts.astype(">u2").view(np.uint8)
    body[kinds == 2] = grouped.astype(">u2").view(np.uint8)
    return out.tobytes()


def _vector_slowly(parts: Sequence[tuple[Sequence[str], str]]) -> bytes:
    """`vector` for what the fast path leaves out, with the text form's rules: words past
    position 16,383 all at that position (each word once, within the input budget), words
    cut to 2,047 bytes, a position given twice kept once with its highest weight, 256
    positions per word."""
    entries: dict[str, dict[int, int]] = {}
    position, budget = 1, _MAX_INPUT_BYTES
    for found, weight in parts:
        if not found:
            continue
        bits = _WEIGHT_BITS[weight]
        for offset, token in enumerate(found):
            word = _cut(token)
            at = min(position + offset, MAX_POSITION)
            held = entries.get(word)
            if held is None:
                budget -= len(word.encode("utf-8", "surrogatepass")) + 1
                if budget < 0:
                    continue
                held = entries[word] = {}
            if held.get(at, -1) < bits:
                held[at] = bits
        position = min(MAX_POSITION, position + len(found) + 1)
    chunks = [len(entries).to_bytes(4, "big")]
    for word in sorted(entries):
        held = entries[word]
        kept = sorted(held)[:MAX_POSITIONS]
        chunks.append(word.encode("utf-8", "surrogatepass") + b"\0" + len(kept).to_bytes(2, "big"))
        chunks.append(b"".join(((held[p] << 14) | p).to_bytes(2, "big") for p in kept))
    return b"".join(chunks)


def _cut(word: str) -> str:
    """`word` cut to PostgreSQL's longest word (2,047 bytes), whole characters only."""
    if len(word) <= MAX_LEXEME_BYTES // 4:
        return word
    return word.encode("utf-8", "surrogatepass")[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")


# -- queries --------------------------------------------------------------------------------
def _phrase(text: str, prefix: bool, weight: str) -> str:
    """``'a' <-> 'b':*`` for the words of `text`; NOTHING when it has none."""
    found = words(text)
    if not found or any(len(w.encode()) > MAX_LEXEME_BYTES for w in found):
        return NOTHING
    last = len(found) - 1
    parts = [
        _quoted(word) + (":*" if prefix and i == last else ":" if weight else "") + weight
        for i, word in enumerate(found)
    ]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def phrase(text: str, prefix: bool = False, weight: str = "") -> str:
    """The `tsquery` for one quoted string (a word, a phrase, a ``from:`` value)."""
    return _phrase(text, prefix, weight)


def tsquery(node: Node, weight: str = "") -> str | None:
    """The `tsquery` text of a pure-text node (words, phrases, AND/OR, ``a NOT b``), with
    every word restricted to `weight` if given; None when a tsquery cannot say it (filters,
    a NOT with nothing positive beside it), NOTHING when it can match no cable."""
    if isinstance(node, Term):
        return _phrase(node.text, node.prefix, weight)
    if isinstance(node, Phrase):
        return _phrase(node.text, False, weight)
    if isinstance(node, Or):
        parts = [tsquery(item, weight) for item in node.items]
        if None in parts:
            return None
        kept = [str(p) for p in parts if p]
        return "(" + " | ".join(kept) + ")" if kept else NOTHING
    if isinstance(node, And):
        positive = [tsquery(i, weight) for i in node.items if not isinstance(i, Not)]
        negative = [tsquery(i.item, weight) for i in node.items if isinstance(i, Not)]
        if not positive or None in positive or None in negative:
            return None
        return with_negatives([str(p) for p in positive], [str(n) for n in negative])
    return None


def with_negatives(positive: Sequence[str], negative: Sequence[str]) -> str:
    """``(p1 & p2) & !(n1 | n2)``; NOTHING when a positive part matches nothing (FTS5's
    AND with an empty phrase); negatives that match nothing exclude nothing."""
    if not positive or NOTHING in positive:
        return NOTHING
    expression = "(" + " & ".join(positive) + ")"
    excluded = [n for n in negative if n]
    return f"{expression} & !({' | '.join(excluded)})" if excluded else expression


# -- paragraphs -----------------------------------------------------------------------------
def relaxed(node: Node) -> str:
    """A `tsquery` that every cable holding a paragraph matching `node` matches: its words
    (phrases loosened to all their words, NOT parts left out), to find candidates through
    the cable's index. A paragraph's words are among its cable's."""
    if isinstance(node, Term | Phrase):
        found = words(node.text)
        if not found or any(len(w.encode()) > MAX_LEXEME_BYTES for w in found):
            return NOTHING
        prefix = isinstance(node, Term) and node.prefix
        last = len(found) - 1
        parts = [_quoted(w) + (":*" if prefix and i == last else "") for i, w in enumerate(found)]
        return "(" + " & ".join(parts) + ")"
    if isinstance(node, Or):
        kept = [q for q in (relaxed(item) for item in node.items) if q]
        return "(" + " | ".join(kept) + ")" if kept else NOTHING
    if isinstance(node, And):
        return with_negatives([relaxed(i) for i in node.items if not isinstance(i, Not)], [])
    return NOTHING  # pragma: no cover - only text nodes reach here


def _at(found: Sequence[str], prefix: bool, tokens: Sequence[str], start: int) -> bool:
    for offset, word in enumerate(found):
        token = tokens[start + offset]
        last = offset == len(found) - 1
        if token != word and not (prefix and last and token.startswith(word)):
            return False
    return True


def matches(node: Node, tokens: Sequence[str]) -> bool:
    """Whether a text node (word, phrase, AND/OR, ``a NOT b``) matches one paragraph's
    `tokens` (`words` of its text), as FTS5 matches it against a paragraph row."""
    if isinstance(node, Term | Phrase):
        found = words(node.text)
        if not found:
            return False
        prefix = isinstance(node, Term) and node.prefix
        return any(_at(found, prefix, tokens, i) for i in range(len(tokens) - len(found) + 1))
    if isinstance(node, Or):
        return any(matches(item, tokens) for item in node.items)
    if isinstance(node, And):
        positive = [i for i in node.items if not isinstance(i, Not)]
        negative = [i.item for i in node.items if isinstance(i, Not)]
        return all(matches(i, tokens) for i in positive) and not any(
            matches(i, tokens) for i in negative
        )
    return False  # pragma: no cover - only text nodes reach here


__all__ = [
    "NOTHING",
    "matches",
    "phrase",
    "relaxed",
    "tsquery",
    "tsvector",
    "vector",
    "with_negatives",
    "words",
]
