"""The query parameter `q`: the CLI's query language, with limits a public server needs.

A query is refused (400, with the position) when it does not parse, when it is longer than
`MAX_QUERY_CHARS`, when it has more than `MAX_QUERY_TERMS` terms, operators and brackets —
the parser recurses per bracket and NOT, and every term is a join or an FTS clause, so both
are capped before the query is parsed at all — or when it holds a control character (a NUL
ends an FTS5 string early, and no reader types one)."""

from __future__ import annotations

import re

from cablescope.api.errors import ApiError
from cablescope.search import QuerySyntaxError, parse_query
from cablescope.search.query import Node

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32

#: Control characters other than tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A rough token: a quoted phrase (closed or not), a bracket, or a run of other characters.
_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')


def bad_query(message: str, position: int, query: str) -> ApiError:
    return ApiError(400, f"bad query: {message}", position=position, query=query)


def check_size(query: str) -> None:
    """Raise 400 when `query` is too long, has too many parts or a control character."""
    control = _CONTROL.search(query)
    if control:
        raise bad_query(f"control character U+{ord(control.group()):04X}", control.start(), query)
    if len(query) > MAX_QUERY_CHARS:
        raise bad_query(f"longer than {MAX_QUERY_CHARS} characters", MAX_QUERY_CHARS, query)
    for count, token in enumerate(_TOKEN.finditer(query), start=1):
        if count > MAX_QUERY_TERMS:
            raise bad_query(
                f"more than {MAX_QUERY_TERMS} terms, operators and brackets",
                token.start(),
                query,
            )


def parse(query: str) -> Node:
    """The parsed query; every way it can be refused is a 400 `ApiError`."""
    check_size(query)
    try:
        return parse_query(query)
    except QuerySyntaxError as exc:
        raise bad_query(exc.message, exc.position, query) from None


def parse_optional(query: str | None) -> Node | None:
    """None for no query or only blanks (every cable), else the parsed query."""
    if query is None or not query.strip():
        return None
    return parse(query)


__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "bad_query",
    "check_size",
    "parse",
    "parse_optional",
]
