"""The comments rule: every ``Comment:`` … ``End comment.``, and what is not a comment."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import comments as comments_rule
from cablescope.parse.rules.comments import comments
from cablescope.parse.state import Document, ParseState


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. (C) They met. Comment: It went well. End comment.\n2. (C) More.", ["It went well."]),
        ("¶5. (C) Comment: First part\nwraps.\n\n¶6. (C) Still the comment. End Comment.\n\n"
         "¶7. No.", ["First part\nwraps.\nStill the comment."]),
        ("1. (C) He spoke (Comment: as usual. End comment.) at length.", ["as usual."]),
        ("1. (C) He spoke (COMMENT: at length) and left.", ["at length"]),
        ("1. (C) Embassy comment: Bad news.\n2. (C) Next.", ["Bad news."]),
        ("1. BEGIN COMMENT: GOOD NEWS. END COMMENT.", ["GOOD NEWS."]),
        ("COMMENT\n-------\n\n¶7. (C) The PM seemed relaxed.\n\nNext Heading\n----\n¶8. (U) Other",
         ["The PM seemed relaxed."]),
        ("1. (C) Comment: one. End comment.\n2. (C) Comment: two.\n3. (C) Three.",
         ["one.", "two."]),
    ],
)
def test_comment_forms(text: str, expected: list[str]) -> None:
    assert comments(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1. (C) Summary and Comment: Unrest grows. End summary and comment.",
        "1. (C) He declined to comment. No comment was made.",
        "1. (C) They met. End comment.\n",
        "1. (C) Note: this is an aside. End note.",
        "",
    ],
)
def test_no_comment(text: str) -> None:
    assert comments(text) == []


def test_apply_on_a_seed_without_comments(seeds_dir: Path) -> None:
    text = (seeds_dir / "08LONDON3062.txt").read_text(encoding="utf-8")
    state = ParseState(Document(format="test", body=text))
    state.preamble_end = text.index("¶1.")
    comments_rule.apply(state)
    assert state.cable.comments == []
    state = ParseState(Document(format="test", body=text + "\n10. (C) Comment: Fine. End comment."))
    comments_rule.apply(state)
    assert state.cable.comments == ["Fine."]


#: Pieces of cable text, so the fuzz meets openers, closers, markings and runs of X.
_CABLE_CHARS = st.sampled_from(
    [*"XxSUMARYsumaryENDCOT:.()¶-/ \n\t,'ABC123", "End ", "Summary", "Comment", "\u2028"]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_CABLE_CHARS, max_size=120).map("".join)))
def test_never_raises(text: str) -> None:
    result = comments(text)
    assert all(c and c == c.strip() for c in result)
