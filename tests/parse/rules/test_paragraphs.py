"""The paragraphs rule: numbering, markings, headings, page noise, lines, real pages."""

from __future__ import annotations

import html
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import body as body_rule
from cablescope.parse.rules import comments, paragraphs, redactions, signers, summary
from cablescope.parse.rules.paragraphs import paragraphs as split
from cablescope.parse.rules.paragraphs import parse_marking
from cablescope.parse.state import Document, ParseState

SEED_IDS = ["08LONDON3062", "09STATE65183"]
_SPACES = re.compile(r"\s+")
_TEXT_RULES = (paragraphs, summary, comments, signers, redactions, body_rule)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _seed_state(seeds_dir: Path, cable_id: str) -> ParseState:
    """The seed's body (from the spaced banner on) with the text proper starting at ¶1,
    run through the six text rules only."""
    text = (seeds_dir / f"{cable_id}.txt").read_text(encoding="utf-8")
    body = text[re.search(r"(?:[A-Z] ){4,}[A-Z]", text).start() :]
    state = ParseState(Document(format="test", body=body))
    state.preamble_end = body.index("¶1.")
    for rule in _TEXT_RULES:
        rule.apply(state)
    return state


@pytest.fixture(scope="module")
def gold(shared_path) -> dict[str, Any]:
    return json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("cable_id", SEED_IDS)
def test_seed_paragraphs_match_gold(seeds_dir: Path, gold: dict[str, Any], cable_id: str) -> None:
    found = _seed_state(seeds_dir, cable_id).cable.paragraphs
    expected = gold[cable_id]["paragraphs"]
    assert [p.number for p in found] == [e["number"] for e in expected]
    for paragraph, want in zip(found, expected, strict=True):
        where = f"{cable_id} ¶{want['number']}"
        assert paragraph.classification == want["classification"], where
        assert paragraph.releasable_to == want["releasable_to"], where
        assert paragraph.heading == want["heading"], where
        text = _norm(paragraph.text)
        assert text.startswith(_norm(want["text_starts"])), where
        if "text_ends" in want:
            assert text.endswith(_norm(want["text_ends"])), where
        if "text_contains" in want:
            assert _norm(want["text_contains"]) in text, where


def test_seed_lines_point_at_the_paragraph_numbers(seeds_dir: Path) -> None:
    state = _seed_state(seeds_dir, "08LONDON3062")
    lines = state.body.split("\n")
    for paragraph in state.cable.paragraphs:
        assert f"{paragraph.number}. (" in lines[paragraph.line - 1]


@pytest.mark.parametrize(
    ("raw", "level", "noforn", "releasable"),
    [
        ("C", "CONFIDENTIAL", False, ()),
        ("S/NF", "SECRET", True, ()),
        ("S//NF", "SECRET", True, ()),
        ("SBU/N", "SENSITIVE BUT UNCLASSIFIED", True, ()),
        ("U//FOUO", "UNCLASSIFIED", False, ()),
        ("TS", "TOP SECRET", False, ()),
        ("c", "CONFIDENTIAL", False, ()),
        ("C/REL Pakistan", "CONFIDENTIAL", False, ("PAKISTAN",)),
        ("S/REL TO USA, AUS, GBR", "SECRET", False, ("USA", "AUS", "GBR")),
        ("S/REL TO NATO/AUS", "SECRET", False, ("NATO", "AUS")),
        ("C//REL TO USA, KEN, GBR//", "CONFIDENTIAL", False, ("USA", "KEN", "GBR")),
        ("S//REL MLT, GBR, AND GER", "SECRET", False, ("MLT", "GBR", "GER")),
        ("S/NF/rel Panama", "SECRET", True, ("PANAMA",)),
        ("C - ENTIRE TEXT", "CONFIDENTIAL", False, ()),
        ("Confidential", "CONFIDENTIAL", False, ()),
    ],
)
def test_markings_decode(raw: str, level: str, noforn: bool, releasable: tuple[str, ...]) -> None:
    marking = parse_marking(raw)
    assert marking is not None
    assert (marking.written, marking.classification) == (raw, level)
    assert marking.noforn is noforn
    assert marking.releasable_to == releasable


