"""The subject rule: the SUBJECT line (however it ends) and its headline-case title."""

from __future__ import annotations

import json

import pytest

from cablescope.parse.rules import subject as subject_rule
from cablescope.parse.rules.subject import subject, titlefy
from cablescope.parse.state import Document, ParseState


def _state(body: str) -> ParseState:
    return ParseState(Document(format="test", body=body, body_line=1))


def _gold(shared_path, field: str) -> list[dict]:
    path = shared_path("gold", "cablemap-dev", f"{field}.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_cablemap_gold_subject(shared_path) -> None:
    records = _gold(shared_path, "subject")
    assert records
    failures = [
        (r["input"], r["expected"], got)
        for r in records
        if (got := subject(r["input"], clean=r["params"].get("clean", True))) != r["expected"]
    ]
    assert not failures


def test_cablemap_gold_titlefy(shared_path) -> None:
    records = _gold(shared_path, "titlefy")
    assert records
    failures = [(r["expected"], titlefy(r["input"])) for r in records
                if titlefy(r["input"]) != r["expected"]]
    assert not failures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SUBJECT: PAKISTAN: LYALL GRANT AND BOUCHER AGREE ON \nPAKISTAN FOCUS \n \nClassified",
         "PAKISTAN: LYALL GRANT AND BOUCHER AGREE ON PAKISTAN FOCUS"),
        ("SUBJ: TERRORIST KILL FOUR POLICEMEN IN ANTALYA \n\n1. SUMMARY",
         "TERRORIST KILL FOUR POLICEMEN IN ANTALYA"),
        ("SUBJECT: MEDIA REACTION THE US- \nLATIN AMERICAN RELATIONSHIP\n\n",
         "MEDIA REACTION THE US-LATIN AMERICAN RELATIONSHIP"),
        ("SUBJECT: (C) COTE D'IVOIRE:  UK SHARES U.S. CONCERNS\nREF: A. X",
         "COTE D'IVOIRE: UK SHARES U.S. CONCERNS"),
        ("SUBJECT: PUTIN VISIT TO LIBYA EXPECTED BY END OF APRIL TRIPOLI 00000297 001.2 OF 002 "
         "CLASSIFIED BY: X", "PUTIN VISIT TO LIBYA EXPECTED BY END OF APRIL"),
        ("SUBJECT: WHO WOULD REPLACE GORDON BROWN AS UK PRIMEREF: A. LONDON 1939",
         "WHO WOULD REPLACE GORDON BROWN AS UK PRIME"),
        ("SUBJECT: : MEXICANS DIFFER ON THE EFFECTS\n\n", "MEXICANS DIFFER ON THE EFFECTS"),
        ("SUBJECT: X\n1. (C) Summary", "X"),
        ("SUBJECT: A PART\n------\nSummary\n", "A PART"),
        ("no subject here", ""),
        ("C O R R E C T E D COPY//SUBJECT LINE////\n\nSUBJECT: THE REAL ONE\n", "THE REAL ONE"),
    ],
)
def test_forms(text: str, expected: str) -> None:
    assert subject(text) == expected


def test_clean_keeps_or_strips_the_portion_mark() -> None:
    assert subject("SUBJECT: (S/NF) A SECRET MATTER\n\n", clean=False) == "(S/NF) A SECRET MATTER"
    assert subject("SUBJECT: (S/NF) A SECRET MATTER\n\n") == "A SECRET MATTER"
    assert subject("SUBJECT: iran's dio (s)\n\n") == "iran's dio"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HMG STRESSES U.S.-UK COORDINATION ON AFGHANISTAN STRATEGY",
         "HMG Stresses U.S.-UK Coordination on Afghanistan Strategy"),
        ("THE NEW GERMAN CABINET - AN OVERVIEW", "The New German Cabinet - An Overview"),
        ("ACCELERATION OF F-4ES FOR IRAN", "Acceleration of F-4ES for Iran"),
        ("WE DON'T KNOW WHERE IT IS", "We Don't Know Where It Is"),
        ("Scenesetter for DoD Visit", "Scenesetter for DoD Visit"),
        ("", ""),
    ],
)
def test_titlefy(raw: str, expected: str) -> None:
    assert titlefy(raw) == expected


def test_apply_sets_subject_title_and_preamble() -> None:
    body = "S E C R E T STATE 1\nTAGS: PREL\nSUBJECT: SAG AGREES TO\nPROTECT OIL\n\nREF: X\n"
    state = _state(body)
    subject_rule.apply(state)
    assert state.cable.subject == "SAG AGREES TO PROTECT OIL"
    assert state.cable.title == "SAG Agrees to Protect Oil"
    assert state.preamble_end == body.index("OIL") + 3


def test_unlabelled_subject_after_tags() -> None:
    body = ("C O N F I D E N T I A L BRASILIA 002231\n\nE.O. 12958: DECL: 08/19/2015 \n"
            "TAGS: PREL MARR BR UNSC US\nDISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005 \n\n"
            "REF: STATE 149277\n")
    state = _state(body)
    state.scratch["tags_end"] = body.index("\nDISCUSS")
    subject_rule.apply(state)
    assert state.cable.subject == "DISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005"


def test_metadata_subject_is_the_fallback() -> None:
    state = _state("S E C R E T STATE 1\nTAGS: PREL\n\n1. (S) No subject line at all.\n")
    state.scratch["metadata_subject"] = "FROM THE   PUBLICATION"
    subject_rule.apply(state)
    assert state.cable.subject == "FROM THE PUBLICATION"
    assert state.cable.title == "From the Publication"


def test_empty_subject_is_a_problem() -> None:
    state = _state("S E C R E T STATE 1\nTAGS: PREL\nSUBJECT:\n\n\n\n\n1. (S) Text.\n")
    subject_rule.apply(state)
    assert state.cable.subject is None
    assert [(p.field, p.line) for p in state.cable.problems] == [("subject", 3)]


def test_raw_text_corpus_has_subjects(shared_path) -> None:
    files = sorted(shared_path("corpus", "raw-text").glob("*.txt"))
    assert files
    for path in files:
        text = path.read_text(encoding="latin-1").replace("\r\n", "\n")
        found = subject(text[text.find("E.O."):])
        assert len(found) > 10, path.name
        assert "\n" not in found and "  " not in found
