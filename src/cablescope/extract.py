"""One function per field, working on fragments of a cable (the contract's field API).

These are the same functions the parse rules use on whole cables, so a fix in one place
shows both here and in `cablescope.parse`. See `docs/cable-record.md` in shared/.
"""

from __future__ import annotations

from cablescope.ids import canonical_id
from cablescope.parse.rules.body import clean_content
from cablescope.parse.rules.classified_by import classified_by, classified_by_record
from cablescope.parse.rules.comments import comments
from cablescope.parse.rules.declassify import declassify_on
from cablescope.parse.rules.paragraphs import paragraphs
from cablescope.parse.rules.redactions import redactions
from cablescope.parse.rules.references import references
from cablescope.parse.rules.routing import dtg, info_recipients, precedence, recipients, sender
from cablescope.parse.rules.signers import signers
from cablescope.parse.rules.subject import subject, titlefy
from cablescope.parse.rules.summary import summary
from cablescope.parse.rules.tags import tag_kind, tags

__all__ = [
    "canonical_id",
    "classified_by",
    "classified_by_record",
    "clean_content",
    "comments",
    "declassify_on",
    "dtg",
    "info_recipients",
    "paragraphs",
    "precedence",
    "recipients",
    "redactions",
    "references",
    "sender",
    "signers",
    "subject",
    "summary",
    "tag_kind",
    "tags",
    "titlefy",
]
