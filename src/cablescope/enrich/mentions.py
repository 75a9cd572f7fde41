"""What extraction finds: a `Mention` is one span of one field of one cable.

Offsets are character offsets into the field's own string (``record["subject"]``, a
paragraph's ``text`` or ``heading``, ``classified_by``), so ``field_text[m.start:m.end]
== m.text`` always holds and a store can keep mentions as plain rows next to paragraphs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: The kinds of entity, and how ACE-style gold files (History Lab's) name them.
KINDS = ("PERSON", "ORG", "PLACE", "EVENT")
GOLD_TYPES = {"PER": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE"}


@dataclass(slots=True)
class Mention:
    """One mention of a person, organisation, place or event in a cable field.

    `field` says which string the offsets index: ``subject``, ``heading`` or ``text`` (of
    paragraph `paragraph`, the number the cable gives it, at position `index` in the
    record's ``paragraphs``), ``classified_by``, ``signature`` or ``tags`` (the TAGS
    joined by single spaces). `marking` is the paragraph's portion marking as the cable
    writes it (``C/REL Pakistan``); `classification` its level word (``CONFIDENTIAL``),
    the cable's own for fields outside paragraphs. `key` is the normalised name tokens
    resolution starts from; `name` a canonical name when a gazetteer or definition knows
    one (``Pakistan`` for "Pakistani"); `role` a person's title as written.
    """

    text: str
    start: int
    end: int
    kind: str
    field: str = "text"
    paragraph: int | None = None
    index: int | None = None
    marking: str | None = None
    classification: str | None = None
    role: str | None = None
    subtype: str | None = None
    name: str | None = None
    key: tuple[str, ...] = ()
    source: str = ""
    tokens: tuple[int, int] = (0, 0)

    def to_row(self, cable_id: str, entity: str | None = None) -> dict[str, Any]:
        """A flat row for a mentions table: where, what, and the entity it belongs to."""
        row = asdict(self)
        row.pop("tokens")
        row["key"] = " ".join(self.key)
        row["cable_id"] = cable_id
        row["entity"] = entity
        return row
