"""The optional CRF for ALL CAPS text: features hold no names, BIO decoding, fallback."""

from __future__ import annotations

from cablescope.enrich import extract_text, model
from cablescope.enrich.state import FieldState


def test_spans_from_bio() -> None:
    labels = ["O", "B-PER", "I-PER", "B-ORG", "I-GPE", "O", "I-ORG"]
    assert model.spans(labels) == [(1, 3, "PER"), (3, 4, "ORG"), (4, 5, "GPE"), (6, 7, "ORG")]


def test_features_never_name_an_unknown_word() -> None:
    state = FieldState("GHASHMI SAID THAT FOCEP WOULD MEET IN SANA")
    feats = model.features(state)
    assert len(feats) == len(state)
    flat = " ".join(f for token in feats for f in token)
    assert "GHASHMI" not in flat and "FOCEP" not in flat
    assert "w=SAID" in flat  # common words may be features


def test_apply_only_on_caseless_fields_and_only_adds() -> None:
    state = FieldState("Kayani met Boucher.")
    before = list(state.mentions)
    model.apply(state)
    assert state.mentions == before


def test_rules_alone_when_disabled() -> None:
    text = "THOUGH GHASHMI HAS SURVIVED FOR A WEEK HE FACES PROBLEMS. GHASHMI MET THE ARMY."
    model.ENABLED = False
    try:
        rules = extract_text(text)
    finally:
        model.ENABLED = True
    assert all(m.source != "model" for m in rules)
    if model.tagger() is not None:
        with_model = extract_text(text)
        assert {m.text for m in with_model if m.kind == "PERSON"} >= {"GHASHMI"}


def test_acronym_shape_features_name_no_word() -> None:
    state = FieldState("THE APRA AND NSP MET IN SECTION VII WITH ZARDARI")
    feats = dict(zip(state.words, model.features(state), strict=True))
    assert "acr" in feats["APRA"]  # in the reference acronym list
    assert "novowel" in feats["NSP"] and "acr" not in feats["NSP"]
    assert "roman" in feats["VII"]
    assert not {"acr", "novowel", "roman"} & set(feats["ZARDARI"])
    flat = " ".join(f for token in feats.values() for f in token)
    assert "APRA" not in flat and "NSP" not in flat
