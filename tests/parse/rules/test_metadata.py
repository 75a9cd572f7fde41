"""The metadata rule: the publication's id, date, origin and classification, normalised.

Expected values come from the seeds' expected records (gold/seeds.json), from the real
CSV sample rows, and from the classification spellings of the cablegate pages.
"""

from __future__ import annotations

import csv
import json

import pytest

from cablescope.parse.rules.metadata import apply, normalize_classification, year_from
from cablescope.parse.state import Document, ParseState

CORPUS_CLASSIFICATIONS = {
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "SECRET",
    "SECRET//NOFORN",
}


def _apply(**metadata: object) -> ParseState:
    state = ParseState(Document(format="test", body="", metadata=dict(metadata)))
    apply(state)
    return state


def test_copies_and_normalises() -> None:
    state = _apply(id="05RIO123", subject="  BRAZIL:  A   TEST ", date="2005-02-03 10:11",
                   released="2011-01-21", classification="secret//noforn",
                   origin=" Consulate  Rio De Janeiro ")
    cable = state.cable
    assert cable.id == "05RIODEJANEIRO123"
    assert cable.date == "2005-02-03"
    assert cable.released == "2011-01-21"
    assert cable.classification == "SECRET//NOFORN"
    assert cable.origin == "Consulate Rio De Janeiro"
    assert state.scratch["metadata_subject"] == "BRAZIL: A TEST"
    assert state.year == 2005
    assert [p.field for p in cable.problems] == ["id"]  # the id had to be repaired
    assert "05RIO123" in cable.problems[0].message


def test_a_good_id_records_no_problem() -> None:
    state = _apply(id="08LONDON3062", date="2008-12-08")
    assert state.cable.id == "08LONDON3062"
    assert state.cable.problems == []


def test_year_from_the_id_when_there_is_no_date() -> None:
    assert _apply(id="66BUENOSAIRES2481").year == 1966
    assert _apply(id="09STATE65183").year == 2009
    assert year_from(None, None) is None
    assert year_from("1999-12-31", "05STATE1") == 1999  # the date wins


def test_no_metadata_sets_nothing() -> None:
    state = _apply()
    assert state.cable.id is None
    assert state.cable.date is None
    assert state.year is None
    assert "metadata_subject" not in state.scratch
    assert state.cable.problems == []


def test_unreadable_date_is_a_problem() -> None:
    state = _apply(id="08LONDON3062", date="sometime in spring")
    assert state.cable.date is None
    assert [p.field for p in state.cable.problems] == ["date"]
    assert state.year == 2008  # still known from the id


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("SECRET//NOFORN", "SECRET//NOFORN"),
        ("secret//noforn", "SECRET//NOFORN"),
        ("Secret / Noforn", "SECRET//NOFORN"),
        ("SECRET NOFORN", "SECRET//NOFORN"),
        ("S//NF", "SECRET//NOFORN"),
        ("confidential//noforn", "CONFIDENTIAL//NOFORN"),
        ("unclassified//fouo", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("UNCLASSIFIED FOR OFFICIAL USE ONLY", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("Unclassified", "UNCLASSIFIED"),
        ("CONFIDENTIAL", "CONFIDENTIAL"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_classification(written: str | None, normalised: str | None) -> None:
    assert normalize_classification(written) == normalised


def test_seeds_metadata(shared_path, seeds_dir) -> None:
    """The seeds' 5-line metadata block gives the expected id, date, class and origin."""
    expected = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert len(seeds) == 2
    for seed in seeds:
        ident, subject, date, classification, origin = (
            seed.read_text(encoding="utf-8").split("\n")[:5]
        )
        state = _apply(id=ident, subject=subject, date=date, classification=classification,
                       origin=origin)
        want = expected[seed.stem]
        for key in ("id", "origin", "date", "classification"):
            assert getattr(state.cable, key) == want[key], (seed.name, key)
        assert state.year == int(want["date"][:4])


def test_csv_sample_rows(shared_path) -> None:
    """Real CSV rows (US dates, corpus classifications) come out canonical and dated."""
    path = shared_path("corpus", "cables-csv", "cables_sample.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, escapechar="\\"))
    assert rows
    for row in rows:
        _number, created, ident, origin, classification, *_rest = row
        state = _apply(id=ident, date=created, origin=origin, classification=classification)
        month, day, year = created.split()[0].split("/")
        assert state.cable.date == f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        assert state.year == int(year)
        assert state.cable.id == ident  # the sample's ids are well formed
        assert state.cable.classification in CORPUS_CLASSIFICATIONS
        assert state.cable.problems == []
