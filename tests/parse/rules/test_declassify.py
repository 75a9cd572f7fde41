"""The declassify rule: the E.O. line's date or marker."""

from __future__ import annotations

import json

import pytest

from cablescope.parse.rules import declassify as declassify_rule
from cablescope.parse.rules.declassify import declassify_on
from cablescope.parse.state import Document, ParseState


def _state(body: str) -> ParseState:
    return ParseState(Document(format="test", body=body, body_line=10))


def test_cablemap_gold(shared_path) -> None:
    path = shared_path("gold", "cablemap-dev", "deadline.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records
    failures = [(r["input"], r["expected"], declassify_on(r["input"])) for r in records
                if declassify_on(r["input"]) != r["expected"]]
    assert not failures


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("E.O. 12958: DECL: 12/08/2018", "2018-12-08"),
        ("EO 12958 DECL: 12/31/2034", "2034-12-31"),
        ("E.o. 12958: decl: 07/01/2034", "2034-07-01"),
        ("E.O. 13526: DECL: 2019/12/31", "2019-12-31"),
        ("E.O. 12958: DECL: 2009-01-02", "2009-01-02"),
        ("EO 12958: decl: 06/30/08", "2008-06-30"),
        ("E.O. 12958: DECL:  8/20/2019 ", "2019-08-20"),
        ("E.O. 12958: DECL ON: 01/02/2019", "2019-01-02"),
        ("E.O. 12958: DECLASSIFY 12/31/2017", "2017-12-31"),
        ("E.O.12958: DECL 5/6/2012  TAGS: PREL", "2012-05-06"),
        ("E.0. 12958: DECL: 01/01/2011", "2011-01-01"),
        ("E.O. 12958: \nDECL: 06/09/2015 \nTAGS: KIPR", "2015-06-09"),
        ("E.O. 12065: GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P", "1985-08-12"),
        ("E. O. 11652: GDS", "GDS"),
        ("E.O. 12065: XGDS-2", "XGDS-2"),
        ("E.O. 12356: DECL:OADR", "OADR"),
        ("E.O. 12958: DECL: 1.6X1", "X1"),
        ("E.O. 12958: DECL: (X1)", "X1"),
        ("E.O. 12958: DECL: TWENTY YEARS", "TWENTY YEARS"),
        ("E.O. 12958: DNG: CO 04/08/2026", "DNG: CO 04/08/2026"),
        ("E.O. 12958: N/A", None),
        ("E.O. 12958:N/A TAGS: PREL", None),
        ("E.o. 12958: n/a", None),
        ("E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009", None),
        ("E.O. 12958: AS AMENDED; DECLASSIFIED JUNE 21, 2006", None),
        ("no E.O. line at all", None),
        ("Classified By: DCM Nancy McEldowney; E.O. 12958, reasons 1.4 (b,d)", None),
    ],
)
def test_forms(line: str, expected: str | None) -> None:
    assert declassify_on(line) == expected


def test_flattened_line_stops_at_tags() -> None:
    text = ("C O N F I D E N T I A L LONDON 000255NOFORNSIPDISPLEASE PASS TO EEB/TRAE.O. 12958: "
            "DECL: 02/03/2020TAGS: EAIR ECON")
    assert declassify_on(text) == "2020-02-03"


def test_apply_sets_field_and_advances_preamble() -> None:
    body = "S E C R E T STATE 1\n\nE.O. 12958: DECL: 12/08/2018 \nTAGS: PREL\n"
    state = _state(body)
    declassify_rule.apply(state)
    assert state.cable.declassify_on == "2018-12-08"
    assert state.preamble_end >= body.index("2018") + 4
    assert state.preamble_end <= body.index("TAGS")
    assert not state.cable.problems


def test_nara_stamp_keeps_its_date_in_scratch() -> None:
    state = _state("UNCLASSIFIED X 1\n\nE.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009\n")
    declassify_rule.apply(state)
    assert state.cable.declassify_on is None
    assert state.scratch["declassified_on"] == "2009-09-02"
    assert not state.cable.problems


@pytest.mark.parametrize("value", ["DECL: 13/45/2018", "", "DE..."])
def test_unreadable_line_is_a_problem_with_its_line(value: str) -> None:
    state = _state(f"S E C R E T STATE 1\n\nE.O. 12958: {value}\nTAGS: PREL\n")
    declassify_rule.apply(state)
    assert state.cable.declassify_on is None
    assert [p.field for p in state.cable.problems] == ["declassify_on"]
    assert state.cable.problems[0].line == 12


def test_only_the_preamble_is_read() -> None:
    body = "S E C R E T STATE 1\n\n" + "1. (S) Text.\n" * 400 + "E.O. 12958: DECL: 01/01/2020\n"
    state = _state(body)
    declassify_rule.apply(state)
    assert state.cable.declassify_on is None
