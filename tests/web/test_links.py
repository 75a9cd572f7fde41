"""Search URLs built from query text: filter terms, adding and removing them, date ranges."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cablescope.search.query import And, DateRange, Match, Or, Term, parse_query
from cablescope.web import links


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("tag", "PREL", "tag:PREL"),
        ("from", "Embassy London", 'from:"Embassy London"'),
        ("class", "SECRET//NOFORN", "class:SECRET//NOFORN"),
        (
            "class",
            "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
            'class:"UNCLASSIFIED//FOR OFFICIAL USE ONLY"',
        ),
        ("signer", "OR", 'signer:"OR"'),
        ("to", "AMEMBASSY (X)", 'to:"AMEMBASSY (X)"'),
    ],
)
def test_terms_parse_back_to_the_value(field: str, value: str, expected: str) -> None:
    term = links.term(field, value)
    assert term == expected
    node = parse_query(term)
    if field == "class":
        assert node.low == node.high is not None
    else:
        assert node == Match(field, value)


@pytest.mark.parametrize(
    ("field", "value"), [("tag", 'SAY "HI"'), ("tag", ""), ("class", "PURPLE"), ("tag", "KZ*")]
)
def test_values_that_cannot_be_filters(field: str, value: str) -> None:
    assert links.term(field, value) is None


def test_adding_to_an_or_brackets_it() -> None:
    query = links.add_term("iran OR iraq", "tag:PREL")
    assert query == "(iran OR iraq) tag:PREL"
    assert parse_query(query) == And((Or((Term("iran"), Term("iraq"))), Match("tag", "PREL")))


def test_adding_twice_and_removing() -> None:
    once = links.add_term("iran", "tag:PREL")
    assert links.add_term(once, "tag:PREL") == once == "iran tag:PREL"
    assert links.remove_term(once, "tag:PREL") == "iran"
    assert links.remove_term("tag:PRELX iran", "tag:PREL") == "tag:PRELX iran"


def test_a_new_date_replaces_the_old() -> None:
    query = links.with_date("iran date:2008 date>=2001-02 tag:PREL", "2009-01..2009-06")
    assert query == "iran tag:PREL date:2009-01..2009-06"
    assert parse_query(query).items[-1] == DateRange("2009-01-01", "2009-07-01")


def test_search_url_leaves_defaults_out() -> None:
    assert links.search_url() == "/search"
    url = links.search_url('a "b" & c', sort="date", offset=40)
    assert parse_qs(urlsplit(url).query) == {"q": ['a "b" & c'], "sort": ["date"], "offset": ["40"]}
    assert links.cable_url("08LONDON3062", version=None) == "/cable/08LONDON3062"
    assert links.cable_url("A/B", version=2) == "/cable/A%2FB?version=2"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_value_is_a_valid_filter_or_none(value: str) -> None:
    term = links.term("signer", value)
    if term is not None:
        assert parse_query(term) == Match("signer", " ".join(value.split()))
