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


def _caps_orgs(text: str) -> list[tuple[str, str | None]]:
    """ORG mentions of the rules alone (the CRF may add more on free tokens)."""
    from cablescope.enrich import model

    model.ENABLED = False
    try:
        return [(m.text, m.subtype) for m in extract_text(text) if m.kind == "ORG"]
    finally:
        model.ENABLED = True


def test_listed_acronyms_in_all_caps_text() -> None:
    from cablescope.data import acronyms

    listed = {a.upper() for a in acronyms()}
    assert {"APRA", "USLO", "RPT"} <= listed  # the reference list knows all three
    found = _caps_orgs("THE APRA AND USLO WILL MEET GHASHMI, RPT GHASHMI, IN LIMA.")
    assert ("APRA", "acronym") in found and ("USLO", "acronym") in found
    texts = [t for t, _ in found]
    assert "GHASHMI" not in texts  # unknown word: no list says it is an acronym
    assert "RPT" not in texts  # telegram shorthand for "repeat", no organisation


def test_broken_word_is_no_acronym() -> None:
    # "ING" is mostly written in capitals in mixed-case cables (ING Bank), but here it is
    # the end of a word the telegram split at a line end.
    assert _caps_orgs("EXCLUDING SHIPS FOR SCRAPP- ING, VS. 1.8 MILLION TONS.") == []


def test_bodies_named_with_plain_words_in_all_caps() -> None:
    found = _caps_orgs(
        "THE LEGAL COMMITTEE AND THE COMMISSION ON HUMAN RIGHTS MET. THE SAME COMMITTEE "
        "AND A WORKING GROUP DID NOT."
    )
    texts = [t for t, _ in found]
    assert "LEGAL COMMITTEE" in texts
    assert "COMMISSION ON HUMAN RIGHTS" in texts
    assert not any("SAME" in t or "WORKING" in t for t in texts)


def test_body_name_takes_the_place_before_it() -> None:
    found = _caps_orgs("HE CALLED ON THE BRITISH HIGH COMMISSION AND THE SWEDISH ARMED FORCES.")
    assert [t for t, _ in found] == ["BRITISH HIGH COMMISSION", "SWEDISH ARMED FORCES"]
    # Mixed-case text keeps its own rules: "the Turkish Embassy" stays a place mention.
    assert _caps_orgs("The Turkish Embassy called.") == []


def test_officials_and_authorities_speak_for_the_state() -> None:
    mentions = extract_text("SOVIET OFFICIALS AND THE CHILEAN AUTHORITIES SAID THE US REP AGREED.")
    govs = [(m.text, m.name) for m in mentions if m.subtype == "government"]
    assert ("SOVIET OFFICIALS", "Government of Soviet Union") in govs
    assert ("CHILEAN AUTHORITIES", "Government of Chile") in govs
    assert ("US REP", "Government of United States") in govs
    keys = {m.key for m in mentions if m.subtype == "government"}
    assert ("CHILEAN", "GOVERNMENT") in keys  # resolves with "CHILEAN GOVT"
