"""Placeholder: the classified_by rule (to be written)."""

from __future__ import annotations

from cablescope.parse.state import ParseState


def apply(state: ParseState) -> None:
    """Not written yet."""
