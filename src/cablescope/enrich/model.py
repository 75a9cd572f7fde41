"""A CRF for ALL CAPS text, on top of the rules: optional, and only where case is missing.

In mixed-case cables the rules see names by their capitals; in ALL CAPS telegrams a bare
"GHASHMI" or "FOCEP" is just an unknown word. A linear-chain CRF (python-crfsuite), trained
on History Lab's annotated 1970s telegrams by `bench/entities.py --train-model`, tags such
tokens from their context, their casing-table code, the rules' own tags, and how the cable
uses the word elsewhere. Its features never hold a name: a word's identity is a feature
only for common words (mostly lower case in mixed-case cables) and closed word lists, so the
shipped weights carry no names from the training texts.

The model file lives in `cablescope/data/` (packaged). It only adds mentions on tokens no
rule claimed. Without python-crfsuite installed, or without the model file, `apply` does
nothing and extraction is rules only.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cablescope.data import acronyms, organization_tags
from cablescope.enrich.lexicon import (
    MONTHS,
    NAME_PARTICLES,
    ORG_HEADS,
    STOPWORDS,
    casing,
    given_names,
    title_words,
)
from cablescope.enrich.persons import SPEECH_VERBS
from cablescope.enrich.state import FieldState

MODEL_FILE = "ner-caps.crfsuite"
_KINDS = {
    "PER": ("PERSON", None),
    "ORG": ("ORG", None),
    "GPE": ("PLACE", "place"),
    "LOC": ("PLACE", "region"),
}
#: Set to False to run the rules alone (the benchmark compares both).
ENABLED = True


_override: list[Any] = []


def use(model: Any | None) -> None:
    """Tag with `model` (a ``pycrfsuite.Tagger``) instead of the shipped one; None: reset."""
    _override.clear()
    if model is not None:
        _override.append(model)


def tagger() -> Any | None:
    """The CRF in use, or None when python-crfsuite or the model file is missing."""
    return _override[0] if _override else _shipped()


@cache
def _shipped() -> Any | None:
    try:
        import pycrfsuite
    except ImportError:
        return None
    path = resources.files("cablescope.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    model = pycrfsuite.Tagger()
    model.open(str(Path(str(path))))
    return model


def _token_features(state: FieldState, i: int, owner: list[str]) -> list[str]:
    key = state.norms[i]
    word = state.words[i]
    code = casing().get(key)
    feats = [f"c={'U' if code is None else code}"]
    if (code is not None and code % 10 >= 5) or key in STOPWORDS or key in MONTHS:
        feats.append(f"w={key}")
    if key in title_words():
        feats.append(f"t={key}")
    if key in ORG_HEADS:
        feats.append(f"h={key}")
    if key in given_names():
        feats.append("given")
    if key in NAME_PARTICLES:
        feats.append("particle")
    if state.named[i]:
        feats.append("named")
    if not word.isalpha():
        feats.append("digit" if any(c.isdigit() for c in word) else "punct")
    feats.append(f"len={min(len(word), 8)}")
    if len(word) > 3 and code is None:
        feats.append(f"suf={key[-3:]}")
    if word.isalpha():
        feats.extend(_acronym_flags(key))
    feats.append(f"r={owner[i]}")
    if state.possessive[i]:
        feats.append("poss")
    ctx = state.ctx
    if key in ctx.persons:
        feats.append("known_person")
    if (key,) in ctx.definitions:
        feats.append("defined")
    count = ctx.counts.get(key, 0)
    feats.append(f"n={min(count, 3)}")
    if code is None and word.isalpha():
        feats.append(f"shape={_shape(key)}")
        feats.extend(f"doc={flag}" for flag in _usage(state).get(key, ()))
    return feats


_VOWEL = frozenset("AEIOU")
_ROMAN = frozenset("IVXL")


@cache
def _acronym_set() -> frozenset[str]:
    return frozenset(a.upper() for a in acronyms()) | organization_tags()


def _acronym_flags(key: str) -> list[str]:
    """Is the word written as an acronym: in the reference acronym list or the
    organisation TAGS, without a vowel ("CND", "NSP"), or a Roman numeral."""
    out = []
    if key in _acronym_set():
        out.append("acr")
    if len(key) > 1 and not any(c in _VOWEL or c == "Y" for c in key):
        out.append("novowel")
    if set(key) <= _ROMAN:
        out.append("roman")
    return out


_PREPOSITIONS = frozenset({"IN", "AT", "FROM", "TO", "INTO", "NEAR"})
#: The person rules' verbs of speech (without REPORTED) and auxiliaries after a name: the
#: feature set the shipped model was trained with.
_SPEECH = (SPEECH_VERBS - {"REPORTED"}) | {"HAS", "IS", "WAS", "WILL", "WOULD"}


def _shape(key: str) -> str:
    """Consonant/vowel pattern, runs collapsed: FOCEP → CVCVC, USLO → VCV, APRA → VCV."""
    out = ""
    for c in key[:8]:
        v = "V" if c in _VOWEL else "C"
        if not out or out[-1] != v:
            out += v
    return out


def _usage(state: FieldState) -> dict[str, set[str]]:
    """How the cable uses each word, over all its fields: after "THE", after a
    preposition, before a verb of speech, in the possessive, after a title."""
    ctx = state.ctx
    cached = ctx.scratch.get("model.usage")
    if isinstance(cached, dict):
        return cached
    usage: dict[str, set[str]] = {}
    titles = title_words()
    table = casing()
    for st in ctx.states:
        if not st.upper:
            continue  # the model only tags caseless fields; their words are what it asks about
        norms = st.norms
        for i, key in enumerate(norms):
            if key in table:
                continue  # only unknown words get usage features
            flags = usage.setdefault(key, set())
            prev = norms[i - 1] if i else ""
            nxt = norms[i + 1] if i + 1 < len(norms) else ""
            if prev == "THE":
                flags.add("the")
            elif prev in _PREPOSITIONS:
                flags.add("prep")
            elif prev in titles:
                flags.add("title")
            if nxt in _SPEECH:
                flags.add("speech")
            if nxt in ORG_HEADS:
                flags.add("head")
            if st.possessive[i]:
                flags.add("poss")
    ctx.scratch["model.usage"] = usage
    return usage


def _context(state: FieldState, i: int, d: int, owner: list[str]) -> list[str]:
    j = i + d
    if j < 0:
        return [f"{d}:BOS"]
    if j >= len(state):
        return [f"{d}:EOS"]
    key = state.norms[j]
    code = casing().get(key)
    out = [f"{d}:c={'U' if code is None else code}", f"{d}:r={owner[j]}"]
    if (code is not None and code % 10 >= 5) or key in STOPWORDS or key in title_words():
        out.append(f"{d}:w={key}")
    a, b = (j, i) if d < 0 else (i, j)
    gap = state.text[state.ends[a] : state.starts[b]] if abs(d) == 1 else " "
    if gap.strip(" "):
        out.append(f"{d}:gap={gap.strip()[:1]}")
    return out


def rule_tags(state: FieldState) -> list[str]:
    """Per token: ``B-PERSON``, ``I-PLACE`` … from the rules' mentions, ``O`` elsewhere."""
    owner = ["O"] * len(state)
    for m in state.mentions:
        i, j = m.tokens
        if j <= i or m.kind == "EVENT":
            continue
        sub = m.subtype or ""
        owner[i] = f"B-{m.kind}-{sub}"
        for t in range(i + 1, j):
            owner[t] = f"I-{m.kind}-{sub}"
    return owner


