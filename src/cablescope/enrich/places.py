"""Places: countries (and their demonyms: "Pakistani" is a mention of Pakistan), capitals,
cities, posts of the routing-indicator table, provinces, regions and seas.

A place's `name` is canonical ("Pakistan" for "PAKISTANI", "Mumbai" for "Bombay") and its
`subtype` says which list it came from, so resolution can fold demonyms into countries.
"""

from __future__ import annotations

from cablescope.enrich.gazetteer import matches
from cablescope.enrich.state import FieldState

_PLACE = frozenset({"PLACE"})


def apply(state: FieldState) -> None:
    for i, j, entry in list(matches(state, _PLACE)):
        state.add(i, j, "PLACE", subtype=entry.subtype, name=entry.name, source="gazetteer")
