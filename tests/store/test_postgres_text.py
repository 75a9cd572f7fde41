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
from cablescope.store.postgres_text import NOTHING, matches, relaxed, tsquery, tsvector, words

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
