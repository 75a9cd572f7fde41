"""Places: countries and demonyms, cities and posts, regions; canonical names."""

from __future__ import annotations

from cablescope.enrich import extract_text
from cablescope.enrich.lexicon import country_by_code, gazetteer, phrase_key


def _places(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.text, m.name, m.subtype) for m in extract_text(text) if m.kind == "PLACE"]


def test_demonyms_name_their_country() -> None:
    found = _places("Pakistani and Indian officials met British diplomats.")
    assert ("Pakistani", "Pakistan", "nationality") in found
    assert ("Indian", "India", "nationality") in found
    assert ("British", "United Kingdom", "nationality") in found


def test_cities_posts_and_regions() -> None:
    found = _places("From Karachi to Bombay and across the Middle East.")
    assert ("Karachi", "Karachi", "city") in found
    assert ("Bombay", "Mumbai", "city") in found  # an old name, the canonical new one
    assert ("Middle East", "Middle East", "region") in found


def test_all_caps_places_and_dotted_us() -> None:
    found = _places("U.S. AND SOVIET DELEGATIONS MET IN VIENNA")
    assert ("U.S.", "United States", "country") in found
    assert ("SOVIET", "Soviet Union", "nationality") in found
    assert ("VIENNA", "Vienna", "city") in found


def test_common_words_are_not_places() -> None:
    # "us" the pronoun, "turkey" the bird, "Male" (capital of the Maldives) as a word.
    assert _places("Tell us about the turkey. Male voters came.") == []


def test_posts_of_the_routing_table_are_in_the_gazetteer() -> None:
    # Every AMEMBASSY post of the routing indicators is a place (read independently here).
    from cablescope.data import routing_indicators

    posts = {
        v.split(None, 1)[1]
        for v in routing_indicators().values()
        if v.startswith("AMEMBASSY ") and len(v.split()) == 2
    }
    assert posts and all(gazetteer()[phrase_key(p)].kind == "PLACE" for p in posts)


def test_geographic_tags_have_countries() -> None:
    assert country_by_code()["PK"].name == "Pakistan"
    assert country_by_code()["UK"].name == "United Kingdom"
