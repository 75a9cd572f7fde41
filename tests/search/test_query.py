"""The query parser: each construct, each kind of syntax error, and no input that escapes as
anything but `QuerySyntaxError`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.ids import canonical_id
from cablescope.model import CLASSIFICATION_ORDER
from cablescope.search.query import (
    And,
    ClassRange,
    DateRange,
    Match,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    Term,
    parse_query,
)

RANK = {level: rank for rank, level in enumerate(CLASSIFICATION_ORDER)}


def test_words_are_anded_implicitly_and_explicitly() -> None:
    assert parse_query("iran") == Term("iran")
    assert parse_query("iran nuclear") == And((Term("iran"), Term("nuclear")))
    assert parse_query("iran AND nuclear") == parse_query("iran nuclear")


def test_lower_case_operators_are_words() -> None:
    assert parse_query("war and peace") == And((Term("war"), Term("and"), Term("peace")))


def test_or_binds_looser_than_and() -> None:
    assert parse_query("a b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert parse_query("a (b OR c)") == And((Term("a"), Or((Term("b"), Term("c")))))


def test_not_and_nesting() -> None:
    assert parse_query("iran NOT nuclear") == And((Term("iran"), Not(Term("nuclear"))))
    assert parse_query("NOT NOT x") == Not(Not(Term("x")))
    assert parse_query("NOT (a OR b)") == Not(Or((Term("a"), Term("b"))))


def test_phrases_and_prefixes() -> None:
    assert parse_query('"nuclear   program"') == Phrase("nuclear program")
    assert parse_query("sanction*") == Term("sanction", prefix=True)
    assert parse_query('"a" b*') == And((Phrase("a"), Term("b", prefix=True)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from:London", Match("from", "London")),
        ('from:"Embassy London"', Match("from", "Embassy London")),
        ('to:"SECSTATE WASHDC"', Match("to", "SECSTATE WASHDC")),
        ("tag:prel", Match("tag", "PREL")),
        ("tag:P*", Match("tag", "P", prefix=True)),
        ("signer:Tuttle", Match("signer", "Tuttle")),
        ("caption:NOFORN", Match("caption", "NOFORN")),
        ("para:S", Match("para", "S")),
        ("para:C/NF", Match("para", "C/NF")),
        ("ref:05RIO123", Match("ref", canonical_id("05RIO123"))),
        ("TAG:PREL", Match("tag", "PREL")),
    ],
)
def test_text_filters(query: str, expected: Match) -> None:
    assert parse_query(query) == expected


def test_ref_is_canonicalised() -> None:
    node = parse_query("ref:08state0012345")
    assert isinstance(node, Match) and node.value == canonical_id("08STATE12345")


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("date:2008", "2008-01-01", "2009-01-01"),
        ("date:2008-02", "2008-02-01", "2008-03-01"),
        ("date:2008-12", "2008-12-01", "2009-01-01"),
        ("date:2008-02-29", "2008-02-29", "2008-03-01"),
        ("date:2008-01..2009-06", "2008-01-01", "2009-07-01"),
        ("date:2008..", "2008-01-01", None),
        ("date:..2009-06-15", None, "2009-06-16"),
        ("date>=2009", "2009-01-01", None),
        ("date>2009", "2010-01-01", None),
        ("date<2009", None, "2009-01-01"),
        ("date<=2009-03", None, "2009-04-01"),
    ],
)
def test_dates(query: str, start: str | None, end: str | None) -> None:
    assert parse_query(query) == DateRange(start, end)


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [
        ("class:SECRET", "SECRET", "SECRET"),
        ("class:secret", "SECRET", "SECRET"),
        ("class:S", "SECRET", "SECRET"),
        ('class:"SECRET//NOFORN"', "SECRET//NOFORN", "SECRET//NOFORN"),
        ("class>=CONFIDENTIAL", "CONFIDENTIAL", None),
        ("class<=CONFIDENTIAL", None, "CONFIDENTIAL"),
        ("class:CONFIDENTIAL..SECRET", "CONFIDENTIAL", "SECRET"),
    ],
)
def test_classes(query: str, low: str | None, high: str | None) -> None:
    expected = ClassRange(RANK[low] if low else None, RANK[high] if high else None)
    assert parse_query(query) == expected


def test_strict_class_comparisons_step_one_rank() -> None:
    assert parse_query("class>SECRET") == ClassRange(RANK["SECRET"] + 1, None)
    assert parse_query("class<SECRET") == ClassRange(None, RANK["SECRET"] - 1)


def test_filters_mix_with_text() -> None:
    node = parse_query("iran (tag:PREL OR tag:PGOV) NOT from:London date:2009")
    assert node == And(
        (
            Term("iran"),
            Or((Match("tag", "PREL"), Match("tag", "PGOV"))),
            Not(Match("from", "London")),
            DateRange("2009-01-01", "2010-01-01"),
        )
    )


@pytest.mark.parametrize(
    ("query", "position", "words"),
    [
        ("", 0, "empty"),
        ("   ", 3, "empty"),
        ("(iran", 0, "missing ')'"),
        ("(a (b)", 0, "missing ')'"),
        ("iran)", 4, "unmatched ')'"),
        ("()", 1, "empty parentheses"),
        ('"nuclear program', 0, "unclosed quote"),
        ('from:"Embassy', 5, "unclosed quote"),
        ('""', 0, "empty phrase"),
        ("iran AND", 8, "after AND"),
        ("iran OR", 7, "after OR"),
        ("NOT", 3, "after NOT"),
        ("OR iran", 0, "OR needs a term"),
        ("iran AND OR x", 9, "OR needs a term"),
        ("(AND x)", 1, "AND needs a term"),
        ("(x OR)", 5, "before ')'"),
        ("foo:bar", 0, "unknown field 'foo'"),
        ("iran subject:x", 5, "unknown field"),
        ("tag:", 4, "needs a value"),
        ("date:2008-13", 5, "no such date"),
        ("date:2009-02-30", 5, "no such date"),
        ("date:08", 5, "bad date"),
        ("date:2008..2009-13", 11, "no such date"),
        ("date:2009..2008", 5, "ends before it starts"),
        ("date:..", 5, "at least one end"),
        ("class:SEKRET", 6, "unknown classification"),
        ("class>=X", 7, "unknown classification"),
        ("tag>=PREL", 3, "takes ':'"),
        ("*", 0, "'*' must follow"),
        ("tag:*", 4, "more than '*'"),
        ("iran\x00x", 4, "NUL character"),
    ],
)
def test_syntax_errors_point_at_the_trouble(query: str, position: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    error = caught.value
    assert words in error.message
    assert error.position == position
    assert error.caret().splitlines()[-1] == " " * position + "^"
    assert error.caret().splitlines()[0] == query


_ALPHABET = st.sampled_from(
    [*'abcSE ()"*:.-<>=/', "AND", "OR", "NOT", "tag:", "date:", "class", "from:", "para:"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=12).map("".join) | st.text(max_size=40))
def test_any_string_parses_or_raises_a_syntax_error(query: str) -> None:
    try:
        parse_query(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(query)
