"""Events the text names explicitly: "the November 2008 Mumbai attack", "the Mumbai
attacks", "the Yom Kippur War", "the 1973 war".

An event needs a head word (attack, bombing, war, coup, summit …) qualified by a place or
other name right before it, and something that makes it one event rather than a kind of
event: a date (month, year), or the head in the plural, or "the" in front. "An LeT attack"
(an organisation's kind of attack) is no event. The place keeps its own mention inside.
"""

from __future__ import annotations

from cablescope.enrich.lexicon import MONTHS
from cablescope.enrich.state import FieldState

HEADS = frozenset(
    [
        "ATTACK",
        "ATTACKS",
        "BOMBING",
        "BOMBINGS",
        "BLAST",
        "BLASTS",
        "MASSACRE",
        "WAR",
        "COUP",
        "EARTHQUAKE",
        "TSUNAMI",
        "FLOODS",
        "SUMMIT",
        "ACCORD",
        "ACCORDS",
        "CRISIS",
        "INVASION",
        "OFFENSIVE",
        "UPRISING",
        "REVOLUTION",
        "RIOTS",
        "SIEGE",
        "HIJACKING",
        "ASSASSINATION",
    ]
)
_ALWAYS = frozenset({"WAR", "ACCORDS", "SUMMIT", "REVOLUTION", "OFFENSIVE", "CRISIS"})


def apply(state: FieldState) -> None:
    norms = state.norms
    owner: dict[int, str] = {}
    for m in state.mentions:
        for t in range(*m.tokens):
            owner[t] = m.kind
    for h, key in enumerate(norms):
        if key not in HEADS or h == 0 or state.taken[h]:
            continue
        k = h
        qualified = False
        while k > 0 and h - k < 3:
            prev = k - 1
            gap = state.text[state.ends[prev] : state.starts[k]]
            if gap.strip(" -") or len(gap) > 2:
                break
            kind = owner.get(prev)
            if kind == "PLACE" or (
                kind is None
                and state.named[prev]
                and not norms[prev].isdigit()
                and norms[prev] not in MONTHS
            ):
                qualified = True
                k = prev
            else:
                break
        if not qualified:
            continue
        dated = False
        while k > 0 and (
            (norms[k - 1].isdigit() and len(norms[k - 1]) == 4) or norms[k - 1] in MONTHS
        ):
            k -= 1
            dated = True
        if not (dated or key in _ALWAYS or key.endswith("S") or (k > 0 and norms[k - 1] == "THE")):
            continue
        if any(owner.get(t) in ("ORG", "PERSON") for t in range(k, h)):
            continue
        start, end = state.starts[k], state.ends[h]
        from cablescope.enrich.mentions import Mention

        state.mentions.append(
            Mention(
                text=state.text[start:end],
                start=start,
                end=end,
                kind="EVENT",
                field=state.field,
                paragraph=state.paragraph,
                index=state.index,
                marking=state.marking,
                classification=state.classification,
                key=tuple(t for t in norms[k : h + 1] if t not in MONTHS and not t.isdigit()),
                source="event",
                tokens=(k, h + 1),
            )
        )
