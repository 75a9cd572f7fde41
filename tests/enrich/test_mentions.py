"""`Mention` rows and the record-level `extract`: fields, offsets, markings."""

from __future__ import annotations

import re

from cablescope.enrich import classified_by_text, extract, signature_text

from .conftest import record


def _field_text(rec: dict, m) -> str:
    if m.field == "subject":
        return rec["subject"]
    if m.field == "classified_by":
        return classified_by_text(rec)
    if m.field == "signature":
        return signature_text(rec)
    if m.field == "tags":
        return " ".join(rec["tags"])
    return rec["paragraphs"][m.index][m.field]


def test_offsets_slice_every_field(seed_records) -> None:
    for rec in seed_records.values():
        found = extract(rec)
        assert {m.field for m in found} >= {"subject", "text", "signature", "tags"}
        for m in found:
            assert _field_text(rec, m)[m.start : m.end] == m.text


def test_marking_lets_a_user_find_secret_paragraphs_mentioning_isi(seed_records) -> None:
    rec = seed_records["08LONDON3062"]
    secret = {m.paragraph for m in extract(rec) if m.text == "ISI" and m.classification == "SECRET"}
    expected = {
        p["number"]
        for p in rec["paragraphs"]
        if p["marking"] == "S" and re.search(r"\bISI\b", p["text"])
    }
    assert expected and secret == expected


def test_rows() -> None:
    rec = record("General Kayani met Boucher.")
    row = extract(rec)[0].to_row("09TEST1", "person:kayani")
    assert row["cable_id"] == "09TEST1" and row["entity"] == "person:kayani"
    assert row["key"] == "KAYANI" and row["marking"] == "C" and row["paragraph"] == 1
    assert "tokens" not in row
