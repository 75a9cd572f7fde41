"""Best paragraph and highlighted snippet for one hit, computed in Python from its text.

Asking the full-text index for a snippet costs a prefix query (``terror*``) its whole term
expansion again for every hit on the page (tens of ms each at Cablegate size); a page holds
twenty cables of a few paragraphs each, so scanning their text here costs about a millisecond
and works the same on every backend. Words are cut and folded the way the index's tokenizer
cuts them (letters and digits; case and diacritics ignored), so the paragraph shown is one the
index would have matched.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cablescope.search.query import And, Node, Not, Or, Phrase, Term
from cablescope.search.results import HIGHLIGHT

_WORD = re.compile(r"[^\W_]+")
_OPEN, _CLOSE = HIGHLIGHT
#: Words of context in a snippet, as FTS5's snippet() was asked for.
SNIPPET_WORDS = 24


def fold(word: str) -> str:
    """Lower case without diacritics: ``Sécurité`` → ``securite``."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True, slots=True)
class Pattern:
    """A word (`prefix` for ``word*``) or a phrase: its folded words in order."""

    words: tuple[str, ...]
    prefix: bool = False


def patterns(node: Node) -> list[Pattern]:
    """The words and phrases of a query that a shown passage should contain (none under NOT)."""
    if isinstance(node, Term):
        words = tuple(fold(w) for w in _WORD.findall(node.text))
        return [Pattern(words, node.prefix)] if words else []
    if isinstance(node, Phrase):
        words = tuple(fold(w) for w in _WORD.findall(node.text))
        return [Pattern(words)] if words else []
    if isinstance(node, And | Or):
        return [p for item in node.items if not isinstance(item, Not) for p in patterns(item)]
    return []


def _matches(pattern: Pattern, folded: Sequence[str], at: int) -> int:
    """How many words `pattern` covers starting at word `at` (0: no match there)."""
    size = len(pattern.words)
    if at + size > len(folded):
        return 0
    for offset, word in enumerate(pattern.words):
        token = folded[at + offset]
        last = offset == size - 1
        if not (token == word or (last and pattern.prefix and token.startswith(word))):
            return 0
    return size


def _spans(
    text: str, wanted: Sequence[Pattern]
) -> tuple[list[re.Match[str]], list[tuple[int, int, int]]]:
    """The text's words, and the matches as (first word, word count, pattern index)."""
    tokens = list(_WORD.finditer(text))
    folded = [fold(t.group()) for t in tokens]
    found: list[tuple[int, int, int]] = []
    at = 0
    while at < len(tokens):
        for index, pattern in enumerate(wanted):
            size = _matches(pattern, folded, at)
            if size:
                found.append((at, size, index))
                at += size
                break
        else:
            at += 1
    return tokens, found


def score(text: str, wanted: Sequence[Pattern]) -> tuple[int, int]:
    """(distinct patterns found, occurrences): the best passage finds most of the query.

    Scored by one compiled expression over the folded text, in C; word by word (`_spans`)
    only for the rare text whose folding would change its length or its word boundaries."""
    folded = _folded(text)
    if folded is None:
        found = [index for _a, _s, index in _spans(text, wanted)[1]]
    elif not any(pattern.words[0] in folded for pattern in wanted):
        return 0, 0  # every match starts with a pattern's first word: none is here
    else:
        found = [m.lastindex for m in _expression(tuple(wanted)).finditer(folded)]
    return len(set(found)), len(found)


class _FoldTable(dict[int, str]):
    """`str.translate` table folding one character at a time (filled as characters are met);
    a character whose folding is not one character of the same kind maps to `_UNSAFE`."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(char)
        same = len(folded) == 1 and bool(_WORD.match(folded)) == bool(_WORD.match(char))
        self[code] = value = folded if same and folded != _UNSAFE else _UNSAFE
        return value


_UNSAFE = "\uffff"
_FOLD = _FoldTable()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _lowers_alike(char: str) -> bool:
    """Whether folding `char` is just lower-casing it, to one character."""
    if char == "\u03a3":  # capital sigma lower-cases by its place in the word
        return False
    lowered = char.lower()
    return len(lowered) == 1 and _FOLD[ord(char)] == lowered


def _folded(text: str) -> str | None:
    """`text` folded character by character, offsets unchanged; None where that is not so.

    Cables are ASCII but for a few signs (``¶``, curly quotes) that fold to themselves:
    when every non-ASCII character in the text only lower-cases, `str.lower` is the fold,
    many times faster than translating character by character."""
    if text.isascii():
        return text.lower()
    if all(_lowers_alike(char) for char in set(_NON_ASCII.findall(text))):
        return text.lower()
    folded = text.translate(_FOLD)
    return None if _UNSAFE in folded else folded


_TOKEN_END = r"(?![^\W_])"


@functools.lru_cache(maxsize=64)
def _expression(wanted: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One alternation of the patterns, tried in order at each word start as `_spans` does;
    group i + 1 is pattern i. Between a phrase's words any non-word characters may stand."""
    if not wanted:
        return re.compile(r"(?!)")
    alternatives = []
    for pattern in wanted:
        # The first word leads, its word-start check looking back past it, so that the
        # expression starts with a literal and the engine skips ahead to candidate letters.
        first, *others = map(re.escape, pattern.words)
        body = r"[\W_]+".join([rf"{first}(?<![^\W_]{first})", *others])
        tail = r"[^\W_]*" if pattern.prefix else _TOKEN_END
        alternatives.append(f"({body}{tail})")
    return re.compile("|".join(alternatives))


