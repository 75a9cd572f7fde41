"""Snippets made in Python: words cut and folded like the full-text tokenizer, the passage
with most of the query chosen, matches marked « »."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cablescope.search.query import parse_query
from cablescope.search.snippets import Pattern, best, fold, patterns, score, snippet


def test_fold_ignores_case_and_diacritics() -> None:
    assert fold("Sécurité") == "securite"
    assert fold("KAYANI") == "kayani"


def test_patterns_leave_out_negated_words_and_filters() -> None:
    found = patterns(parse_query('"Lashkar e Taiba" terror* NOT russia tag:PK'))
    assert found == [Pattern(("lashkar", "e", "taiba")), Pattern(("terror",), prefix=True)]


def test_phrase_prefix_and_punctuation() -> None:
    text = "The Lashkar-e-Taiba (LeT) threat; terrorists and TERRORISM alike."
    marked = snippet(text, patterns(parse_query('"lashkar e taiba" terror*')))
    assert marked is not None
    assert re.findall(r"«([^»]*)»", marked) == ["Lashkar", "e", "Taiba", "terrorists", "TERRORISM"]
    assert snippet(text, patterns(parse_query('"taiba lashkar"'))) is None


def test_best_passage_has_most_of_the_query() -> None:
    passages = [(1, "Nothing here."), (2, "Iran only."), (3, "Iran and its nuclear plans.")]
    pid, shown = best(passages, patterns(parse_query("iran nuclear")))
    assert pid == 3 and shown == "«Iran» and its «nuclear» plans."
    assert best(passages, patterns(parse_query("china"))) == (None, None)


def test_long_text_is_cut_around_the_first_match() -> None:
    words = [f"w{i}" for i in range(200)]
    words[120] = "Kayani"
    shown = snippet(" ".join(words), patterns(parse_query("kayani")), words=10)
    assert shown is not None and shown.startswith("…") and shown.endswith("…")
    assert "«Kayani»" in shown and len(shown.split()) == 10


@given(
    st.text(st.characters(blacklist_characters="«»"), max_size=200),
    st.sampled_from(["iran", "terror*", '"prime minister"']),
)
def test_a_snippet_marks_only_query_words(text: str, query: str) -> None:
    wanted = patterns(parse_query(query))
    shown = snippet(text, wanted)
    if shown is None:
        return
    for marked in re.findall(r"«([^»]*)»", shown):
        word = fold(marked)
        assert any(word == w or (p.prefix and word.startswith(w)) for p in wanted for w in p.words)


def _score_word_by_word(text: str, wanted: list[Pattern]) -> tuple[int, int]:
    """The reference: `_spans`, which cuts and folds every word like the index does."""
    from cablescope.search.snippets import _spans

    found = [index for _a, _s, index in _spans(text, wanted)[1]]
    return len(set(found)), len(found)


@given(
    st.text(st.sampled_from(list("aeinrstAEINRST -,.'_\n1éİﬁ’\u0301")), max_size=300),
    st.sampled_from(["iran", "terror*", '"prime minister"', "tan* AND rain", '"a_b" OR e', "in"]),
)
def test_compiled_scoring_agrees_with_word_by_word(text: str, query: str) -> None:
    wanted = patterns(parse_query(query))
    assert score(text, wanted) == _score_word_by_word(text, wanted)


def test_scoring_counts_patterns_and_occurrences() -> None:
    wanted = patterns(parse_query('"prime minister" terror* iran'))
    text = "Prime  Minister Gilani on terrorism; the prime-minister and Iran's terrorists. Irani"
    assert score(text, wanted) == (3, 5)
    assert score("Iranian primer", wanted) == (0, 0)


def _snippet_word_by_word(text: str, wanted: list[Pattern]) -> str | None:
    from cablescope.search.snippets import _render, _spans

    tokens, found = _spans(text, wanted)
    if not found:
        return None
    marked = {at + k for at, size, _i in found for k in range(size)}
    return _render(text, tokens, marked, found[0][0], 24)


@given(
    st.text(st.sampled_from(list("aeinrstAEINRST -,.'_\n1éİﬁ’\u0301")), max_size=300),
    st.sampled_from(["iran", "terror*", '"prime minister"', "tan* AND rain", '"a_b" OR e', "in"]),
)
def test_compiled_snippets_agree_with_word_by_word(text: str, query: str) -> None:
    wanted = patterns(parse_query(query))
    assert snippet(text, wanted) == _snippet_word_by_word(text, wanted)


_WORDS = ["iran", "Iran's", "terrorism", "prime", "Minister", "in", "tan", "rain", "a_b", "e"]
_FILLER = ["x", "sécurité", "İstanbul", "ﬁle", "ΟΔΟΣ", "’s", "talks", "1973"]
_SEPARATORS = [" ", " ", " ", "-", ", ", ".\n", "_", "  "]


def _joined(pairs: list[tuple[str, str]]) -> str:
    return "".join(word + gap for word, gap in pairs)


@given(
    st.builds(
        str.__add__,
        st.lists(st.tuples(st.sampled_from(_FILLER), st.sampled_from(_SEPARATORS)), max_size=80)
        .map(_joined),
        st.lists(st.tuples(st.sampled_from(_WORDS + _FILLER * 3), st.sampled_from(_SEPARATORS)))
        .map(_joined),
    ),
    st.sampled_from(["iran", "terror*", '"prime minister"', "tan* AND rain", '"a_b" OR e', "in"]),
    st.integers(1, 60),
    st.integers(1, 120),
)
def test_a_window_of_the_text_gives_the_same_snippet(
    text: str, query: str, before: int, after: int
) -> None:
    """However small the window read around the first match, the snippet is the one over
    all of the text's words."""
    from cablescope.search import snippets

    wanted = patterns(parse_query(query))
    saved = snippets.WINDOW_BEFORE, snippets.WINDOW_AFTER
    snippets.WINDOW_BEFORE, snippets.WINDOW_AFTER = before, after
    try:
        assert snippet(text, wanted) == _snippet_word_by_word(text, wanted)
    finally:
        snippets.WINDOW_BEFORE, snippets.WINDOW_AFTER = saved


@given(st.text(st.sampled_from(list("aAiIrRnN ¶’“”Σσςéİ.\n")), max_size=60))
def test_the_quick_fold_is_the_character_fold(text: str) -> None:
    from cablescope.search.snippets import _FOLD, _UNSAFE, _folded

    slow = text.translate(_FOLD)
    assert _folded(text) == (None if _UNSAFE in slow else slow)
