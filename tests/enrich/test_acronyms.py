"""Acronym definitions both ways, and the GO* government shorthand."""

from __future__ import annotations

from cablescope.enrich import extract
from cablescope.enrich.acronyms import _long_form

from .conftest import record


def test_schwartz_hearst_long_form() -> None:
    assert _long_form("MQM", ["leader", "of", "the", "Muttahida", "Quami", "Movement"]) == 3
    assert _long_form("LeT", ["against", "Lashkar", "e", "Taiba"]) == 1
    assert _long_form("XYZ", ["nothing", "matches", "here"]) is None


def test_definition_long_form_then_acronym_and_later_uses() -> None:
    # An invented group, so no gazetteer can know it: only the definition can.
    rec = record(
        "Officials met the Tanzim Qawmi Baydar (TQB) yesterday.",
        "Later the TQB and Tanzim Qawmi Baydar leaders left.",
        subject="TQB LEADERS MEET",
    )
    found = [(m.field, m.text, m.kind, m.name) for m in extract(rec)]
    assert ("text", "Tanzim Qawmi Baydar", "ORG", "Tanzim Qawmi Baydar") in found
    assert ("text", "TQB", "ORG", "Tanzim Qawmi Baydar") in found
    # The subject, read before the paragraph that defines the acronym, learns it too.
    assert any(f == "subject" and t == "TQB" and k == "ORG" for f, t, k, _ in found)


def test_reverse_definition() -> None:
    rec = record("Reports on QRT (Qawmi Raza Tahrik) activities continue.")
    texts = {m.text: m for m in extract(rec)}
    assert texts["QRT"].name == texts["Qawmi Raza Tahrik"].name == "Qawmi Raza Tahrik"


def test_government_shorthand_follows_tags_and_post() -> None:
    pak = record("The GOP must act.", tags=["PK"], origin="Embassy Islamabad")
    ind = record("The GOI must act.", tags=["IN", "PREL"], origin="Embassy New Delhi")
    assert [m.name for m in extract(pak) if m.text == "GOP"] == ["Government of Pakistan"]
    assert [m.name for m in extract(ind) if m.text == "GOI"] == ["Government of India"]
    # GOI could be India, Indonesia, Iran, Israel or Italy: without TAGS it stays GOI.
    assert [m.name for m in extract(record("The GOI must act.")) if m.text == "GOI"] == ["GOI"]
