"""The search query language, parsed by hand into a backend-neutral tree.

    iran "nuclear program" AND (tag:PREL OR tag:PGOV) NOT from:London
    class>=CONFIDENTIAL date:2008-01..2009-06 ref:08STATE1234 para:S sanction*

Grammar (AND binds tighter than OR; juxtaposition is AND; operators are upper case, so
"and"/"or"/"not" in lower case are plain words)::

    query   := or EOF
    or      := and (OR and)*
    and     := unary ((AND)? unary)*
    unary   := NOT unary | primary
    primary := "(" or ")" | WORD | WORD* | "PHRASE" | FIELD(:|=|>=|<=|>|<)VALUE

Every syntax error is a `QuerySyntaxError` carrying the character position, so a caller can
draw a caret under the query; nothing else escapes `parse_query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cablescope.ids import canonical_id
from cablescope.model import CLASSIFICATION_ORDER


class QuerySyntaxError(ValueError):
    """A query that does not parse; `position` is the 0-based offset of the trouble."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        self.message = message
        self.position = position
        self.query = query
        super().__init__(f"{message} (at position {position})")

    def caret(self) -> str:
        """The query with a caret under the offending character, for terminals."""
        return f"{self.query}\n{' ' * self.position}^"


# -- the tree -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Term:
    """One word; `prefix` for ``word*``."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear in this order, next to each other."""

    text: str


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class Match:
    """A text-valued filter: ``from``, ``to``, ``tag``, ``ref``, ``signer``, ``caption``,
    ``para``. `prefix` when the value ended in ``*``."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class DateRange:
    """``start`` inclusive, ``end`` exclusive, ISO dates; None is open."""

    start: str | None
    end: str | None


@dataclass(frozen=True, slots=True)
class ClassRange:
    """Inclusive ranks in `CLASSIFICATION_ORDER`; None is open."""

    low: int | None
    high: int | None


Node = Term | Phrase | And | Or | Not | Match | DateRange | ClassRange

TEXT_FIELDS = frozenset({"from", "to", "tag", "ref", "signer", "caption", "para"})
FIELDS = TEXT_FIELDS | {"date", "class"}

#: Short names a reader types for classification levels.
CLASS_ALIASES: dict[str, str] = {
    "U": "UNCLASSIFIED",
    "FOUO": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "U//FOUO": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "SBU": "SENSITIVE BUT UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "C//NF": "CONFIDENTIAL//NOFORN",
    "C/NF": "CONFIDENTIAL//NOFORN",
    "S": "SECRET",
    "S//NF": "SECRET//NOFORN",
    "S/NF": "SECRET//NOFORN",
    "TS": "TOP SECRET",
}
_CLASS_RANK = {level: rank for rank, level in enumerate(CLASSIFICATION_ORDER)}


# -- tokens ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # WORD PHRASE FIELD AND OR NOT ( ) EOF
    text: str
    position: int
    field: str = ""
    op: str = ""
    value_position: int = 0


_SPACE = re.compile(r"\s+")
_BARE = re.compile(r'[^\s()"]+')
_FIELD = re.compile(r"([A-Za-z]+)(>=|<=|:|=|>|<)")
_OPERATORS = {"AND", "OR", "NOT"}


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(query):
        space = _SPACE.match(query, at)
        if space:
            at = space.end()
            continue
        char = query[at]
        if char in "()":
            tokens.append(_Token(char, char, at))
            at += 1
        elif char == '"':
            text, end = _quoted(query, at)
            tokens.append(_Token("PHRASE", text, at))
            at = end
        else:
            field = _FIELD.match(query, at)
            if field:
                token, at = _field_token(query, at, field)
                tokens.append(token)
                continue
            word = _BARE.match(query, at)
            assert word is not None  # at is not space, paren or quote
            text = word.group()
            tokens.append(_Token(text if text in _OPERATORS else "WORD", text, at))
            at = word.end()
    tokens.append(_Token("EOF", "", len(query)))
    return tokens


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and its partner, and the offset after it."""
    end = query.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError('unclosed quote: add a closing "', start, query)
    return query[start + 1 : end], end + 1


def _field_token(query: str, start: int, field: re.Match[str]) -> tuple[_Token, int]:
    """A ``name:value`` token (value bare or quoted) and the offset after it."""
    name, op = field.group(1).lower(), field.group(2)
    if name not in FIELDS:
        known = ", ".join(sorted(FIELDS))
        raise QuerySyntaxError(f"unknown field {name!r} (known: {known})", start, query)
    value_at = field.end()
    if query[value_at : value_at + 1] == '"':
        value, end = _quoted(query, value_at)
    else:
        bare = _BARE.match(query, value_at)
        value, end = (bare.group(), bare.end()) if bare else ("", value_at)
    if not value.strip():
        raise QuerySyntaxError(f"{name}{op} needs a value", value_at, query)
    return _Token("FIELD", value, start, name, op, value_at), end


