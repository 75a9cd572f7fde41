"""Search URLs built from query text: the whole state of the search page lives in its URL.

A facet value, a histogram bar or a TAGS link is a filter term (``tag:PREL``,
``from:"Embassy London"``, ``date:2008``) added to the query text the reader typed, so every
result page is an ordinary, shareable GET URL and the back button just works.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from cablescope.search.query import Or, QuerySyntaxError, class_rank, parse_query

#: Facet name (as the store names it) → the query field that filters on it.
FACET_FIELDS: dict[str, str] = {
    "origin": "from",
    "classification": "class",
    "year": "date",
    "month": "date",
    "tag": "tag",
    "recipient": "to",
    "signer": "signer",
}
_BARE_VALUE = re.compile(r'[^\s()"*]+')
_DATE_TERM = re.compile(r'(?<!\S)date(?:>=|<=|:|=|>|<)(?:"[^"]*"|\S+)', re.I)
_SPACES = re.compile(r"\s+")


def term(field: str, value: str) -> str | None:
    """``field:value`` as the query language reads it (quoted when needed); None when the
    value cannot be written as a filter (a double quote inside, an unknown level)."""
    value = " ".join(value.split())
    if not value or '"' in value or "\x00" in value or value.endswith("*"):
        return None
    if field == "class" and class_rank(value) is None:
        return None
    if _BARE_VALUE.fullmatch(value) and value.upper() not in ("AND", "OR", "NOT"):
        return f"{field}:{value}"
    return f'{field}:"{value}"'


def facet_term(facet: str, value: str) -> str | None:
    """The filter term for one facet value (``recipient`` → ``to:"SECSTATE WASHDC"``)."""
    field = FACET_FIELDS.get(facet)
    return None if field is None else term(field, value)


def _tidy(query: str) -> str:
    return _SPACES.sub(" ", query).strip()


def has_term(query: str, filter_term: str) -> bool:
    """Whether `filter_term` stands in `query` as a whole token."""
    return re.search(rf"(?<!\S){re.escape(filter_term)}(?!\S)", query) is not None


def add_term(query: str, filter_term: str) -> str:
    """`query` narrowed by `filter_term`; a top-level OR is bracketed first, because a term
    juxtaposed to ``a OR b`` would bind to ``b`` alone."""
    query = _tidy(query)
    if not query:
        return filter_term
    if has_term(query, filter_term):
        return query
    try:
        wrap = isinstance(parse_query(query), Or)
    except QuerySyntaxError:
        wrap = False
    return f"({query}) {filter_term}" if wrap else f"{query} {filter_term}"


def remove_term(query: str, filter_term: str) -> str:
    """`query` without the token `filter_term` (undoing `add_term`)."""
    pattern = rf"(?<!\S){re.escape(filter_term)}(?!\S)"
    return _tidy(re.sub(pattern, " ", query))


def without_dates(query: str) -> str:
    """`query` without its ``date:`` filters, for a histogram that sets a new range."""
    return _tidy(_DATE_TERM.sub(" ", query))


def with_date(query: str, value: str) -> str:
    """`query` limited to the period `value` (``2008``, ``2008-01..2009-06``), replacing
    any date filter it had."""
    return add_term(without_dates(query), f"date:{value}")


def search_url(query: str = "", *, sort: str | None = None, offset: int = 0) -> str:
    """``/search?q=…`` with only the parameters that differ from the defaults."""
    params: list[tuple[str, str]] = []
    if query:
        params.append(("q", query))
    if sort:
        params.append(("sort", sort))
    if offset > 0:
        params.append(("offset", str(offset)))
    return "/search" + ("?" + urlencode(params) if params else "")


def cable_url(cable_id: str, **params: object) -> str:
    """``/cable/ID`` with query parameters (None values left out)."""
    base = "/cable/" + quote(cable_id, safe="")
    present = [(k, str(v)) for k, v in params.items() if v is not None]
    return base + ("?" + urlencode(present) if present else "")


__all__ = [
    "FACET_FIELDS",
    "add_term",
    "cable_url",
    "facet_term",
    "has_term",
    "remove_term",
    "search_url",
    "term",
    "with_date",
    "without_dates",
]