@pytest.mark.parametrize("raw", ["Afghanistan", "U.S.", "b", "reftel", "Complimentary close"])
def test_parentheses_that_are_no_marking(raw: str) -> None:
    assert parse_marking(raw) is None


def test_unknown_marking_is_kept_and_recorded() -> None:
    state = ParseState(Document(format="test", body="1. (SE) Odd marking.\n2. (C) Fine.\n"))
    paragraphs.apply(state)
    first = state.cable.paragraphs[0]
    assert (first.marking, first.classification) == ("SE", None)
    assert [p.field for p in state.cable.problems] == ["paragraphs"]
    assert state.cable.problems[0].line == 1


def test_text_excludes_number_and_marking_and_keeps_sub_items() -> None:
    found = split("¶1. (C) Points:\n1. first\n2. second\n-- a bullet\n¶2. (S/NF) Next.\n")
    assert [(p.number, p.marking) for p in found] == [(1, "C"), (2, "S/NF")]
    assert found[0].text == "Points:\n1. first\n2. second\n-- a bullet"
    assert found[1].noforn and found[1].text == "Next."


def test_mid_line_start_needs_the_next_number_and_a_marking() -> None:
    text = ("1. (C) See section 1.4 (b) and page 2. (C) of the report.\n"
            "2. (C) He left before the end of December.  3. (U) A/S Boucher cleared this.\n")
    found = split(text)
    assert [p.number for p in found] == [1, 2, 3]
    assert found[0].text == "See section 1.4 (b) and page 2. (C) of the report."
    assert found[1].text == "He left before the end of December."
    assert found[2].classification == "UNCLASSIFIED"


def test_unmarked_old_numbering() -> None:
    text = ("1.  PRESS REPORTS CONFIRM NEW LEGISLATION.  SIX MILE LIMIT\n"
            "UNDER REVIEW.\n\n2.  NAVATT STATES 200 MILES.\n\n3.  FONOFF CONCURS.\n\nSACCIO\n")
    found = split(text)
    assert [(p.number, p.classification) for p in found] == [(1, None), (2, None), (3, None)]
    assert found[0].text == "PRESS REPORTS CONFIRM NEW LEGISLATION. SIX MILE LIMIT\nUNDER REVIEW."
    assert found[2].text == "FONOFF CONCURS."


def test_headings_belong_to_the_next_paragraph() -> None:
    text = (
        "1. (C) First.\n\nRice in India\n-------------\n\n"
        "2. (S) Second.\n\nKayani the Key -------------------\n\n"
        "3. (C) Third.\n-------\nBetween Rules\n-------\n"
        "4. (U) Fourth.\n\nRole of the King\n\n"
        "5. (U) Fifth.\n"
    )
    found = split(text)
    assert [p.heading for p in found] == [
        None, "Rice in India", "Kayani the Key", "Between Rules", "Role of the King",
    ]
    assert [p.text for p in found] == ["First.", "Second.", "Third.", "Fourth.", "Fifth."]


def test_page_noise_is_not_text() -> None:
    text = ("1. (C) It was bad for the\nLONDON 00003062  002 OF 002\nPunjab; so he said\n"
            "needed to communicate  LONDON 00003062  002 OF 002   that it was bad.\n"
            "                       CONFIDENTIAL\n2. (C) Next.\n")
    first = split(text)[0]
    assert "OF 002" not in first.text and "CONFIDENTIAL" not in first.text
    assert _norm(first.text) == (
        "It was bad for the Punjab; so he said needed to communicate that it was bad."
    )


def test_doubled_line_breaks_are_undone() -> None:
    single = "1. (C) Line one\nline two.\n \n2. (C) Next line\nand more.\n \nHeading\n---\n"
    doubled = single.replace("\n", "\n\n") + "3. (U) End.\n"
    found = split(doubled)
    assert [p.text for p in found] == ["Line one\nline two.", "Next line\nand more.", "End."]
    assert found[2].heading == "Heading"


