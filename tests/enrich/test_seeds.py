"""The seed cables' main actors resolve to one entity each, across both cables."""

from __future__ import annotations

import re

import pytest

from cablescope.enrich import resolve_records


@pytest.fixture(scope="module")
def entities(seed_records):
    return resolve_records(seed_records.values())


def _one(entities, alias):
    found = [e for e in entities if alias in e.aliases]
    assert len(found) == 1, (alias, [e.id for e in found])
    return found[0]


def test_lashkar_e_taiba(entities, seed_records) -> None:
    let = _one(entities, "LeT")
    assert let.kind == "ORG"
    assert {"Lashkar e Taiba", "LeT", "Lashkar e-Tayyiba", "LASHKAR E-TAIBA"} <= set(let.aliases)
    assert sorted(let.cables) == sorted(seed_records)
    # Every spelling the seeds use (found with a regex of this test's own) is in the cluster.
    spelled = set()
    for rec in seed_records.values():
        text = " ".join([rec["subject"]] + [p["text"] for p in rec["paragraphs"]])
        spelled |= set(re.findall(r"Lashkar[ -]e[ -]T\w+|LASHKAR E-TAIBA|\bLeT\b", text))
    assert spelled <= set(let.aliases)


def test_jamaat_ud_dawa(entities) -> None:
    jud = _one(entities, "JUD")
    assert "Jaamat-u-Dawa" in jud.aliases and jud.kind == "ORG"
    assert jud.id != _one(entities, "LeT").id


@pytest.mark.parametrize(
    ("alias", "forms"),
    [
        ("Kayani", {"General Kayani", "Kayani"}),
        ("Zardari", {"President Zardari", "Zardari"}),
        ("ISI", {"ISI"}),
    ],
)
def test_main_actors(entities, seed_records, alias, forms) -> None:
    entity = _one(entities, alias)
    assert forms <= set(entity.aliases)
    expected = [
        cid
        for cid, rec in seed_records.items()
        if any(alias in p["text"] for p in rec["paragraphs"])
    ]
    assert sorted(entity.cables) == sorted(expected)


def test_boucher_and_lyall_grant(entities) -> None:
    boucher = _one(entities, "A/S Boucher")
    assert {"Assistant Secretary Boucher", "Boucher", "BOUCHER"} <= set(boucher.aliases)
    grant = _one(entities, "Lyall Grant")
    assert grant.name == "Mark Lyall Grant" and "LYALL GRANT" in grant.aliases


def test_pakistan_and_its_government(entities, seed_records) -> None:
    pakistan = _one(entities, "Pakistani")
    assert pakistan.name == "Pakistan" and sorted(pakistan.cables) == sorted(seed_records)
    gop = _one(entities, "GOP")
    assert gop.name == "Government of Pakistan" and gop.kind == "ORG"
