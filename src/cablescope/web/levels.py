"""Classification levels as the reading view shows them: a rank, a CSS class and a label.

A paragraph's level is its portion marking's level, plus NOFORN where marked (``C//NF`` is
CONFIDENTIAL//NOFORN). An unmarked paragraph takes the cable's overall classification: that
is the rule for unmarked portions, and it errs on the side of withholding.
"""

from __future__ import annotations

from typing import Any

from cablescope.model import CLASSIFICATION_ORDER
from cablescope.search.query import class_rank

#: CSS class suffix of each level (``lvl-s``): short, stable, safe in an attribute.
LEVEL_SLUGS: dict[str, str] = {
    "UNCLASSIFIED": "u",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": "fouo",
    "SENSITIVE BUT UNCLASSIFIED": "sbu",
    "CONFIDENTIAL": "c",
    "CONFIDENTIAL//NOFORN": "cnf",
    "SECRET": "s",
    "SECRET//NOFORN": "snf",
    "TOP SECRET": "ts",
}
UNKNOWN_SLUG = "unknown"

_NOFORN_OF = {"CONFIDENTIAL": "CONFIDENTIAL//NOFORN", "SECRET": "SECRET//NOFORN"}


def canonical_level(text: str | None) -> str | None:
    """The level in `CLASSIFICATION_ORDER` for a name or alias (``S//NF``), else None."""
    if not text:
        return None
    rank = class_rank(text)
    return None if rank is None else CLASSIFICATION_ORDER[rank]


def rank_of(level: str | None) -> int | None:
    """0 for UNCLASSIFIED up to TOP SECRET; None for a level the order does not know."""
    canonical = canonical_level(level)
    return None if canonical is None else CLASSIFICATION_ORDER.index(canonical)


def slug_of(level: str | None) -> str:
    return LEVEL_SLUGS.get(canonical_level(level) or "", UNKNOWN_SLUG)


def paragraph_level(paragraph: dict[str, Any], cable_level: str | None) -> str | None:
    """The level a paragraph is held at (see the module docstring for unmarked ones)."""
    level = canonical_level(paragraph.get("classification"))
    if level is None:
        return canonical_level(cable_level) or cable_level
    if paragraph.get("noforn"):
        return _NOFORN_OF.get(level, level)
    return level


def withheld(level: str | None, cleared_rank: int | None) -> bool:
    """Whether a reader cleared to `cleared_rank` may not read text held at `level`.

    A level the order does not know is withheld from anyone with a clearance chosen: an
    unknown marking is no proof that the text is releasable."""
    if cleared_rank is None:
        return False
    rank = rank_of(level)
    return rank is None or rank > cleared_rank


__all__ = [
    "LEVEL_SLUGS",
    "UNKNOWN_SLUG",
    "canonical_level",
    "paragraph_level",
    "rank_of",
    "slug_of",
    "withheld",
]
