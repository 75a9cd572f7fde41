"""The summary rule: opener to ``End summary``, in all the ways cables write them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import summary as summary_rule
from cablescope.parse.rules.summary import summary
from cablescope.parse.state import Document, ParseState


def test_cablemap_gold(shared_path) -> None:
    path = shared_path("gold", "cablemap-dev", "summary.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records
    failures = [
        (r["expected"], got) for r in records if (got := summary(r["input"])) != r["expected"]
    ]
    assert not failures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¶1. (C) Summary.  The PM agreed.  End summary.\n\n¶2. (C) More.", "The PM agreed."),
        ("1. (C) Summary: The PM agreed.\nHe left. End Summary.\n2. (C) More.",
         "The PM agreed.\nHe left."),
        ("1. (SBU) SUMMARY: THE PM AGREED. END SUMMARY.", "THE PM AGREED."),
        ("BEGIN SUMMARY\n\nTHE SHAH ASKS.\n\nEND SUMMARY\n\n1. ON FEB 24 …", "THE SHAH ASKS."),
        ("------- SUMMARY -------\n\n1. (C) It is bad. End Summary.", "It is bad."),
        ("1. (C) Introduction and Summary: It is bad.  End Summary.", "It is bad."),
        ("1. (C) Summary and action request. It is bad. End Summary and action request.",
         "It is bad."),
        ("1. (C) Summary: The GOP,s view.\n\n2. (C) Later text.", "The GOP's view."),
        ("1. (C) It is bad.\nLONDON 00003062  002 OF 002\nReally. End\nSummary.",
         "It is bad.\nReally."),
    ],
)
def test_summary_forms(text: str, expected: str) -> None:
    assert summary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1. (C) In summary, the PM agreed.\n2. (C) Nothing else.",
        "1. (C) Summary executions continue.\n",
        "1. (C) Plain paragraph.\n2. (C) Another.\n",
        "",
    ],
)
def test_no_summary(text: str) -> None:
    assert summary(text) is None


def test_apply_reads_the_text_proper_only(seeds_dir: Path, shared_path) -> None:
    gold = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))
    for cable_id in ("08LONDON3062", "09STATE65183"):
        text = (seeds_dir / f"{cable_id}.txt").read_text(encoding="utf-8")
        state = ParseState(Document(format="test", body=text))
        state.preamble_end = text.index("¶1.")
        summary_rule.apply(state)
        got = state.cable.summary
        want = gold[cable_id]["summary"]
        if want is None:
            assert got is None
        else:
            assert re.sub(r"\s+", " ", got) == re.sub(r"\s+", " ", want)


#: Pieces of cable text, so the fuzz meets openers, closers, markings and runs of X.
_CABLE_CHARS = st.sampled_from(
    [*"XxSUMARYsumaryENDCOT:.()¶-/ \n\t,'ABC123", "End ", "Summary", "Comment", "\u2028"]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_CABLE_CHARS, max_size=120).map("".join)))
def test_never_raises(text: str) -> None:
    result = summary(text)
    assert result is None or (result and result == result.strip())


def test_empty_summary_is_a_problem() -> None:
    state = ParseState(Document(format="test", body="1. (C) Summary:\n\nEnd summary.\n2. (C) b"))
    summary_rule.apply(state)
    assert state.cable.summary is None
    assert [p.field for p in state.cable.problems] == ["summary"]
