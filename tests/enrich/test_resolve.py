"""Resolution across spellings and cables, and the users' correction overlay."""

from __future__ import annotations

from cablescope.enrich import (
    Correction,
    apply_corrections,
    resolve_records,
)
from cablescope.enrich.resolve import skeleton

from .conftest import record


def _entity(entities, alias):
    (found,) = [e for e in entities if alias in e.aliases]
    return found


def test_skeleton_meets_transliterations() -> None:
    assert skeleton(("LASHKAR", "E", "TAIBA")) == skeleton(("LASHKAR", "E", "TAYYIBA"))
    assert skeleton(("JAAMAT", "U", "DAWA")) == skeleton(("JAMAAT", "UD", "DAWAH"))
    assert skeleton(("HIZBALLAH",)) == skeleton(("HEZBOLLAH",))
    assert skeleton(("KARACHI",)) != skeleton(("KABUL",))


def test_acronym_defined_in_one_cable_joins_a_bare_use_in_another() -> None:
    a = record("The Tanzim Qawmi Baydar (TQB) grew.", id="09A1")
    b = record("TQB activists marched.", id="09B2")
    entities = resolve_records([a, b])
    tqb = _entity(entities, "TQB")
    assert set(tqb.aliases) == {"Tanzim Qawmi Baydar", "TQB"}
    assert tqb.cables == ["09A1", "09B2"] and tqb.kind == "ORG"


def test_surname_joins_the_full_name_in_the_same_cable_only() -> None:
    a = record("Ambassador Anne Patterson met Patterson's staff. Patterson left.", id="09A1")
    b = record("Senator Patterson voted.", id="09B2", origin="Embassy Ottawa", date="2009-01-01")
    entities = resolve_records([a, b])
    anne = _entity(entities, "Ambassador Anne Patterson")
    assert "Patterson" in anne.aliases and anne.cables == ["09A1"]
    assert _entity(entities, "Senator Patterson").id != anne.id


def test_surname_joins_a_full_name_of_the_same_post_and_period() -> None:
    a = record(
        "Foreign Minister Shah Mahmood Qureshi spoke.",
        id="09A1",
        origin="Embassy Islamabad",
        date="2009-03-01",
    )
    b = record("QURESHI SAID NO.", id="09B2", origin="Embassy Islamabad", date="2009-05-01")
    c = record(
        "Qureshi, a trader, complained.", id="99C3", origin="Embassy Islamabad", date="1999-05-01"
    )
    entities = resolve_records([a, b, c])
    full = _entity(entities, "Foreign Minister Shah Mahmood Qureshi")
    assert full.cables == ["09A1", "09B2"]


def test_demonyms_and_names_join_their_country() -> None:
    entities = resolve_records([record("Pakistani officials in Pakistan and PAKISTAN.")])
    pakistan = _entity(entities, "Pakistan")
    assert set(pakistan.aliases) == {"Pakistani", "Pakistan", "PAKISTAN"}
    assert pakistan.id == "place:pakistan"


def test_corrections_overlay() -> None:
    entities = resolve_records([record("Boucher met Kayani and Zardari in Delhi.")])
    ids = {e.name: e.id for e in entities}
    merged = apply_corrections(
        entities,
        [
            Correction("merge", (ids["Kayani"], ids["Zardari"]), name="Kayani and Zardari"),
            Correction("rename", (ids["Boucher"],), name="Richard Boucher"),
            Correction(
                "split",
                (ids["Delhi"],),
                new_id="place:new-delhi",
                name="New Delhi",
                aliases=frozenset({"Delhi"}),
            ),
            Correction("merge", ("person:gone", ids["Boucher"])),  # stale: skipped
        ],
    )
    names = {e.id: e for e in merged}
    assert names[ids["Kayani"]].name == "Kayani and Zardari"
    assert set(names[ids["Kayani"]].aliases) == {"Kayani", "Zardari"}
    assert ids["Zardari"] not in names
    assert names[ids["Boucher"]].name == "Richard Boucher"
    assert names["place:new-delhi"].aliases == ["Delhi"] and ids["Delhi"] not in names
    # The machine's entities are untouched: the overlay can be re-applied to a new run.
    assert {e.name for e in entities} >= {"Kayani", "Zardari", "Boucher"}
