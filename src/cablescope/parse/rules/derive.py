"""Last rule: fill what the cable implies but no earlier rule stated, and check the record.

Classification falls back to the banner, then to the transmission line (``ZNY CCCCC``);
origin falls back to the sender; a synthetic demo cable is recognised by its caption.
"""

from __future__ import annotations

import re

from cablescope.parse.state import ParseState

SYNTHETIC_MARK = "CABLESCOPE SYNTHETIC"

#: ``ZNY SSSSS`` letters of the transmission line → classification.
_TRANSMISSION_LEVELS = {
    "U": "UNCLASSIFIED",
    "E": "UNCLASSIFIED",  # EFTO: unclassified, encrypted for transmission only
    "C": "CONFIDENTIAL",
    "S": "SECRET",
    "T": "TOP SECRET",
}

#: Sender name prefix → the wording WikiLeaks uses for an origin.
_ORIGIN_PREFIXES = (
    ("AMEMBASSY ", "Embassy "),
    ("AMCONSUL ", "Consulate "),
    ("USMISSION ", "Mission "),
    ("USINT ", "US Interests Section "),
    ("AMCONGEN ", "Consulate "),
)

_STATE_SENDERS = re.compile(r"^(?:SEC)?STATE\b")


def origin_from_sender(name: str) -> str:
    """``AMEMBASSY NEW DELHI`` → ``Embassy New Delhi``; ``SECSTATE WASHDC`` → Secretary of State."""
    upper = name.upper().strip()
    if _STATE_SENDERS.match(upper):
        return "Secretary of State"
    for prefix, wording in _ORIGIN_PREFIXES:
        if upper.startswith(prefix):
            return wording + upper[len(prefix):].title()
    return upper.title()


def apply(state: ParseState) -> None:
    cable = state.cable
    meta = state.doc.metadata
    if cable.classification is None:
        banner = state.scratch.get("banner")
        letters = (state.scratch.get("routing") or {}).get("transmission_class")
        if banner:
            cable.classification = banner
        elif letters and letters[0] in _TRANSMISSION_LEVELS:
            cable.classification = _TRANSMISSION_LEVELS[letters[0]]
        else:
            state.problem("classification", "no classification in metadata, banner or header")
    if cable.origin is None:
        if cable.sender and cable.sender.name:
            cable.origin = origin_from_sender(cable.sender.name)
        else:
            state.problem("origin", "no origin in metadata and no FM line")
    if cable.date is None:
        state.problem("date", "no date in metadata and no date-time group")
    if meta.get("synthetic") or SYNTHETIC_MARK in state.body[: state.preamble_end + 2000]:
        cable.synthetic = True
        if SYNTHETIC_MARK in cable.captions:
            cable.captions.remove(SYNTHETIC_MARK)
    for note in meta.get("notes", ()):
        state.problem("format", note, line=state.doc.body_line)
