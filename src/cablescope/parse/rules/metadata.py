"""What the publication says about the cable outside its text: id, date, origin, class.

Runs first: later rules need the year (references date their serials with it) and the id
(page furniture repeats it). The format readers hand metadata over as written, so values
are normalised here: the id canonicalised (with a problem when it had to be repaired),
dates to ISO ``YYYY-MM-DD``, the classification to the corpus spelling
(``SECRET//NOFORN``, ``UNCLASSIFIED//FOR OFFICIAL USE ONLY``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cablescope.ids import canonical_id, split_id, year_of_id
from cablescope.parse.formats.common import iso_date
from cablescope.parse.state import ParseState

#: Level words as publications abbreviate them.
_LEVELS = {
    "U": "UNCLASSIFIED",
    "UNCLAS": "UNCLASSIFIED",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "S": "SECRET",
    "SECRET": "SECRET",
    "TS": "TOP SECRET",
    "TOP SECRET": "TOP SECRET",
    "SBU": "SENSITIVE BUT UNCLASSIFIED",
    "SENSITIVE BUT UNCLASSIFIED": "SENSITIVE BUT UNCLASSIFIED",
    "LOU": "LIMITED OFFICIAL USE",
    "LIMITED OFFICIAL USE": "LIMITED OFFICIAL USE",
}
#: Caveats after the level.
_CAVEATS = {
    "FOUO": "FOR OFFICIAL USE ONLY",
    "FOR OFFICIAL USE ONLY": "FOR OFFICIAL USE ONLY",
    "NF": "NOFORN",
    "NOFORN": "NOFORN",
}
_LEVELS_LONGEST_FIRST = sorted(_LEVELS, key=len, reverse=True)
_CLASS_SPLIT = re.compile(r"\s*//?\s*")
_SPACES = re.compile(r"\s+")


def normalize_classification(value: Any) -> str | None:
    """The classification as the corpus writes it: ``secret//noforn`` → ``SECRET//NOFORN``."""
    if value is None:
        return None
    return _normalize_classification_text(str(value))


@lru_cache(maxsize=1024)
def _normalize_classification_text(value: str) -> str | None:
    """`normalize_classification` of a string (cached: a corpus uses a handful of values)."""
    text = _SPACES.sub(" ", value).strip().upper()
    if not text:
        return None
    parts = [p for p in _CLASS_SPLIT.split(text) if p]
    if not parts:
        return None
    head = parts[0]
    rest = parts[1:]
    if head not in _LEVELS:
        # "SECRET NOFORN", "UNCLASSIFIED FOR OFFICIAL USE ONLY": a caveat after a space.
        for word in _LEVELS_LONGEST_FIRST:
            tail = head[len(word):].strip()
            if head.startswith(word + " ") and tail in _CAVEATS:
                head, rest = word, [tail, *rest]
                break
    level = _LEVELS.get(head, head)
    caveats = [_CAVEATS.get(part, part) for part in rest]
    return "//".join([level, *caveats])


def year_from(date: str | None, cable_id: str | None) -> int | None:
    """The 4-digit year: from the ISO date, else from the id's 2-digit year."""
    if date and date[:4].isdigit():
        return int(date[:4])
    if cable_id:
        return year_of_id(cable_id)
    return None


def apply(state: ParseState) -> None:
    """Copy the publication's metadata onto the cable, normalised."""
    metadata = state.doc.metadata or {}
    cable = state.cable
    raw_id = metadata.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        cable.published_id = raw_id.strip()
        cable.id = canonical_id(raw_id)
        if "".join(split_id(raw_id) or ()) != cable.id:
            state.problem("id", f"malformed id {raw_id.strip()!r} read as {cable.id!r}")
    origin = metadata.get("origin")
    if isinstance(origin, str) and origin.strip():
        cable.origin = " ".join(origin.split())
    for key in ("date", "released"):
        raw = metadata.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value = iso_date(str(raw))
        if value is None:
            state.problem(key, f"unreadable {key} {str(raw)[:40]!r}")
        setattr(cable, key, value)
    classification = normalize_classification(metadata.get("classification"))
    if classification:
        cable.classification = classification
    subject = metadata.get("subject")
    if isinstance(subject, str) and subject.strip():
        state.scratch["metadata_subject"] = " ".join(subject.split())
    state.year = year_from(cable.date, cable.id)
