"""The classified_by rule: names, title and normalised reasons of the Classified By line."""

from __future__ import annotations

import json

import pytest

from cablescope.parse.rules import classified_by as classified_by_rule
from cablescope.parse.rules.classified_by import classified_by, classified_by_record, reasons
from cablescope.parse.state import Document, ParseState


def _state(body: str) -> ParseState:
    return ParseState(Document(format="test", body=body, body_line=1))


def test_cablemap_gold(shared_path) -> None:
    path = shared_path("gold", "cablemap-dev", "classified_by.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records
    failures = [
        (r["input"], r["expected"], got)
        for r in records
        if (got := classified_by(r["input"], normalize=r["params"].get("normalize", False)))
        != r["expected"]
    ]
    assert not failures


def test_seeds_against_gold(seeds_dir, shared_path) -> None:
    gold = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))
    for name in ("08LONDON3062", "09STATE65183"):
        text = (seeds_dir / f"{name}.txt").read_text(encoding="utf-8")
        record = classified_by_record(text[text.find("E.O."):])
        assert record is not None
        assert record.to_dict() == gold[name]["classified_by"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reasons 1.4 (b/d)", ["1.4(b)", "1.4(d)"]),
        ("for reason 1.4(b), (d).", ["1.4(b)", "1.4(d)"]),
        ("REASON: 1.4(B), (D)", ["1.4(b)", "1.4(d)"]),
        ("PER 1.5 (B) AND (D).", ["1.5(b)", "1.5(d)"]),
        ("E.O. 12958 1.4 B AND D", ["1.4(b)", "1.4(d)"]),
        ("reasons 1.4 b, c, and d", ["1.4(b)", "1.4(c)", "1.4(d)"]),
        ("Reasons: 1. \n4 (b) a \nnd (d)", ["1.4(b)", "1.4(d)"]),
        ("1.4(b),(d), and (e).", ["1.4(b)", "1.4(d)", "1.4(e)"]),
        ("DUE TO 1,4 (C) AND (D).", ["1.4(c)", "1.4(d)"]),
        ("reasons 1.4 (b) and (d) action request in para 10", ["1.4(b)", "1.4(d)"]),
        ("no reasons at all", []),
    ],
)
def test_reasons(text: str, expected: list[str]) -> None:
    assert reasons(text) == expected


@pytest.mark.parametrize(
    ("text", "names", "title"),
    [
        ("Classified By: PolMinCouns Greg Berry, reasons 1.4 (b/d).", ["Greg Berry"],
         "PolMinCouns"),
        ("Classified By: PJONES for reason 1.4(b), (d).", ["PJONES"], None),
        ("CLASSIFIED BY: Rose E. Gottemoeller, Assistant Secretary, Department of State, VCI; "
         "REASON: 1.4(B), (D)", ["Rose E. Gottemoeller"],
         "Assistant Secretary, Department of State, VCI"),
        ("Classified By: Amb. Carol van Voorst for reasons 1.4 (b) and (d).",
         ["Carol van Voorst"], "Amb"),
        ("Classified By: Acting Economic-Political Counselor Gregory LoGerfo for reasons 1.4 (b)",
         ["Gregory LoGerfo"], "Acting Economic-Political Counselor"),
        ("Classified By: A/DCM Daniel O,Grady for reason 1.4(d).", ["Daniel O'Grady"], "A/DCM"),
        ("Classified By: Charge d'Affaires Todd Chapman for reasons 1.4 (b+d)", ["Todd Chapman"],
         "Charge d'Affaires"),
        ("Classified By: Derived from Multiple Sources\n\n1. (S) Text.", [],
         "Derived from Multiple Sources"),
        ("CLASSIFIED BY: XXXXXXXXXXXX, Ambassador, U.S. Embassy Tripoli. REASON: 1.4 (b), (d)",
         [], "XXXXXXXXXXXX, Ambassador, U.S. Embassy Tripoli"),
    ],
)
def test_records(text: str, names: list[str], title: str | None) -> None:
    record = classified_by_record(text)
    assert record is not None
    assert record.names == names
    assert record.title == title


def test_normalize() -> None:
    text = "\n1. (U) CLASSIFIED BY LEE 0. COLDREN, DIRECTOR. REASON: 1.5(D).\n"
    assert classified_by(text) == ["LEE 0. COLDREN"]
    assert classified_by(text, normalize=True) == ["Lee O. Coldren"]
    assert classified_by("Classified By: AMBASSADOR JOHN MCNAMARA, REASONS 1.4(B)",
                         normalize=True) == ["John McNamara"]


def test_prose_is_not_a_classified_by_line() -> None:
    text = ("SUBJECT: X\n\n1. (U) Water that is classified by AyA as unpotable.\n"
            "2. (U) More.\n")
    assert classified_by_record(text) is None


def test_apply_before_the_text_advances_the_preamble() -> None:
    body = ("S E C R E T STATE 1\nSUBJECT: X\n\nClassified By: DCM Nancy McEldowney; reasons "
            "1.4 b and d.\n\n1. (S) Text.\n")
    state = _state(body)
    classified_by_rule.apply(state)
    assert state.cable.classified_by is not None
    assert state.cable.classified_by.to_dict() == {
        "names": ["Nancy McEldowney"], "title": "DCM", "reasons": ["1.4(b)", "1.4(d)"]}
    assert state.preamble_end == body.index("\n\n1.")


def test_apply_inside_paragraph_one_leaves_the_preamble() -> None:
    body = ("CONFIDENTIAL DAMASCUS 1\nSUBJECT: X\n\n1. CONFIDENTIAL - ENTIRE TEXT.  CLASSIFIED "
            "BY:\nCHRISTOPHER W.S. ROSS, AMBASSADOR.  REASON: 1.5 (D) .\n\n2. SUMMARY.\n")
    state = _state(body)
    classified_by_rule.apply(state)
    assert state.cable.classified_by is not None
    assert state.cable.classified_by.names == ["CHRISTOPHER W.S. ROSS"]
    assert state.preamble_end == 0


def test_unreadable_line_is_a_problem() -> None:
    state = _state("S E C R E T STATE 1\nSUBJECT: X\n\nClassified By: ...\n\n1. (S) Text.\n")
    classified_by_rule.apply(state)
    assert [(p.field, p.line) for p in state.cable.problems] == [("classified_by", 4)]


def test_characters_that_lower_to_two_keep_offsets() -> None:
    """``İ`` lower-cases to two characters: the label must still be found where it is."""
    line = "Classified By: Consul General Sandra Oudkirk, for reasons 1.4 (b) and (d).\n"
    plain = classified_by_record("ISTANBUL 000123\n\n" + line)
    dotted = classified_by_record("İSTANBUL İZMİR 000123\n\n" + line)
    assert plain is not None and plain.names
    assert dotted is not None
    assert dotted.to_dict() == plain.to_dict()


def test_characters_that_lower_to_two_keep_the_block_offsets() -> None:
    """The block found in a text with ``İ`` starts at the label, not some characters on."""
    body = "SUBJECT: İZMİR PORT\n\nClassified By: DCM Jane Doe, reasons 1.4 (b), (d)\n"
    found = classified_by_rule.find_classified_by(body)
    assert found is not None
    assert body[found.start :].startswith("Classified By")
