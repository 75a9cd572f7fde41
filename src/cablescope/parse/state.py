"""The shared state every parse rule reads and writes, like markdown-it's StateCore.

A format reader turns its input into a `Document` (metadata + routing header + body text);
`ParseState` wraps it with the `Cable` being built and the helpers rules share: line
numbers for problems, and spans that earlier rules hand to later ones.

Invariant: a rule that rewrites `state.body` or `state.header` keeps its number of
newlines, so any offset still maps to the right source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cablescope.model import Cable, Problem, SourceInfo


@dataclass(slots=True)
class Document:
    """A cable as a format reader hands it over, before any field is parsed.

    `metadata` holds what the publication states outside the cable text, with these
    keys when known: ``id``, ``subject``, ``date`` (ISO), ``released`` (ISO),
    ``classification``, ``origin``, ``references`` (list of ids), ``tags`` (list).
    """

    format: str
    header: str = ""
    body: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    header_line: int = 1
    body_line: int = 1
    offset: int | None = None
    raw: str = ""
    synthetic: bool = False


class ParseState:
    """The cable under construction plus the text and scratch space rules share."""

    __slots__ = ("body", "cable", "doc", "header", "preamble_end", "scratch", "year")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.header: str = doc.header
        self.body: str = doc.body
        self.cable = Cable(
            header=doc.header,
            raw=doc.raw or (doc.header + "\n" + doc.body if doc.header else doc.body),
            synthetic=doc.synthetic,
            source=SourceInfo(name=doc.name, format=doc.format, line=doc.header_line,
                              offset=doc.offset),
        )
        #: Offset in `body` where the preamble (banner, captions, E.O., TAGS, SUBJECT,
        #: REF, Classified By) ends and the text proper begins; rules advance it.
        self.preamble_end: int = 0
        #: Cable year (4 digits) once known: references need it to build ids.
        self.year: int | None = None
        #: Values one rule leaves for a later one, keyed by the producing rule's name.
        self.scratch: dict[str, Any] = {}

    # -- line numbers -------------------------------------------------------------------
    def body_line(self, offset: int) -> int:
        """1-based source line of a `body` offset."""
        return self.doc.body_line + self.body.count("\n", 0, max(offset, 0))

    def header_line(self, offset: int) -> int:
        """1-based source line of a `header` offset."""
        return self.doc.header_line + self.header.count("\n", 0, max(offset, 0))

    # -- problems -----------------------------------------------------------------------
    def problem(
        self,
        field_name: str,
        message: str,
        *,
        body_offset: int | None = None,
        header_offset: int | None = None,
        line: int | None = None,
    ) -> None:
        """Record something that could not be read cleanly, with its source line."""
        if line is None:
            if body_offset is not None:
                line = self.body_line(body_offset)
            elif header_offset is not None:
                line = self.header_line(header_offset)
        self.cable.problems.append(Problem(field_name, message, line))
