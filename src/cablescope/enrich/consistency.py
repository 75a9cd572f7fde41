"""One name, one label within a cable: the CRF's guesses made consistent.

The CRF tags each occurrence of an unknown ALL CAPS word on its own context, so a cable
that names "FOCEP" five times may get it as an organisation three times and as a person
twice. Annotators, and readers, give a name one type throughout a cable, so this
cable-level pass relabels the model's minority votes with the majority kind of the same
name (ties: the kind seen first). It never adds a mention: spreading a label to the
occurrences the model skipped was measured and tags currency codes ("BF 1,315") and other
one-off guesses all over a cable.
"""

from __future__ import annotations

from collections import Counter

from cablescope.enrich.state import CableContext, FieldState

_SCRATCH = "consistency.labels"
_SUBTYPES = {"PERSON": None, "ORG": None, "PLACE": "place"}


def _labels(ctx: CableContext) -> dict[tuple[str, ...], str]:
    """Name key → the kind most of the model's mentions of it have."""
    cached = ctx.scratch.get(_SCRATCH)
    if isinstance(cached, dict):
        return cached
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for st in ctx.states:
        for m in st.mentions:
            if m.source == "model" and m.kind in _SUBTYPES:
                key = tuple(st.norms[m.tokens[0] : m.tokens[1]])
                votes.setdefault(key, Counter())[m.kind] += 1
    table = {key: c.most_common(1)[0][0] for key, c in votes.items() if len(c) > 1}
    ctx.scratch[_SCRATCH] = table
    return table


def apply(state: FieldState) -> None:
    if not state.upper:
        return
    labels = _labels(state.ctx)
    if not labels:
        return
    for m in state.mentions:
        if m.source != "model":
            continue
        kind = labels.get(tuple(state.norms[m.tokens[0] : m.tokens[1]]))
        if kind is not None and kind != m.kind:
            m.kind, m.subtype = kind, _SUBTYPES[kind]
