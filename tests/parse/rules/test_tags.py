"""The tags rule: the TAGS line in all its spellings, and what kind each tag is."""

from __future__ import annotations

import json

import pytest

from cablescope.parse.rules import tags as tags_rule
from cablescope.parse.rules.tags import tag_kind, tags
from cablescope.parse.state import Document, ParseState


def _state(body: str) -> ParseState:
    return ParseState(Document(format="test", body=body, body_line=1))


def _gold(shared_path, field: str) -> list[dict]:
    path = shared_path("gold", "cablemap-dev", f"{field}.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_cablemap_gold_tags(shared_path) -> None:
    records = _gold(shared_path, "tags")
    assert records
    failures = [
        (r["input"], r["expected"], got)
        for r in records
        if (got := tags(r["input"], canonicalize=r["params"].get("canonicalize", True)))
        != r["expected"]
    ]
    assert not failures


def test_cablemap_gold_tag_kind(shared_path) -> None:
    records = _gold(shared_path, "tag_kind")
    assert records
    assert all(tag_kind(r["input"], default=r["params"].get("default", "UNKNOWN"))
               == r["expected"] for r in records)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TAGS: PREL PGOV PTER PINR IN PK CH UK", ["PREL", "PGOV", "PTER", "PINR", "IN", "PK",
                                                    "CH", "UK"]),
        ("TAGS PREL;PGOV;KCOR;HU;HR \nSUBJECT: X", ["PREL", "PGOV", "KCOR", "HU", "HR"]),
        ("TAGS;  PGOV, TU \nSUBJ: X", ["PGOV", "TU"]),
        ("E.O. 12958: DECL: 08/22/2017 AGS: PGOV, PREL, AR \n\nSUBJECT: X", ["PGOV", "PREL", "AR"]),
        ("TAGS: OVIP (CLINTON, HILLARY), PREL, AS", ["OVIP", "CLINTON, HILLARY", "PREL", "AS"]),
        ("TAGS: OVIP RICE CONDOLEEZZA KISL LE", ["OVIP", "RICE, CONDOLEEZZA", "KISL", "LE"]),
        ("TAGS: PREL IZPREL MASSMNUC", ["PREL", "IZ", "MASS", "MNUC"]),
        ("TAGS: ECON\nEINV\nSUBJECT: X", ["ECON", "EINV"]),
        ("TAGS: ECON\nSOMETHING ELSE\n\nREF: X", ["ECON"]),
        ("TAGS: PTER, SIPDIS, PGOV", ["PTER", "PGOV"]),
        ("no tags line here", []),
        ("C O R R E C T E D C O P Y (ADDED TAG)\nTAGS: PREL FR", ["PREL", "FR"]),
    ],
)
def test_forms(text: str, expected: list[str]) -> None:
    assert tags(text) == expected


def test_without_canonicalisation_words_stay_as_written() -> None:
    assert tags("TAGS: PTER, MOPPS, PTER", canonicalize=False) == ["PTER", "MOPPS", "PTER"]
    assert tags("TAGS: PTER, MOPPS, PTER") == ["PTER", "MOPS"]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [("PREL", "SUBJECT"), ("kcrm", "PROGRAM"), ("UK", "GEO"), ("NATO", "ORG"),
     ("STEINBERG, JAMES B.", "PERSON"), ("COUNTRY CLEARANCE", "UNKNOWN"), ("", "UNKNOWN")],
)
def test_tag_kind(tag: str, kind: str) -> None:
    assert tag_kind(tag) == kind


def test_tag_kind_default() -> None:
    assert tag_kind("ZZZZZZ", default="OTHER") == "OTHER"


def test_apply_sets_tags_and_advances_preamble() -> None:
    body = "S E C R E T STATE 1\n\nE.O. 12958: N/A\nTAGS: PREL, \nPGOV\nSUBJECT: X\n"
    state = _state(body)
    tags_rule.apply(state)
    assert state.cable.tags == ["PREL", "PGOV"]
    assert state.preamble_end == state.scratch["tags_end"] == body.index("\nSUBJECT")
    assert not state.cable.problems


def test_empty_tags_line_is_a_problem() -> None:
    state = _state("S E C R E T STATE 1\n\nTAGS: \nSUBJECT: X\n")
    tags_rule.apply(state)
    assert state.cable.tags == []
    assert [(p.field, p.line) for p in state.cable.problems] == [("tags", 3)]


def test_raw_text_corpus_has_tags(shared_path) -> None:
    folder = shared_path("corpus", "raw-text")
    files = sorted(folder.glob("*.txt"))
    assert files
    for path in files:
        text = path.read_text(encoding="latin-1").replace("\r\n", "\n")
        found = tags(text[text.find("E.O."):] if "E.O." in text else text)
        assert found, path.name
        assert all(tag == tag.upper() and tag.strip() for tag in found)
