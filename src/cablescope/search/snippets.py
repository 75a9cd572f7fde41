"""Best paragraph and highlighted snippet for one hit, computed in Python from its text.

Asking the full-text index for a snippet costs a prefix query (``terror*``) its whole term
expansion again for every hit on the page (tens of ms each at Cablegate size); a page holds
twenty cables of a few paragraphs each, so scanning their text here costs about a millisecond
and works the same on every backend. Words are cut and folded the way the index's tokenizer
cuts them (letters and digits; case and diacritics ignored), so the paragraph shown is one the
index would have matched.
"""

from __future__ import annotations

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
    """(distinct patterns found, occurrences): the best passage finds most of the query."""
    _tokens, found = _spans(text, wanted)
    return len({index for _a, _s, index in found}), len(found)


def snippet(text: str, wanted: Sequence[Pattern], words: int = SNIPPET_WORDS) -> str | None:
    """About `words` words of `text` around its first match, matches marked « », cuts marked
    …; None when nothing matches."""
    tokens, found = _spans(text, wanted)
    if not found:
        return None
    first = found[0][0]
    start = max(0, min(first - words // 4, len(tokens) - words))
    end = min(len(tokens), start + words)
    marked = {at + k for at, size, _i in found for k in range(size) if start <= at + k < end}
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
