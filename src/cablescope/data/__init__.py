"""Lookup tables shipped with the package (routing indicators, TAGS, acronyms).

Loaded lazily and once: parsing a single cable must not pay for tables it never uses.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("cablescope.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


@cache
def routing_indicators() -> dict[str, str]:
    """Routing indicator (``RUEHLO``) → station name (``AMEMBASSY LONDON``)."""
    text = resources.files("cablescope.data").joinpath("routing-indicators.csv").read_text(
        encoding="utf-8"
    )
    return {row[0].strip().upper(): row[1].strip() for row in csv.reader(text.splitlines()) if row}


@cache
def subject_tags() -> frozenset[str]:
    """Known subject TAGS (``PREL``, ``PGOV`` …)."""
    return frozenset(t.upper() for t in _lines("tags-subject.txt"))


@cache
def organization_tags() -> frozenset[str]:
    """Known organisation TAGS (``NATO``, ``UNSC`` …)."""
    return frozenset(t.upper() for t in _lines("tags-organization.txt"))


@cache
def acronyms() -> frozenset[str]:
    """Words that stay upper case in headline case."""
    return frozenset(_lines("acronyms.txt"))
