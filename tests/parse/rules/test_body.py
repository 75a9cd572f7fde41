"""The body rule (reading text), `clean_content` (indexing text) and the text helpers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import body as body_rule
from cablescope.parse.rules import comments, paragraphs, redactions, signers, summary
from cablescope.parse.rules.body import (
    blank_noise,
    clean_content,
    is_doubled,
    restore_apostrophes,
    tidy,
    tidy_many,
)
from cablescope.parse.state import Document, ParseState

_TEXT_RULES = (paragraphs, summary, comments, signers, redactions, body_rule)


def _seed_state(seeds_dir: Path, cable_id: str) -> ParseState:
    text = (seeds_dir / f"{cable_id}.txt").read_text(encoding="utf-8")
    body = text[re.search(r"(?:[A-Z] ){4,}[A-Z]", text).start() :]
    state = ParseState(Document(format="test", body=body))
    state.preamble_end = body.index("¶1.")
    for rule in _TEXT_RULES:
        rule.apply(state)
    return state


def test_clean_content_gold(shared_path) -> None:
    path = shared_path("gold", "cablemap-dev", "clean_content.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records
    failures = [(r["expected"], got) for r in records
                if (got := clean_content(r["input"])) != r["expected"]]
    assert not failures


def test_clean_content_drops_page_noise_and_keeps_text() -> None:
    text = ("C O N F I D E N T I A L SECTION 02 OF 03 LONDON 003062\n"
            "1. (C) The GOP,s view\nLONDON 00003062  002 OF 002\nholds. (Afghanistan) too.\n")
    assert clean_content(text) == "The GOP's view\nholds. (Afghanistan) too.\n"
    assert clean_content("") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the GOP,s effort", "the GOP's effort"),
        ("LeT,s activities and don,t", "LeT's activities and don't"),
        ("THE SHAH,S VIEW", "THE SHAH'S VIEW"),
        ("they,re here, we,ve seen, I,m sure, it,ll do, he,d go", "they're here, we've seen, "
         "I'm sure, it'll do, he'd go"),
        ("a,b,c lists, 1,000 people, these organizations, fundraising", "a,b,c lists, 1,000 "
         "people, these organizations, fundraising"),
        ("items A,S and B", "items A,S and B"),
    ],
)
def test_comma_apostrophes(text: str, expected: str) -> None:
    assert restore_apostrophes(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ABCDEFLNOPRSTU 0123456789\n-.:/", max_size=300))
def test_blank_noise_keeps_offsets(text: str) -> None:
    blanked = blank_noise(text)
    assert len(blanked) == len(text)
    assert [i for i, c in enumerate(blanked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"]


def test_blank_noise_finds_page_debris() -> None:
    text = ("a line\nLONDON 00003062  002 OF 002\nword  KUALA LUMP 00001403  003 OF 003  word\n"
            "PAGE 02        HANOI  02605  300858Z\n          UNCLASSIFIED\nSIPDIS\n"
            "real SECRET text\n")
    assert blank_noise(text).split() == ["a", "line", "word", "word", "real", "SECRET", "text"]


def test_tidy_and_doubling() -> None:
    assert tidy("  a  b \n\n\n\n c\t d \n") == "a b\n\nc d"
    doubled = "line one \n\nline two \n\n \n\nnext block\n\n" * 3
    assert is_doubled(doubled) and not is_doubled(doubled.replace("\n\n", "\n"))
    assert tidy(doubled, doubled=True).startswith("line one\nline two\n\nnext block")
    assert tidy_many(["x  y ", " GOP,s ", ""]) == ["x y", "GOP's", ""]


def test_seed_body_is_clean_reading_text(seeds_dir: Path, shared_path) -> None:
    gold = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))
    for cable_id in ("08LONDON3062", "09STATE65183"):
        state = _seed_state(seeds_dir, cable_id)
        text = state.cable.body
        for excluded in gold[cable_id]["body_excludes"]:
            assert excluded not in text
        assert text.startswith("1. (")
        assert text.endswith("\n\n" + gold[cable_id]["signers"][0])
        assert "  " not in text and " \n" not in text
        for paragraph in state.cable.paragraphs:
            lead = f"{paragraph.number}. ({paragraph.marking}) {paragraph.text}"
            heading = f"{paragraph.heading}\n" if paragraph.heading else ""
            assert heading + lead in text
    london = _seed_state(seeds_dir, "08LONDON3062").cable.body
    assert "\n\nRice in India and Pakistan\n2. (S) Assistant Secretary" in london
    assert "Visit London" not in london


def test_body_without_paragraphs_is_empty() -> None:
    state = ParseState(Document(format="test", body=""))
    for rule in _TEXT_RULES:
        rule.apply(state)
    assert state.cable.body == ""
    assert state.cable.paragraphs == [] and state.cable.signers == []


#: Pieces of cable text, so the fuzz meets openers, closers, markings and runs of X.
_CABLE_CHARS = st.sampled_from(
    [*"XxSUMARYsumaryENDCOT:.()¶-/ \n\t,'ABC123", "End ", "Summary", "Comment", "\u2028"]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_CABLE_CHARS, max_size=120).map("".join)))
def test_never_raises(text: str) -> None:
    result = clean_content(text)
    assert isinstance(result, str)
