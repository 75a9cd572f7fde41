"""The banner rule: level, sections, post/serial, captions, and page-break debris."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.parse.rules import banner as banner_rule
from cablescope.parse.rules.banner import classification_banner, read_banner, strip_page_breaks
from cablescope.parse.state import Document, ParseState


def _state(body: str) -> ParseState:
    return ParseState(Document(format="test", body=body))


def _seed_body(seeds_dir, name: str) -> str:
    text = (seeds_dir / f"{name}.txt").read_text(encoding="utf-8")
    for level in ("S E C R E T", "C O N F I D E N T I A L"):
        if level in text:
            return text[text.index(level):]
    raise AssertionError("seed without banner")


def test_seed_london(seeds_dir) -> None:
    found = read_banner(_seed_body(seeds_dir, "08LONDON3062"))
    assert found is not None
    assert (found.level, found.classification) == ("SECRET", "SECRET")
    assert (found.section, found.sections) == (1, 2)
    assert (found.post, found.serial) == ("LONDON", "003062")
    assert found.captions == ["SIPDIS"]


def test_seed_state(seeds_dir) -> None:
    found = read_banner(_seed_body(seeds_dir, "09STATE65183"))
    assert found is not None
    assert found.classification == "CONFIDENTIAL"
    assert found.sections is None
    assert (found.post, found.serial) == ("STATE", "065183")
    assert found.captions == []


@pytest.mark.parametrize(
    ("body", "classification", "sections", "post", "captions"),
    [
        ("UNCLAS SECTION 01 OF 03 THE HAGUE 001510 \n\nSIPDIS\n\nSENSITIVE\n\nE.O. 12958: N/A\n",
         "UNCLASSIFIED//FOR OFFICIAL USE ONLY", 3, "THE HAGUE", ["SIPDIS", "SENSITIVE"]),
        ("UNCLASSIFIED BUENOS AIRES 2481 \n \nE.O. 12958: N/A\n", "UNCLASSIFIED", None,
         "BUENOS AIRES", []),
        ("SECRET NOFORN STATE 012345\n\nE.O. 12958: DECL: 01/01/2019\n", "SECRET//NOFORN",
         None, "STATE", ["NOFORN"]),
        ("SECRET//NOFORN SECTION 02 OF 04 KABUL 000123\n", "SECRET//NOFORN", 4, "KABUL",
         ["NOFORN"]),
        ("UNCLASSIFIED//FOR OFFICIAL USE ONLY SECTION 01 OF 02 MEXICO 000536\n",
         "UNCLASSIFIED//FOR OFFICIAL USE ONLY", 2, "MEXICO", []),
        ("UNCLAS E F T O LONDON 002883 \n\nE.O. 12958: N/A\n", "UNCLASSIFIED", None, "LONDON",
         ["EFTO"]),
        ("Wednesday, 03 February 2010, 10:37\nC O N F I D E N T I A L SECTION 01 OF 02 "
         "ZAGREB 000097 \nSIPDIS \nEO 12958 DECL: 01/01/2020\n", "CONFIDENTIAL", 2, "ZAGREB",
         ["SIPDIS"]),
        ("C O N F I D E N T I A L CAIRO 008938SIPDISFOR THE DIRECTOR E.O. 12958: DECL: "
         "11/28/2015 TAGS: PTER", "CONFIDENTIAL", None, "CAIRO", ["SIPDIS"]),
        ("S e c r e t state 068250\n\nSipdis\n\nE.o. 12958: decl: 07/01/2034\n", "SECRET",
         None, "STATE", []),
        ("C O N F I D E N T I A L \nSECTION 01 OF 02 BAKU 000687 SIPDIS E.O. 12958: DECL",
         "CONFIDENTIAL", 2, "BAKU", ["SIPDIS"]),
    ],
)
def test_banner_forms(body: str, classification: str, sections: int | None, post: str,
                      captions: list[str]) -> None:
    found = read_banner(body)
    assert found is not None
    assert found.classification == classification
    assert found.sections == sections
    assert found.post == post
    assert found.captions == captions
    assert classification_banner(body) == classification


def test_no_banner() -> None:
    assert read_banner("1. This is prose about a secret meeting.") is None
    assert classification_banner("") is None


def test_apply_fills_scratch_and_cable() -> None:
    state = _state("S E C R E T SECTION 01 OF 02 LONDON 003062 \n \nSIPDIS \n \nDEPART FOR X\n"
                   " \nE.O. 12958: DECL: 12/08/2018 \nTAGS: PREL\n")
    banner_rule.apply(state)
    assert state.scratch["banner"] == "SECRET"
    assert state.scratch["banner_id"] == ("LONDON", "003062")
    assert state.cable.sections == 2
    assert state.cable.captions == ["SIPDIS"]
    assert 0 < state.preamble_end < state.body.index("E.O.")


def test_page_break_inside_a_line_is_blanked() -> None:
    body = ("C O N F I D E N T I A L SECTION 01 OF 02 LONDON 003062\n\n¶5. (C) He said the USG "
            "needed to communicate  LONDON 00003062  002 OF 002   that it was bad.\n")
    state = _state(body)
    banner_rule.apply(state)
    assert state.body.count("\n") == body.count("\n")
    assert len(state.body) == len(body)
    assert "needed to communicate that it was bad." in " ".join(state.body.split())


def test_page_break_of_a_long_post_name() -> None:
    body = ("UNCLAS SECTION 01 OF 03 KUALA LUMPUR 001403\n\nSome text \n\n"
            "KUALA LUMP 00001403  002 OF 003 \n\n\nmore text\n")
    start = body.index("\n")
    cleaned, _ = strip_page_breaks(body, start, "KUALA LUMPUR")
    assert cleaned[:start] == body[:start]  # the banner itself is left alone
    assert "KUALA LUMP" not in cleaned[start:] and "002 OF 003" not in cleaned
    assert "Some text" in cleaned and "more text" in cleaned


def test_page_header_without_banner_keeps_the_words_before_it() -> None:
    body = "intro\nPUTIN VISIT EXPECTED BY END OF APRIL TRIPOLI 00000297 001.2 OF 002\n"
    cleaned, _ = strip_page_breaks(body)
    assert "END OF APRIL" in cleaned
    assert "TRIPOLI" not in cleaned


def test_teletype_page_header_and_trailers() -> None:
    body = ("CONFIDENTIAL ROME 001196\n\n1. TEXT GOES ON AND ON\n CONFIDENTIAL\n"
            "PAGE 02 ROME 01196 01 OF 02 082030Z AND CONTINUES HERE.\n"
            "C O N F I D E N T I A L SECTION 02 OF 02 ROME 001196\nSIPDIS\nMORE TEXT.\n"
            "SPOGLI\n\nNNNN\n")
    state = _state(body)
    banner_rule.apply(state)
    text = " ".join(state.body.split())
    assert "PAGE 02" not in text and "082030Z" not in text
    assert "SECTION 02 OF 02" not in text
    assert "NNNN" not in text and "SIPDIS" not in text
    assert "TEXT GOES ON AND ON AND CONTINUES HERE." in text
    assert state.cable.captions == ["SIPDIS"]
    assert state.body.count("\n") == body.count("\n")


def test_captions_are_not_read_from_prose() -> None:
    body = ("S E C R E T STATE 000001\n\nNOFORN\n\nE.O. 12958: DECL: 01/01/2019\nTAGS: PREL\n"
            "SUBJECT: X\n\n1. (S) The NODIS and EXDIS channels were discussed.\n")
    state = _state(body)
    banner_rule.apply(state)
    assert state.cable.captions == ["NOFORN"]
    assert state.scratch["banner"] == "SECRET//NOFORN"


def test_missing_banner_is_a_problem_not_a_crash() -> None:
    state = _state("SIPDIS\n\nE.O. 12958: N/A\nTAGS: PREL\n")
    banner_rule.apply(state)
    assert "banner" not in state.scratch
    assert state.cable.captions == ["SIPDIS"]
    assert [p.field for p in state.cable.problems] == ["banner"]


def test_seeds_against_gold(seeds_dir, shared_path) -> None:
    gold = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))
    for name in ("08LONDON3062", "09STATE65183"):
        state = _state(_seed_body(seeds_dir, name))
        banner_rule.apply(state)
        assert state.cable.captions == gold[name]["captions"]
        assert state.cable.sections == gold[name]["sections"]
        assert state.scratch["banner"] == gold[name]["classification"]
        for excluded in gold[name].get("body_excludes", []):
            if "OF 00" in excluded:  # page headers go; the banner itself is the body rule's
                assert excluded not in state.body


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SECRT NOFUAL0123456789\n¶.:/ -PGIDX")), max_size=400))
def test_apply_never_raises_and_keeps_newlines(body: str) -> None:
    state = _state(body)
    banner_rule.apply(state)
    assert state.body.count("\n") == body.count("\n")
    assert len(state.body) == len(body)
    assert 0 <= state.preamble_end <= len(body)
