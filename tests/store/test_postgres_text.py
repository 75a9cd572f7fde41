"""The PostgreSQL backend's words, vectors and queries, without a server: words are cut and
folded as `search.snippets` cuts them (which models FTS5's unicode61), vectors and queries
quote whatever they hold, and paragraph matching follows FTS5's rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cablescope.search import parse_query
from cablescope.search.snippets import fold
from cablescope.store.postgres_text import (
    NOTHING,
    matches,
    relaxed,
    tsquery,
    tsvector,
    vector,
    words,
)

_WORD = re.compile(r"[^\W_]+")


def _reference(text: str) -> list[str]:
    """Words as `search.snippets` cuts and folds them, one at a time."""
    return [fold(word) for word in _WORD.findall(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S.-Iran talks (08STATE1234) resumed; e-mail foo@state.gov.",
        "Sécurité ÉTAT Ölüdeniz naïve façade",
        "don’t — “quoted” … 1,000,000 a_b",
        "Москва—Киев 日本語 İstanbul",
        "",
    ],
)
def test_words_are_cut_and_folded_like_snippets(text: str) -> None:
    assert words(text) == _reference(text)


# Compatibility forms (¼, ², ⑴) decompose into several words here, one word there: both
# sides of PostgreSQL's index cut them alike, which is what counts.
@given(st.text(alphabet=st.characters(codec="latin-1", exclude_categories=("No",)), max_size=200))
def test_words_match_snippets_on_any_latin_text(text: str) -> None:
    assert words(text) == _reference(text)


def test_vectors_give_positions_weights_and_gaps() -> None:
    literal = tsvector((["iran", "talks"], "A"), (["talks", "resumed"], ""))
    # Sorted by word, then position; one position left free between the two parts.
    assert literal.split() == ["iran:1A", "resumed:5", "talks:2A", "talks:4"]
    assert tsvector(([], "A")) == ""


def test_odd_words_are_quoted() -> None:
    literal = tsvector(([r"it's", "back\\slash", "plain"], ""))
    assert "'it''s':1" in literal and "'back\\\\slash':2" in literal and "'plain':3" in literal


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("iran", "'iran'"),
        ("sanction*", "'sanction':*"),
        ('"nuclear program"', "('nuclear' <-> 'program')"),
        ("u.s.-iran*", "('u' <-> 's' <-> 'iran':*)"),
        ("iran NOT nuclear", "('iran') & !('nuclear')"),
        ("iran OR '", "('iran')"),
        ("iran AND '", NOTHING),
        ("' OR ;", NOTHING),
        ("tag:PREL", None),
    ],
)
def test_queries(query: str, expected: str | None) -> None:
    assert tsquery(parse_query(query)) == expected


def test_relaxed_queries_only_loosen() -> None:
    assert relaxed(parse_query('"nuclear program"')) == "('nuclear' & 'program')"
    assert relaxed(parse_query("(iran OR syria*) NOT nuclear")) == "((('iran') | ('syria':*)))"


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("iran", "Talks with Iran resumed.", True),
        ("iran", "Iranian talks", False),
        ("iran*", "Iranian talks", True),
        ('"talks resumed"', "Talks resumed today", True),
        ('"talks resumed"', "Resumed talks today", False),
        ("iran NOT nuclear", "Iran and nuclear talks", False),
        ("iran NOT nuclear", "Iran talks", True),
        ("(iran OR syria) talks", "Syria talks", True),
        ("'", "anything", False),
    ],
)
def test_paragraph_matching(query: str, text: str, expected: bool) -> None:
    assert matches(parse_query(query), words(text)) is expected


# -- binary vectors ---------------------------------------------------------------------------
def _decoded(data: bytes) -> dict[str, list[tuple[int, str]]]:
    """PostgreSQL's binary `tsvector` (``tsvectorsend`` layout) back to word → positions."""
    count, at, found = int.from_bytes(data[:4], "big"), 4, {}
    for _ in range(count):
        end = data.index(b"\0", at)
        word, at = data[at:end].decode(), end + 1
        npos, at = int.from_bytes(data[at : at + 2], "big"), at + 2
        entries = [int.from_bytes(data[at + 2 * i : at + 2 * i + 2], "big") for i in range(npos)]
        at += 2 * npos
        found[word] = [(e & 0x3FFF, "DCBA"[e >> 14]) for e in entries]
    assert at == len(data)
    assert list(found) == sorted(found, key=lambda w: w.encode())  # byte order
    return found


def _from_literal(literal: str) -> dict[str, list[tuple[int, str]]]:
    """The text form (`tsvector`, plain words only) read the same way."""
    found: dict[str, list[tuple[int, str]]] = {}
    for entry in literal.split():
        word, position = entry.rsplit(":", 1)
        weight = position[-1] if position[-1] in "ABC" else "D"
        found.setdefault(word, []).append((int(position.rstrip("ABC")), weight))
    return {word: sorted(found[word]) for word in sorted(found)}


@pytest.mark.parametrize(
    "parts",
    [
        [
            (["Iran", "talks", "on", "the", "nuclear", "talks"], "A"),
            (["talks", "resumed", "in", "Vienna"], ""),
        ],
        [([], "A"), (words("Sécurité ÉTAT naïve façade 08STATE1234 the the"), "")],
        [(["london", "embassy"], "A"), (["secstate", "washdc", "london"], "B")],
    ],
)
def test_binary_vectors_hold_what_the_text_form_says(parts: list) -> None:
    parts = [([w.lower() for w in found], weight) for found, weight in parts]
    assert _decoded(vector(*parts)) == _from_literal(tsvector(*parts))


def test_binary_vectors_keep_postgresql_limits() -> None:
    many = _decoded(vector((["the"] * 300 + ["end"], "")))
    assert [p for p, _ in many["the"]] == list(range(1, 257))  # 256 positions a word
    assert many["end"] == [(301, "D")]
    long = _decoded(vector((["filler"] * 17_000 + ["zyzzyva", "filler"], "A")))
    assert long["zyzzyva"] == [(16383, "A")]  # past the last position: clamped
    assert [p for p, _ in long["filler"]] == list(range(1, 257))
    cut = _decoded(vector((["x" * 3000], "")))
    assert list(cut) == ["x" * 2047]  # a word cut to 2,047 bytes
    assert _decoded(vector(([], "A"))) == {}
