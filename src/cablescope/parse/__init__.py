"""The parser: an ordered table of small rules run over one shared `ParseState`.

Each rule lives in its own module under `rules/` and fills one family of fields. Rules
run in the order of `RULES`; a later rule may read what an earlier one found. A rule
that fails unexpectedly is recorded as a problem and the others still run, so a cable
always comes out as a record.
"""

from __future__ import annotations

from collections.abc import Callable

from cablescope.model import Cable
from cablescope.parse.rules import (
    banner,
    body,
    classified_by,
    comments,
    declassify,
    derive,
    identity,
    metadata,
    paragraphs,
    redactions,
    references,
    routing,
    signers,
    subject,
    summary,
    tags,
)
from cablescope.parse.state import Document, ParseState

Rule = Callable[[ParseState], None]

#: (name, rule) in the order they run.
RULES: list[tuple[str, Rule]] = [
    ("metadata", metadata.apply),
    ("routing", routing.apply),
    ("banner", banner.apply),
    ("identity", identity.apply),
    ("declassify", declassify.apply),
    ("tags", tags.apply),
    ("subject", subject.apply),
    ("references", references.apply),
    ("classified_by", classified_by.apply),
    ("paragraphs", paragraphs.apply),
    ("summary", summary.apply),
    ("comments", comments.apply),
    ("signers", signers.apply),
    ("redactions", redactions.apply),
    ("body", body.apply),
    ("derive", derive.apply),
]


def parse_document(doc: Document) -> Cable:
    """Run every rule over a document a format reader produced."""
    state = ParseState(doc)
    for name, rule in RULES:
        try:
            rule(state)
        except Exception as exc:  # a bug in one rule must not lose the cable
            state.problem(name, f"internal error: {type(exc).__name__}: {exc}")
    return state.cable


def parse(text: str | bytes, *, name: str | None = None) -> Cable:
    """Parse one cable in any supported format (detected from the text itself).

    Raises `cablescope.errors.CableError` when the text is not a cable at all.
    """
    from cablescope.parse.formats.detect import document_from_text

    return parse_document(document_from_text(text, name=name))


__all__ = ["RULES", "Document", "ParseState", "parse", "parse_document"]
