"""The rules for persons in ALL CAPS telegrams: names listed next to a person, one person
tagged as two, middle initials, names after honorifics, portfolios before a title.

The CRF is switched off here so each rule is tested alone (the model may find the same
names from context, which would hide a broken rule).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cablescope.enrich import extract_text, model, persons
from cablescope.enrich.lexicon import casing
from cablescope.enrich.state import FieldState


@pytest.fixture(autouse=True)
def rules_only() -> Iterator[None]:
    model.ENABLED = False
    try:
        yield
    finally:
        model.ENABLED = True


def _persons(text: str) -> list[str]:
    return [m.text for m in extract_text(text) if m.kind == "PERSON"]


def test_bare_name_listed_next_to_a_person_is_a_person() -> None:
    assert "FOURIE" not in casing()  # unknown word: nothing else makes it a name
    found = _persons("IN THE ABSENCE OF PRESIDENT KORUTURK AND FOURIE THE TALKS STOPPED.")
    assert found == ["PRESIDENT KORUTURK", "FOURIE"]


def test_listed_names_chain_both_ways_and_through_commas() -> None:
    found = _persons("LEADERS (NAPURI , SCORZA AND PRESIDENT LEDESMA) MET.")
    assert sorted(found) == ["NAPURI", "PRESIDENT LEDESMA", "SCORZA"]


@pytest.mark.parametrize("other", ["JCP", "GREEN", "EMBASSY"])
def test_acronyms_and_common_words_next_to_a_person_stay_unnamed(other: str) -> None:
    found = _persons(f"PRESIDENT KORUTURK AND {other} MET TODAY.")
    assert found == ["PRESIDENT KORUTURK"]


def test_two_persons_back_to_back_are_one_person() -> None:
    state = FieldState("TALKS WITH GALINDO POHL ENDED")
    state.add(2, 3, "PERSON", source="model")
    state.add(3, 4, "PERSON", source="model")
    persons.merge_adjacent(state)
    assert [(m.text, m.key, m.tokens) for m in state.mentions] == [
        ("GALINDO POHL", ("GALINDO", "POHL"), (2, 4))
    ]
    assert state.ctx.persons["POHL"] == ("GALINDO", "POHL")


def test_persons_split_by_a_comma_stay_apart() -> None:
    state = FieldState("TALKS WITH BOTHA, FOURIE ENDED")
    state.add(2, 3, "PERSON", source="model")
    state.add(3, 4, "PERSON", source="model")
    persons.merge_adjacent(state)
    assert [m.text for m in state.mentions] == ["BOTHA", "FOURIE"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("REPLY TO MR. MALCOLM K. WAGLAND, MANAGING DIRECTOR", "MR. MALCOLM K. WAGLAND"),
        ("We met John R. Smith today.", "John R. Smith"),
    ],
)
def test_middle_initials_stay_inside_the_name(text: str, name: str) -> None:
    assert _persons(text) == [name]


@pytest.mark.parametrize("word", ["SOLE", "STONE", "PENCE"])
def test_any_word_after_an_honorific_or_abbreviated_title_is_a_name(word: str) -> None:
    assert casing()[word] % 10 >= 7  # mostly a lower-case word: no name without the title
    assert _persons(f"DELIVERED TO AMB. {word} TODAY.") == [f"AMB. {word}"]
    assert _persons(f"CALL MR. {word} TODAY.") == [f"MR. {word}"]


def test_a_full_stop_after_a_full_title_ends_the_sentence() -> None:
    assert _persons("HE WAS NAMED FOREIGN MINISTER. ACCORDING TO THE PRESS, HE") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("SPEECH BY EDUCATION MINISTER JAGATSINGH , A", "EDUCATION MINISTER JAGATSINGH"),
        ("IN ABSENCE OF STATE SECRETARY FRANK AND", "STATE SECRETARY FRANK"),
        ("SUMMARY: VICE PREMIER JAGIELSKI , VISITING", "VICE PREMIER JAGIELSKI"),
    ],
)
def test_portfolio_before_a_bare_title_belongs_to_the_mention(text: str, span: str) -> None:
    (m,) = [m for m in extract_text(text) if m.kind == "PERSON"]
    assert m.text == span
    assert m.key == (span.split()[-1],)


def test_known_persons_joined_by_a_hyphen_stay_apart() -> None:
    state = FieldState("THE MUKHERJEE-ZARDARI TALKS")
    state.add(1, 2, "PERSON", source="propagated", key=("PRANAB", "MUKHERJEE"))
    state.add(2, 3, "PERSON", source="propagated", key=("ASIF", "ZARDARI"))
    persons.merge_adjacent(state)
    assert [m.key for m in state.mentions] == [("PRANAB", "MUKHERJEE"), ("ASIF", "ZARDARI")]