# -- parser ---------------------------------------------------------------------------------
class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def error(self, message: str, token: _Token) -> QuerySyntaxError:
        return QuerySyntaxError(message, token.position, self.query)

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise self.error("empty query", self.peek())
        node = self.or_expr()
        token = self.peek()
        if token.kind == ")":
            raise self.error("unmatched ')'", token)
        if token.kind != "EOF":  # pragma: no cover - or_expr stops only at ) or EOF
            raise self.error(f"unexpected {token.text!r}", token)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek().kind not in ("OR", ")", "EOF"):
            if self.peek().kind == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            if self.peek().kind == ")":
                raise self.error("empty parentheses", self.peek())
            node = self.or_expr()
            if self.peek().kind != ")":
                raise self.error("missing ')' for this '('", token)
            self.take()
            return node
        if token.kind == "WORD":
            return _word(token, self.query)
        if token.kind == "PHRASE":
            if not token.text.strip():
                raise self.error("empty phrase", token)
            return Phrase(" ".join(token.text.split()))
        if token.kind == "FIELD":
            return _field(token, self.query)
        if token.kind == "EOF":
            previous = self.tokens[self.at - 2].text if self.at >= 2 else ""
            where = f" after {previous}" if previous in _OPERATORS else ""
            raise self.error(f"the query ends where a term was expected{where}", token)
        if token.kind == ")":
            raise self.error("expected a term before ')'", token)
        raise self.error(f"{token.text} needs a term on its left", token)


def _word(token: _Token, query: str) -> Term:
    text = token.text
    prefix = text.endswith("*")
    stem = text.rstrip("*")
    if not stem:
        raise QuerySyntaxError("'*' must follow a word prefix", token.position, query)
    return Term(stem, prefix)


def _field(token: _Token, query: str) -> Node:
    value, at = token.text.strip(), token.value_position
    if token.field == "date":
        return _date_filter(token.op, value, at, query)
    if token.field == "class":
        return _class_filter(token.op, value, at, query)
    if token.op != ":" and token.op != "=":
        raise QuerySyntaxError(
            f"{token.field}: takes ':', not {token.op!r}", at - len(token.op), query
        )
    prefix = value.endswith("*")
    value = value.rstrip("*")
    if not value:
        raise QuerySyntaxError(f"{token.field}: needs more than '*'", at, query)
    if token.field == "ref":
        value = canonical_id(value)
    if token.field == "tag":
        value = value.upper()
    return Match(token.field, value, prefix)


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _period(text: str, at: int, query: str) -> tuple[date, date]:
    """``2008`` / ``2008-06`` / ``2008-06-30`` → (first day, day after the last)."""
    match = _DATE.fullmatch(text)
    if not match:
        raise QuerySyntaxError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD", at, query)
    year = int(match.group(1))
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31) + timedelta(days=1)
        if day is None:
            first = date(year, month, 1)
            return first, (first + timedelta(days=31)).replace(day=1)
        day_date = date(year, month, day)
        return day_date, day_date + timedelta(days=1)
    except (ValueError, OverflowError):
        raise QuerySyntaxError(f"no such date {text!r}", at, query) from None


def _date_filter(op: str, value: str, at: int, query: str) -> DateRange:
    if op in (":", "="):
        low_text, dots, high_text = value.partition("..")
        if not dots:
            start, end = _period(value, at, query)
            return DateRange(start.isoformat(), end.isoformat())
        if not low_text and not high_text:
            raise QuerySyntaxError("a date range needs at least one end", at, query)
        low = _period(low_text, at, query)[0].isoformat() if low_text else None
        high_at = at + len(low_text) + 2
        high = _period(high_text, high_at, query)[1].isoformat() if high_text else None
        if low and high and low >= high:
            raise QuerySyntaxError("the date range ends before it starts", at, query)
        return DateRange(low, high)
    start, end = _period(value, at, query)
    bounds = {
        ">=": (start, None),
        ">": (end, None),
        "<": (None, start),
        "<=": (None, end),
    }[op]
    return DateRange(*(d.isoformat() if d else None for d in bounds))


def class_rank(text: str) -> int | None:
    """The rank of a classification as typed (``secret``, ``S//NF``, ``confidential``)."""
    key = " ".join(text.upper().replace("_", " ").split())
    return _CLASS_RANK.get(CLASS_ALIASES.get(key, key))


def _class_filter(op: str, value: str, at: int, query: str) -> ClassRange:
    low_text, dots, high_text = value.partition("..")
    if dots and op in (":", "="):
        low = _rank(low_text, at, query) if low_text else None
        high = _rank(high_text, at + len(low_text) + 2, query) if high_text else None
        if low is None and high is None:
            raise QuerySyntaxError("a class range needs at least one end", at, query)
        return ClassRange(low, high)
    rank = _rank(value, at, query)
    bounds = {
        ":": (rank, rank),
        "=": (rank, rank),
        ">=": (rank, None),
        ">": (rank + 1, None),
        "<=": (None, rank),
        "<": (None, rank - 1),
    }[op]
    return ClassRange(*bounds)


def _rank(text: str, at: int, query: str) -> int:
    rank = class_rank(text)
    if rank is None:
        levels = ", ".join(CLASSIFICATION_ORDER)
        raise QuerySyntaxError(f"unknown classification {text!r} (levels: {levels})", at, query)
    return rank


def parse_query(query: str) -> Node:
    """The tree of `query`; raises `QuerySyntaxError` (never anything else) when it is bad."""
    if "\x00" in query:  # a NUL would end the full-text query string inside SQLite
        raise QuerySyntaxError("NUL character in query", query.index("\x00"), query)
    return _Parser(query).parse()


__all__ = [
    "CLASS_ALIASES",
    "FIELDS",
    "And",
    "ClassRange",
    "DateRange",
    "Match",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QuerySyntaxError",
    "Term",
    "class_rank",
    "parse_query",
]
