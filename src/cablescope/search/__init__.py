"""Search: the query language (`query`) and the result types every backend returns."""

from cablescope.search.query import QuerySyntaxError, parse_query
from cablescope.search.results import SearchHit, SearchPage

__all__ = ["QuerySyntaxError", "SearchHit", "SearchPage", "parse_query"]
