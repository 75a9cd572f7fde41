"""The Cable record: what every reader produces and every later stage consumes.

Plain slotted dataclasses keep parsing fast and `to_dict()` cheap; the dict is the
JSON contract of `docs/cable-record.md` (absent values are ``None`` / ``[]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Portion marking letters → classification level word.
MARKING_LEVELS: dict[str, str] = {
    "U": "UNCLASSIFIED",
    "SBU": "SENSITIVE BUT UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "S": "SECRET",
    "TS": "TOP SECRET",
}

#: Classification levels from lowest to highest, for range filters and comparisons.
CLASSIFICATION_ORDER: tuple[str, ...] = (
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "SENSITIVE BUT UNCLASSIFIED",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "SECRET",
    "SECRET//NOFORN",
    "TOP SECRET",
)


@dataclass(slots=True)
class Problem:
    """Something the parser could not read cleanly; `line` is 1-based in the source."""

    field: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "line": self.line}


@dataclass(slots=True)
class Recipient:
    """One addressee (or the sender) of the routing header.

    `name` is what the cable says; `station` is the routing indicator's decoded
    station name, filled only where it differs from `name`.
    """

    route: str | None
    name: str
    precedence: str | None = None
    mcn: str | None = None
    excluded: list[str] = field(default_factory=list)
    station: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "name": self.name,
            "precedence": self.precedence,
            "mcn": self.mcn,
            "excluded": list(self.excluded),
            "station": self.station,
        }


@dataclass(slots=True)
class Reference:
    """An entry of the REF: block. `kind` is CABLE, EMAIL, BOOK, TEL or REPORT."""

    value: str
    kind: str = "CABLE"
    bullet: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "kind": self.kind, "bullet": self.bullet, "title": self.title}


@dataclass(slots=True)
class Precedence:
    """Action and info precedence from the date-time-group line (``O P 232203Z``)."""

    action: str | None = None
    info: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "info": self.info}


@dataclass(slots=True)
class ClassifiedBy:
    """The ``Classified By:`` line: who classified, their title and the E.O. reasons."""

    names: list[str] = field(default_factory=list)
    title: str | None = None
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"names": list(self.names), "title": self.title, "reasons": list(self.reasons)}


@dataclass(slots=True)
class Paragraph:
    """A numbered paragraph with its portion marking decoded."""

    number: int | None
    text: str
    marking: str | None = None
    classification: str | None = None
    noforn: bool = False
    releasable_to: list[str] = field(default_factory=list)
    heading: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "marking": self.marking,
            "classification": self.classification,
            "noforn": self.noforn,
            "releasable_to": list(self.releasable_to),
            "heading": self.heading,
            "text": self.text,
            "line": self.line,
        }


@dataclass(slots=True)
class SourceInfo:
    """Where a record came from: file (or archive member), its format and position."""

    name: str | None = None
    format: str | None = None
    line: int | None = None
    offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "format": self.format, "line": self.line, "offset": self.offset}


@dataclass(slots=True)
class Cable:
    """One parsed cable. Every field is optional: a partial parse is still a record."""

    id: str | None = None
    published_id: str | None = None
    origin: str | None = None
    date: str | None = None
    released: str | None = None
    dtg: str | None = None
    classification: str | None = None
    transmission_id: str | None = None
    precedence: Precedence = field(default_factory=Precedence)
    sender: Recipient | None = None
    to: list[Recipient] = field(default_factory=list)
    info: list[Recipient] = field(default_factory=list)
    sections: int | None = None
    captions: list[str] = field(default_factory=list)
    subject: str | None = None
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    classified_by: ClassifiedBy | None = None
    declassify_on: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    summary: str | None = None
    comments: list[str] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)
    redactions: int = 0
    body: str = ""
    header: str = ""
    problems: list[Problem] = field(default_factory=list)
    synthetic: bool = False
    source: SourceInfo = field(default_factory=SourceInfo)
    raw: str = ""

    def to_dict(self, *, include_raw: bool = False) -> dict[str, Any]:
        """The JSON record; `raw` (the text as read) only on request, it doubles the size."""
        record: dict[str, Any] = {
            "id": self.id,
            "published_id": self.published_id,
            "origin": self.origin,
            "date": self.date,
            "released": self.released,
            "dtg": self.dtg,
            "classification": self.classification,
            "transmission_id": self.transmission_id,
            "precedence": self.precedence.to_dict(),
            "sender": self.sender.to_dict() if self.sender else None,
            "to": [r.to_dict() for r in self.to],
            "info": [r.to_dict() for r in self.info],
            "sections": self.sections,
            "captions": list(self.captions),
            "subject": self.subject,
            "title": self.title,
            "tags": list(self.tags),
            "references": [r.to_dict() for r in self.references],
            "classified_by": self.classified_by.to_dict() if self.classified_by else None,
            "declassify_on": self.declassify_on,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "summary": self.summary,
            "comments": list(self.comments),
            "signers": list(self.signers),
            "redactions": self.redactions,
            "body": self.body,
            "header": self.header,
            "problems": [p.to_dict() for p in self.problems],
            "synthetic": self.synthetic,
            "source": self.source.to_dict(),
        }
        if include_raw:
            record["raw"] = self.raw
        return record