def test_unnumbered_text_becomes_blocks() -> None:
    found = split("Intro block one\nwraps here.\n\n(C/NF) Marked block.\n\nSMITH\n")
    assert [(p.number, p.classification, p.noforn) for p in found] == [
        (None, None, False), (None, "CONFIDENTIAL", True)]
    assert [p.text for p in found] == ["Intro block one\nwraps here.", "Marked block."]


def test_lead_in_before_paragraph_one_is_kept() -> None:
    found = split("BEGIN SUMMARY\n\nThe shah asks.\nEND SUMMARY\n\n1. ON FEB 24 CHARGE MET.\n")
    assert [p.number for p in found] == [None, None, 1]
    assert found[1].text == "The shah asks.\nEND SUMMARY"


def test_signature_is_not_in_the_last_paragraph() -> None:
    found = split("1. (C) Cleared.  Visit London's Classified Website: XXXXXXXXXXXX\nTUTTLE..\n")
    assert found[-1].text == "Cleared."


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="1234567890.() ¶-\nCSUNF/abcXYZ:", max_size=400))
def test_numbers_always_increase(text: str) -> None:
    numbers = [p.number for p in split(text) if p.number is not None]
    assert numbers == sorted(set(numbers))


# -- real pages ---------------------------------------------------------------------------

_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
_ANCHOR = re.compile(r"<a[^>]*>(.*?)</a>")
_FIRST_PARAGRAPH = re.compile(r"^[ \t]*¶?[ \t]*1\.[ \t(]", re.M)
_LAST_LABEL = re.compile(r"^[ \t]*(?:SUBJECT|REF|Classified By|CLASSIFIED BY)\b", re.M)


def _page_bodies(archive: Path, limit: int) -> list[str]:
    """The cable text of the first `limit` pages, read with a regex independent of the
    format reader: the second ``<pre>`` block, its newline entities and anchors undone."""
    bodies = []
    with tarfile.open(archive) as tar:
        for member in tar:
            if not member.name.endswith(".html"):
                continue
            page = tar.extractfile(member).read().decode("utf-8")
            blocks = _PRE.findall(page)
            if len(blocks) > 1:
                text = _ANCHOR.sub(r"\1", blocks[1].replace("&#x000A;", "\n"))
                bodies.append(html.unescape(text))
            if len(bodies) == limit:
                break
    return bodies


def _preamble_end(body: str) -> int:
    first = _FIRST_PARAGRAPH.search(body, 0, 5000)
    if first:
        return first.start()
    labels = list(_LAST_LABEL.finditer(body, 0, 5000))
    if not labels:
        return 0
    blank = re.compile(r"\n[ \t]*\n").search(body, labels[-1].end())
    return blank.end() if blank else labels[-1].end()


@pytest.fixture(scope="module")
def page_states(shared_path) -> list[ParseState]:
    states = []
    for body in _page_bodies(shared_path("corpus", "cablegate-html-dev.tar.gz"), 600):
        state = ParseState(Document(format="test", body=body))
        state.preamble_end = _preamble_end(body)
        for rule in _TEXT_RULES:
            rule.apply(state)
        states.append(state)
    return states


def test_real_pages_are_split(page_states: list[ParseState]) -> None:
    numbered = [s for s in page_states if any(p.number for p in s.cable.paragraphs)]
    assert len(numbered) >= 0.9 * len(page_states)
    paragraphs_seen = [p for s in numbered for p in s.cable.paragraphs if p.number]
    marked = [p for p in paragraphs_seen if p.classification]
    assert len(marked) >= 0.8 * len(paragraphs_seen)
    assert {p.classification for p in marked} >= {"CONFIDENTIAL", "SECRET", "UNCLASSIFIED"}
    for state in numbered:
        numbers = [p.number for p in state.cable.paragraphs if p.number]
        assert numbers == sorted(set(numbers))
        assert all(p.text.strip() == p.text for p in state.cable.paragraphs)
