"""Entities and links: persons, organisations, places and events mentioned in cables.

Extraction runs an ordered table of small rules over every field of a record, the way the
parser does (`cablescope.parse.rules`): each rule reads and claims tokens of a shared
`FieldState`, and a cable-level pass then uses what the whole cable taught (acronym
definitions, persons' full names). Everything is regular expressions and gazetteers built
from the package's data (countries, cities, posts of the routing-indicator table, TAGS,
titles, a casing table learnt from mixed-case cables): nothing is downloaded, no model is
loaded, so it runs at parse speed and copes with ALL CAPS 1970s telegrams as well as
mixed-case 2000s cables.

    mentions = extract(store.get("08LONDON3062"))           # list[Mention]
    entities = resolve_records([rec1, rec2])                  # list[Entity]
    entities = apply_corrections(entities, user_corrections)  # the users' overlay
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cablescope.enrich import (
    acronyms,
    consistency,
    events,
    model,
    organizations,
    persons,
    places,
    titles,
)
from cablescope.enrich.lexicon import country_by_code, gazetteer, phrase_key
from cablescope.enrich.mentions import GOLD_TYPES, KINDS, Mention
from cablescope.enrich.resolve import (
    Correction,
    Entity,
    MentionRef,
    apply_corrections,
    resolve,
)
from cablescope.enrich.state import CableContext, FieldState

__all__ = [
    "CABLE_RULES",
    "FIELD_RULES",
    "GOLD_TYPES",
    "KINDS",
    "CableContext",
    "Correction",
    "Entity",
    "FieldState",
    "Mention",
    "MentionRef",
    "apply_corrections",
    "extract",
    "extract_text",
    "resolve",
    "resolve_records",
]

Rule = Callable[[FieldState], None]

#: Rules run on each field, in order: earlier rules claim tokens first.
FIELD_RULES: tuple[tuple[str, Rule], ...] = (
    ("acronyms", acronyms.apply),
    ("titles", titles.apply),
    ("organizations", organizations.apply),
    ("places", places.apply),
    ("governments", organizations.government_phrases),
    ("org_names", organizations.head_word_orgs),
    ("caps_acronyms", organizations.caps_acronyms),
    ("caps_bodies", organizations.caps_body_orgs),
    ("persons", persons.apply),
    ("signature", persons.signature),
    ("org_acronyms", organizations.acronyms),
)

#: Rules run on every field again once all fields have been read.
CABLE_RULES: tuple[tuple[str, Rule], ...] = (
    ("propagate", persons.propagate),
    ("model", model.apply),
    ("propagate_model", persons.propagate),
    ("consistency", consistency.apply),
    ("coordinated", persons.coordinated),
    ("merge_persons", persons.merge_adjacent),
    ("events", events.apply),
)

_POST_WORDS = ("AMEMBASSY", "AMCONSUL", "EMBASSY", "CONSULATE", "USMISSION", "MISSION")


def origin_country(origin: str | None) -> str | None:
    """TAGS code of the country of a cable's origin post ("Embassy London" → ``UK``)."""
    if not origin:
        return None
    words = [w for w in origin.replace(",", " ").split() if w.upper() not in _POST_WORDS]
    words = [w for w in words if w.upper() not in ("GENERAL", "OF", "THE", "US", "USMISSION")]
    if not words:
        return None
    entry = gazetteer().get(phrase_key(" ".join(words)))
    if entry is not None and entry.kind == "PLACE":
        return entry.code
    if origin.upper().startswith(("SECRETARY OF STATE", "SECSTATE", "STATE")):
        return "US"
    return None


def context_for(record: dict[str, Any]) -> CableContext:
    codes = country_by_code()
    tags = frozenset(t.upper() for t in record.get("tags") or [] if t.upper() in codes)
    return CableContext(origin=origin_country(record.get("origin")), tags=tags)


def classified_by_text(record: dict[str, Any]) -> str:
    """The string ``classified_by`` mention offsets index: title, then names (", ")."""
    value = record.get("classified_by")
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    names = ", ".join(n for n in value.get("names") or [] if n)
    return " ".join(p for p in (value.get("title") or "", names) if p)


