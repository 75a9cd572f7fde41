"""Events named explicitly: a place (or name) and a head word, made specific."""

from __future__ import annotations

from cablescope.enrich import extract_text


def _events(text: str) -> list[str]:
    return [m.text for m in extract_text(text) if m.kind == "EVENT"]


def test_dated_and_definite_events() -> None:
    text = "As the November 2008 Mumbai attack has shown, the Mumbai attacks matter."
    assert _events(text) == ["November 2008 Mumbai attack", "Mumbai attacks"]
    # The place keeps its own mention inside the event.
    assert [m.text for m in extract_text(text) if m.kind == "PLACE"] == ["Mumbai", "Mumbai"]


def test_an_organisations_attack_is_no_event() -> None:
    assert _events("Another LeT attack on India could follow; an attack is likely.") == []
