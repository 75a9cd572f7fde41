"""The redactions rule: how many passages the publisher blacked out with X's.

WikiLeaks replaced protected names with a run of X (``XXXXXXXXXXXX``, lower case in some
cables). Runs of two or three X are not redactions: roman numerals (``XXV``), ``XX``
placeholders, ``ExxonMobil``. So a run counts when it is eight or more long (even glued to
a word: ``ZeromaxXXXXXXXXXXXX``), or four to seven long and standing alone.
"""

from __future__ import annotations

from cablescope.parse.state import ParseState

_LONG_RUN = 8
_SHORT_RUN = 4


def _count_runs(text: str, letter: str) -> int:
    count = 0
    probe = letter * _SHORT_RUN
    pos = text.find(probe)
    while pos >= 0:
        end = pos + _SHORT_RUN
        while end < len(text) and text[end] == letter:
            end += 1
        alone = (pos == 0 or not text[pos - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        )
        if end - pos >= _LONG_RUN or alone:
            count += 1
        pos = text.find(probe, end)
    return count


def redactions(text: str) -> int:
    """The number of redacted runs in `text` (a `str.find` loop: runs are rare)."""
    if not text:
        return 0
    return _count_runs(text, "X") + _count_runs(text, "x")


def apply(state: ParseState) -> None:
    """Count the redactions in the whole body (preamble included: REF and Classified By
    lines are redacted too)."""
    state.cable.redactions = redactions(state.body)