def signature_text(record: dict[str, Any]) -> str:
    """The string ``signature`` mention offsets index: the signers joined by " / "."""
    return " / ".join(
        s if isinstance(s, str) else str(s.get("name", "")) for s in record.get("signers") or []
    )


def _fields(record: dict[str, Any], ctx: CableContext) -> list[FieldState]:
    level = record.get("classification")
    states = []
    if record.get("subject"):
        states.append(FieldState(record["subject"], ctx, field="subject", classification=level))
    by = classified_by_text(record)
    if by:
        states.append(FieldState(by, ctx, field="classified_by", classification=level))
    for index, para in enumerate(record.get("paragraphs") or []):
        common = {
            "paragraph": para.get("number"),
            "index": index,
            "marking": para.get("marking"),
            "classification": para.get("classification") or level,
        }
        if para.get("heading"):
            states.append(FieldState(para["heading"], ctx, field="heading", **common))
        if para.get("text"):
            states.append(FieldState(para["text"], ctx, field="text", **common))
    signed = signature_text(record)
    if signed:
        states.append(FieldState(signed, ctx, field="signature", classification=level))
    return states


def prepare(record: dict[str, Any]) -> list[FieldState]:
    """A record's fields after the field rules, before the cable rules (model training)."""
    states = _fields(record, context_for(record))
    for state in states:
        for _, rule in FIELD_RULES:
            rule(state)
    return states


def run_rules(states: list[FieldState], *, field_rules: bool = True) -> list[Mention]:
    """Run the field rules on each state, then the cable rules; mentions in text order."""
    if field_rules:
        for state in states:
            for _, rule in FIELD_RULES:
                rule(state)
    for _, rule in CABLE_RULES:
        for state in states:
            rule(state)
    out: list[Mention] = []
    for state in states:
        out.extend(sorted(state.mentions, key=lambda m: (m.start, -m.end)))
    return out


def extract(record: dict[str, Any]) -> list[Mention]:
    """Every mention in a stored record (`Cable.to_dict()` / `store.get(id)` shape)."""
    ctx = context_for(record)
    mentions = run_rules(_fields(record, ctx))
    tags = [t for t in record.get("tags") or [] if t.upper() in ctx.tags]
    if tags:
        mentions.extend(_tag_mentions(record.get("tags") or [], record.get("classification")))
    return mentions


def _tag_mentions(tags: list[str], level: str | None) -> list[Mention]:
    """Geographic TAGS as place mentions, offsets into the TAGS joined by spaces."""
    codes = country_by_code()
    out = []
    pos = 0
    for tag in tags:
        country = codes.get(tag.upper())
        if country is not None:
            out.append(
                Mention(
                    tag,
                    pos,
                    pos + len(tag),
                    "PLACE",
                    field="tags",
                    classification=level,
                    subtype="tag",
                    name=country.name,
                    key=phrase_key(country.name),
                    source="tags",
                )
            )
        pos += len(tag) + 1
    return out


def extract_text(
    text: str, *, origin: str | None = None, tags: Iterable[str] = ()
) -> list[Mention]:
    """Mentions in one free text (one field, ``field="text"``), for tools and tests."""
    return extract({"paragraphs": [{"text": text}], "origin": origin, "tags": list(tags)})


def mention_refs(record: dict[str, Any], mentions: list[Mention] | None = None) -> list[MentionRef]:
    """A record's mentions wrapped with its id, origin and date, ready for `resolve`."""
    found = extract(record) if mentions is None else mentions
    cid = record.get("id") or ""
    return [MentionRef(cid, m, record.get("origin"), record.get("date")) for m in found]


def resolve_records(records: Iterable[dict[str, Any]]) -> list[Entity]:
    """Extract and resolve a batch of records in one go."""
    refs: list[MentionRef] = []
    for record in records:
        refs.extend(mention_refs(record))
    return resolve(refs)
