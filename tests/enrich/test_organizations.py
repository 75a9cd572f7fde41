"""Organisations: gazetteer and shorthand, head-word names, acronyms, governments."""

from __future__ import annotations

from cablescope.enrich import extract, extract_text

from .conftest import record


def _orgs(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.text, m.name, m.subtype) for m in extract_text(text) if m.kind == "ORG"]


def test_shorthand_and_gazetteer() -> None:
    found = _orgs("USG and HMG asked NATO and the United Nations to act.")
    assert ("USG", "United States Government", "government") in found
    assert ("HMG", "Her Majesty's Government", "government") in found
    assert ("NATO", "North Atlantic Treaty Organization", "org") in found
    assert ("United Nations", "United Nations", "org") in found


def test_generic_ministry_takes_the_posts_country() -> None:
    rec = record("The MFA protested.", origin="Embassy Ankara")
    assert [m.name for m in extract(rec) if m.text == "MFA"] == [
        "Ministry of Foreign Affairs (Turkey)"
    ]


def test_head_word_names() -> None:
    found = [t for t, _, _ in _orgs("The Awami Tahrik Movement and the Bank of Lahore met.")]
    assert "Awami Tahrik Movement" in found
    assert "Bank of Lahore" in found


def test_demonym_and_a_generic_head_is_no_organisation() -> None:
    # "the Turkish Embassy": a place mention, the embassy itself stays a nominal.
    assert _orgs("The Turkish Embassy called.") == []


def test_unknown_acronym_in_mixed_case_text() -> None:
    assert ("QXZ", None, "acronym") in _orgs("Officials of QXZ said so.")


def test_country_government_phrase() -> None:
    (m,) = [m for m in extract_text("The Indian Government agreed.") if m.kind == "ORG"]
    assert (m.text, m.name, m.subtype) == ("Indian Government", "Government of India", "government")
