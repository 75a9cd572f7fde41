"""Persons without titles, signatures, and the cable-level propagation of names."""

from __future__ import annotations

from cablescope.enrich import extract, extract_text

from .conftest import record


def _persons(found) -> list[str]:
    return [m.text for m in found if m.kind == "PERSON"]


def test_given_name_and_capitalised_runs() -> None:
    assert _persons(extract_text("He spoke with Altaf Hussein and Lyall Grant.")) == [
        "Altaf Hussein",
        "Lyall Grant",
    ]


def test_months_and_sentence_starts_are_no_persons() -> None:
    assert _persons(extract_text("Summary. On December 5 the talks began.")) == []


def test_signature_field() -> None:
    rec = record("Text.", signers=["CLINTON"])
    (m,) = [m for m in extract(rec) if m.field == "signature"]
    assert (m.kind, m.text, m.start, m.end) == ("PERSON", "CLINTON", 0, 7)


def test_propagation_into_all_caps_subject() -> None:
    rec = record(
        "Assistant Secretary Boucher met Mark Lyall Grant.", subject="LYALL GRANT AND BOUCHER AGREE"
    )
    subject = [(m.text, m.kind, m.key) for m in extract(rec) if m.field == "subject"]
    assert ("LYALL GRANT", "PERSON", ("MARK", "LYALL", "GRANT")) in subject
    assert ("BOUCHER", "PERSON", ("BOUCHER",)) in subject


def test_all_caps_bare_surname_with_a_title_elsewhere() -> None:
    rec = record("PRESIDENT GHASHMI ARRIVED.", "LATER GHASHMI SPOKE TO THE ARMY.")
    para2 = [m for m in extract(rec) if m.paragraph == 2 and m.kind == "PERSON"]
    assert [m.text for m in para2] == ["GHASHMI"]