def features(state: FieldState) -> list[list[str]]:
    """The CRF's features of every token of a field (after the rules have run)."""
    owner = rule_tags(state)
    out = []
    for i in range(len(state)):
        feats = _token_features(state, i, owner)
        for d in (-2, -1, 1, 2):
            feats.extend(_context(state, i, d, owner))
        out.append(feats)
    return out


def spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """BIO labels → ``(start, end, type)`` token spans."""
    out = []
    start = None
    kind = None
    for i, label in enumerate([*labels, "O"]):
        if start is not None and (label == "O" or label.startswith("B-") or label[2:] != kind):
            out.append((start, i, kind))
            start = None
        if label.startswith("B-") or (label.startswith("I-") and start is None):
            start, kind = i, label[2:]
    return out


def apply(state: FieldState) -> None:
    """Add the CRF's mentions on free tokens of an ALL CAPS field."""
    if not ENABLED or not state.upper or not len(state):
        return
    model = tagger()
    if model is None:
        return
    labels = model.tag(features(state))
    for i, j, kind in spans(labels):
        if not state.free(i, j) or kind not in _KINDS:
            continue
        if any(state.norms[t] in STOPWORDS or state.norms[t] in MONTHS for t in range(i, j)):
            continue  # "Possible PM and Chief of Defense Staff": a heading, not a name
        mkind, subtype = _KINDS[kind]
        mention = state.add(i, j, mkind, subtype=subtype, source="model")
        if mkind == "PERSON":
            from cablescope.enrich.titles import remember

            remember(state, mention.key)
