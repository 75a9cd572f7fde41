"""The redactions rule: runs of X, not roman numerals, placeholders or ExxonMobil."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import redactions as redactions_rule
from cablescope.parse.rules.redactions import redactions


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Visit London's Classified Website: XXXXXXXXXXXX", 1),
        ("XXXXXXXXXXXX told us that XXXXXXXXXXXX, XXXXXXXXXXXX agreed.", 3),
        ("the German firm xxxxxxxxxxxx test chamber", 1),
        ("a share of ZeromaxXXXXXXXXXXXX. In an ironic twist", 1),
        ("This official XXXXXXXXsaid that", 1),
        ("Phone (XXXXX), e-mail XXXX.", 2),
        ("Article 5(XXV) and (XXIX), Pope Benedict XVI, an XX placeholder, Cell: XXX", 0),
        ("ExxonMobil and Exxxon", 0),
        ("", 0),
    ],
)
def test_counts(text: str, count: int) -> None:
    assert redactions(text) == count


def test_apply_counts_the_whole_body(seeds_dir: Path) -> None:
    from cablescope.parse.state import Document, ParseState

    for cable_id, expected in (("08LONDON3062", 1), ("09STATE65183", 0)):
        text = (seeds_dir / f"{cable_id}.txt").read_text(encoding="utf-8")
        state = ParseState(Document(format="test", body=text))
        redactions_rule.apply(state)
        assert state.cable.redactions == expected


#: Pieces of cable text, so the fuzz meets openers, closers, markings and runs of X.
_CABLE_CHARS = st.sampled_from(
    [*"XxSUMARYsumaryENDCOT:.()¶-/ \n\t,'ABC123", "End ", "Summary", "Comment", "\u2028"]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_CABLE_CHARS, max_size=120).map("".join)))
def test_never_raises(text: str) -> None:
    result = redactions(text)
    assert 0 <= result <= text.count("XXXX") + text.count("xxxx")
