"""The CRF's labels made consistent within a cable."""

from __future__ import annotations

from cablescope.enrich import consistency
from cablescope.enrich.state import CableContext, FieldState


def _fields() -> tuple[FieldState, FieldState]:
    ctx = CableContext()
    first = FieldState("FOCEP AND APRA MET. FOCEP WON.", ctx)
    second = FieldState("FOCEP LOST; KAMEL SAID SO.", ctx)
    return first, second


def test_minority_labels_of_a_name_follow_the_majority() -> None:
    first, second = _fields()
    first.add(0, 1, "ORG", source="model")
    first.add(4, 5, "ORG", source="model")
    second.add(0, 1, "PERSON", source="model")
    second.add(2, 3, "PERSON", source="model")
    for state in (first, second):
        consistency.apply(state)
    kinds = [(m.text, m.kind) for s in (first, second) for m in s.mentions]
    assert kinds == [("FOCEP", "ORG"), ("FOCEP", "ORG"), ("FOCEP", "ORG"), ("KAMEL", "PERSON")]


def test_rule_mentions_and_untagged_words_are_left_alone() -> None:
    first, second = _fields()
    first.add(0, 1, "PERSON", source="title")
    first.add(4, 5, "ORG", source="model")
    second.add(0, 1, "ORG", source="model")
    for state in (first, second):
        consistency.apply(state)
    assert [m.kind for m in first.mentions] == ["PERSON", "ORG"]
    assert [m.text for m in second.mentions] == ["FOCEP"]
    assert len(first.mentions) == 2  # the untagged "APRA" is not guessed