def snippet(text: str, wanted: Sequence[Pattern], words: int = SNIPPET_WORDS) -> str | None:
    """About `words` words of `text` around its first match, matches marked « », cuts marked
    …; None when nothing matches."""
    folded = _folded(text)
    if folded is None:
        tokens, found = _spans(text, wanted)
        marked = {at + k for at, size, _i in found for k in range(size)}
        first = found[0][0] if found else None
    else:
        expression = _expression(tuple(wanted))
        found = expression.search(folded)
        if found is None:
            return None
        return _render_window(text, folded, expression, found.start(), words)
    if first is None:
        return None
    return _render(text, tokens, marked, first, words)


#: Characters read before and after the first match to find a snippet's words; doubled
#: until the words are all inside (a long paragraph is not cut into words end to end).
WINDOW_BEFORE, WINDOW_AFTER = 400, 1600


def _render_window(
    text: str, folded: str, expression: re.Pattern[str], begin: int, words: int
) -> str:
    """`_render` over only the words near the first match (at `begin`): the same snippet as
    over all the text's words, once the window holds `words` words on each side of that
    match (or reaches the text's end on that side). Matches are looked for from the first
    one to the window's end only, as a scan of the whole text would find them."""
    before, after = WINDOW_BEFORE, WINDOW_AFTER
    while True:
        low, high = max(0, begin - before), min(len(text), begin + after)
        tokens = list(_WORD.finditer(text, low, high))
        if tokens and low > 0 and tokens[0].start() == low and _is_word(text[low - 1]):
            tokens.pop(0)  # cut by the window: not a whole word
        if tokens and high < len(text) and tokens[-1].end() == high and _is_word(text[high]):
            tokens.pop()
        starts = [token.start() for token in tokens]
        first = bisect.bisect_left(starts, begin)
        enough_before = low == 0 or first >= words
        enough_after = high == len(text) or len(tokens) - first >= words
        if enough_before and enough_after:
            break
        before, after = before * 2, after * 2
    marked: set[int] = set()
    for match in expression.finditer(folded, begin):
        start, finish = match.span()
        if start >= high:
            break
        at = bisect.bisect_left(starts, start)
        while at < len(starts) and starts[at] < finish:
            marked.add(at)
            at += 1
    return _render(text, tokens, marked, first, words)


def _is_word(char: str) -> bool:
    return _WORD.match(char) is not None


def _render(
    text: str, tokens: Sequence[re.Match[str]], marked: set[int], first: int, words: int
) -> str:
    start = max(0, min(first - words // 4, len(tokens) - words))
    end = min(len(tokens), start + words)
    pieces: list[str] = []
    cursor = tokens[start].start()
    for position in range(start, end):
        token = tokens[position]
        pieces.append(text[cursor : token.start()])
        word = token.group()
        pieces.append(f"{_OPEN}{word}{_CLOSE}" if position in marked else word)
        cursor = token.end()
    tail = text[cursor : tokens[end].start()] if end < len(tokens) else text[cursor:]
    body = "".join(pieces) + (tail if end >= len(tokens) else "")
    body = " ".join(body.split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(tokens) else "")


def best(
    passages: Iterable[tuple[int, str]], wanted: Sequence[Pattern]
) -> tuple[int | None, str | None]:
    """(id, snippet) of the passage that matches most of the query, earliest on ties."""
    chosen: tuple[tuple[int, int], int, str] | None = None
    for key, text in passages:
        rank = score(text, wanted)
        if rank[0] and (chosen is None or rank > chosen[0]):
            chosen = (rank, key, text)
    if chosen is None:
        return None, None
    return chosen[1], snippet(chosen[2], wanted)


__all__ = ["SNIPPET_WORDS", "Pattern", "best", "fold", "patterns", "score", "snippet"]
