"""Persons with a title or role; the role is kept apart from the name key."""

from __future__ import annotations

import pytest

from cablescope.enrich import extract_text


@pytest.mark.parametrize(
    ("text", "mention", "role", "key"),
    [
        (
            "Assistant Secretary Boucher arrived.",
            "Assistant Secretary Boucher",
            "Assistant Secretary",
            ("BOUCHER",),
        ),
        ("Then A/S Boucher cleared it.", "A/S Boucher", "A/S", ("BOUCHER",)),
        ("He urged General Kayani to act.", "General Kayani", "General", ("KAYANI",)),
        (
            "Classified By: PolMinCouns Greg Berry, reasons",
            "PolMinCouns Greg Berry",
            "PolMinCouns",
            ("GREG", "BERRY"),
        ),
        (
            "PRESIDENT KORUTURK RECEIVED THE AMBASSADOR",
            "PRESIDENT KORUTURK",
            "PRESIDENT",
            ("KORUTURK",),
        ),
        (
            "Deputy Assistant Secretary Jane Doe spoke.",
            "Deputy Assistant Secretary Jane Doe",
            "Deputy Assistant Secretary",
            ("JANE", "DOE"),
        ),
    ],
)
def test_title_and_name(text: str, mention: str, role: str, key: tuple[str, ...]) -> None:
    persons = [m for m in extract_text(text) if m.kind == "PERSON"]
    assert [(m.text, m.role, m.key) for m in persons] == [(mention, role, key)]
    assert text[persons[0].start : persons[0].end] == mention


def test_title_without_name_is_no_person() -> None:
    found = extract_text("The Secretary met the General Assembly and the major parties.")
    assert not [m for m in found if m.kind == "PERSON"]


def test_honorific_is_no_role() -> None:
    (m,) = [m for m in extract_text("We met Mr. Copeland today.") if m.kind == "PERSON"]
    assert m.text == "Mr. Copeland" and m.role is None and m.key == ("COPELAND",)


def test_premodifiers_join_the_title_phrase() -> None:
    text = "FORMER PRIME MINISTER WHITLAM AND ACTING SECRETARY SMITH MET THEN AMBASSADOR RICE."
    persons = [(m.text, m.key) for m in extract_text(text) if m.kind == "PERSON"]
    assert ("FORMER PRIME MINISTER WHITLAM", ("WHITLAM",)) in persons
    assert ("ACTING SECRETARY SMITH", ("SMITH",)) in persons
    assert ("THEN AMBASSADOR RICE", ("RICE",)) in persons


def test_a_date_ends_the_name_after_a_title() -> None:
    persons = [m.text for m in extract_text("HE TELEPHONED CHAIRMAN DORSEY JUNE 2.")]
    assert "CHAIRMAN DORSEY" in persons
    assert not any("JUNE" in p for p in persons)
