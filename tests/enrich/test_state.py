"""`FieldState`: tokens, case modes, name-like flags and the claiming of token ranges."""

from __future__ import annotations

from cablescope.enrich.state import CableContext, FieldState


def test_tokens_slice_to_their_words_and_drop_possessives() -> None:
    text = "Pakistan's leaders met LeT,s chief and U.S. officials; A/S Boucher said JUDs."
    state = FieldState(text)
    for start, end, word in zip(state.starts, state.ends, state.words, strict=True):
        assert text[start:end] == word
    assert "Pakistan" in state.words and "Pakistan's" not in state.words
    assert "JUD" in state.words and "U.S." in state.words and "A/S" in state.words
    assert state.possessive[state.words.index("Pakistan")]
    assert state.possessive[state.words.index("LeT")]


def test_case_modes() -> None:
    assert FieldState("USG CONCERNED ABOUT POSSIBLE ATTACK").upper
    heading = "Nawaz Sharif Needs to Be on Board"
    assert FieldState(heading, field="heading").upper  # a Title Case headline
    assert not FieldState(heading).upper  # the same words as text keep their case
    assert not FieldState("Boucher said the Secretary would travel to India.").upper


def test_mixed_case_name_like_needs_a_capital_not_at_a_sentence_start() -> None:
    state = FieldState("The Embassy said. Summary of talks with Kayani in Delhi.")
    flags = dict(zip(state.words, state.named, strict=True))
    assert flags["Kayani"] and flags["Delhi"]
    assert not flags["The"]  # a stopword, whatever its case
    assert not flags["Summary"]  # sentence-initial and mostly lower case elsewhere


def test_all_caps_name_like_comes_from_the_casing_table() -> None:
    state = FieldState("PRESIDENT GHASHMI SAID THAT THE ARMY WOULD MEET IN SANA")
    flags = dict(zip(state.words, state.named, strict=True))
    assert flags["GHASHMI"]  # unknown to the table: could be a name
    assert not flags["SAID"] and not flags["WOULD"] and not flags["MEET"]


def test_all_caps_us_is_the_country_except_as_an_object() -> None:
    assert FieldState("US TROOP LEVELS IN EUROPE").named[0]
    state = FieldState("HE TOLD US THAT IT WAS LATE")
    assert not state.named[state.words.index("US")]


def test_add_claims_tokens_and_context_counts_words() -> None:
    ctx = CableContext()
    state = FieldState("General Kayani met General Kayani", ctx)
    mention = state.add(0, 2, "PERSON", name_start=1)
    assert mention.text == "General Kayani" and mention.key == ("KAYANI",)
    assert state.taken[:2] == [True, True] and not state.free(0, 2) and state.free(2, 5)
    assert ctx.counts["KAYANI"] == 2 and ctx.states == [state]
