"""Resolution: one entity per real-world actor across spellings, forms and cables.

Keys, from most to least certain:

* the canonical name a gazetteer or an in-cable definition gave ("Pakistani" → Pakistan,
  "GOP" → Government of Pakistan, "LeT" → the long form it was defined as);
* for organisations and places a transliteration *skeleton* of the name tokens: Arabic and
  Urdu particles dropped (e, i, u, ud, al), then from each word of four letters or more its
  first letter and its consonants, doubled letters and a final h dropped, so "Lashkar e
  Taiba", "Lashkar-e-Tayyiba" and "LASHKAR E-TAIBA" meet, and "Jaamat-u-Dawa" meets
  "Jamaat-ud-Dawah". Persons are not skeletonised (Hussein and Hassan are two people);
* acronym ↔ long form, wherever in the batch a cable defined it;
* a person's partial name ("Boucher", "Lyall Grant") joins the one full name that contains
  it in the same cable, else the one full name in cables of the same origin post within
  `PERIOD_DAYS`.

Users' corrections (merge, split, rename) are a separate overlay: `apply_corrections` takes
the machine's entities and a list of corrections and returns new entities, so clustering
can be re-run and the corrections re-applied.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from cablescope.enrich.mentions import Mention

PERIOD_DAYS = 366
_PARTICLES = frozenset({"E", "I", "U", "UD", "UL", "AL", "EL", "THE", "A"})
_VOWELS = str.maketrans("", "", "AEIOUY")


def _word_skeleton(word: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    rest = word[1:].translate(_VOWELS)
    out = word[0]
    for c in rest:
        if c != out[-1]:
            out += c
    if len(out) > 2 and out.endswith("H"):
        out = out[:-1]
    return out


def skeleton(key: Sequence[str]) -> tuple[str, ...]:
    """Transliteration-tolerant form of a name's tokens (see the module docstring)."""
    words = [w for w in key if w not in _PARTICLES] or list(key)
    return tuple(_word_skeleton(w) for w in words)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


@dataclass(slots=True)
class MentionRef:
    """A mention and the cable it is in."""

    cable_id: str
    mention: Mention
    origin: str | None = None
    date: str | None = None


@dataclass(slots=True)
class Entity:
    """One actor: a stable `id` (``org:lashkar-e-taiba``), its kind, name, aliases, mentions."""

    id: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[MentionRef] = field(default_factory=list)

    @property
    def cables(self) -> list[str]:
        """Ids of the cables that mention the entity, in first-mention order."""
        return list(dict.fromkeys(ref.cable_id for ref in self.mentions))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[tuple, tuple] = {}

    def find(self, x: tuple) -> tuple:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: tuple, b: tuple) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _name_tokens(text: str) -> tuple[str, ...]:
    from cablescope.enrich.lexicon import phrase_key

    return phrase_key(text)


def base_key(m: Mention, scope: str = "") -> tuple:
    """The key a mention starts from, before any union. A one-word person name is only
    known within its `scope` (origin post and year): "Patterson" is many people."""
    if m.kind == "PERSON":
        if len(m.key) == 1:
            return ("PERSON", *m.key, "@", scope)
        return ("PERSON", *m.key)
    if m.kind == "EVENT":
        return ("EVENT", *(w[:-1] if w.endswith("S") else w for w in m.key))
    tokens = _name_tokens(m.name) if m.name else m.key
    return (m.kind, *skeleton(tokens))


def _scope(ref: MentionRef) -> str:
    return f"{ref.origin or ref.cable_id}|{(ref.date or '')[:4]}"


def _surface_key(m: Mention) -> tuple:
    return (m.kind, *skeleton(_name_tokens(m.text)))


def _day(value: str | None) -> int:
    """Day number of an ISO date (0 when unknown: then every date is "near")."""
    try:
        return date.fromisoformat((value or "")[:10]).toordinal()
    except ValueError:
        return 0


def _attach_persons(refs: list[MentionRef], keys: list[tuple], uf: _Union) -> None:
    """Partial person names join the one full name that contains them (see docstring).

    Full names are indexed by (cable, word) and (origin post, word), each with the days
    they were used on, so a partial name only looks at full names sharing one of its words.
    """
    by_cable: dict[tuple[str, str], set[tuple]] = defaultdict(set)
    by_origin: dict[tuple[str, str], dict[tuple, set[int]]] = defaultdict(dict)
    for ref, key in zip(refs, keys, strict=True):
        if key[0] == "PERSON" and "@" not in key and len(key) > 2:
            day = _day(ref.date)
            for word in key[1:]:
                by_cable[(ref.cable_id, word)].add(key)
                if ref.origin:
                    by_origin[(ref.origin, word)].setdefault(key, set()).add(day)
    done: set[tuple] = set()
    for ref, key in zip(refs, keys, strict=True):
        if key[0] != "PERSON":
            continue
        parts = key[1:-2] if "@" in key else key[1:]
        marker = (ref.cable_id, key)
        if marker in done or not parts:
            continue
        done.add(marker)
        wanted = set(parts)
        size = len(wanted) + 1
        fuller = {
            k
            for k in by_cable.get((ref.cable_id, parts[0]), ())
            if len(k) > size and wanted <= set(k[1:])
        }
        if not fuller and ref.origin:
            day = _day(ref.date)
            fuller = {
                k
                for k, days in by_origin.get((ref.origin, parts[0]), {}).items()
                if len(k) > size
                and wanted <= set(k[1:])
                and any(not d or not day or abs(d - day) <= PERIOD_DAYS for d in days)
            }
        if not fuller:
            continue
        most = max(map(len, fuller))
        longest = {k for k in fuller if len(k) == most}
        if len({uf.find(k) for k in longest}) == 1:
            uf.union(key, next(iter(longest)))


def resolve(refs: Iterable[MentionRef]) -> list[Entity]:
    """Cluster mentions into entities; biggest entities first."""
    refs = list(refs)
    uf = _Union()
    keys = [base_key(r.mention, _scope(r)) for r in refs]
    for ref, key in zip(refs, keys, strict=True):
        uf.find(key)
        m = ref.mention
        if m.kind in ("ORG", "PLACE") and (m.name or m.source == "definition"):
            # The form as written is an alias of the canonical name (acronym ↔ long form).
            surface = _surface_key(m)
            if m.source == "definition" or m.subtype in ("country", "city", "region"):
                uf.union(surface, key)
    _attach_persons(refs, keys, uf)
    for key in list(uf.parent):
        uf.find(key)
    # Bare forms met elsewhere ("LeT" with no definition in its cable) join by surface.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for n, key in enumerate(keys):
        groups[uf.find(key)].append(n)
    entities: list[Entity] = []
    used: Counter[str] = Counter()
    for members in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        mrefs = [refs[n] for n in members]
        kind = mrefs[0].mention.kind
        name = _canonical(mrefs)
        base = f"{kind.lower()}:{slug(name)}"
        used[base] += 1
        ident = base if used[base] == 1 else f"{base}-{used[base]}"
        aliases = [t for t, _ in Counter(r.mention.text for r in mrefs).most_common()]
        entities.append(Entity(ident, kind, name, aliases, mrefs))
    return entities


def _canonical(refs: list[MentionRef]) -> str:
    names = Counter(r.mention.name for r in refs if r.mention.name)
    if names:
        return names.most_common(1)[0][0]
    forms = Counter()
    for r in refs:
        m = r.mention
        text = m.text
        if m.role and m.kind == "PERSON":
            text = " ".join(text.split()[-len(m.key) :]) if m.key else text
        forms[text] += 1
    longest = max(len(_name_tokens(t)) for t in forms)
    best = [t for t, _ in forms.most_common() if len(_name_tokens(t)) == longest]
    mixed = [t for t in best if not t.isupper()]
    return (mixed or best)[0] if (mixed or best)[0] else next(iter(forms))


# --------------------------------------------------------------------------------------
# User corrections: an overlay on the machine's clustering
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Correction:
    """One user decision. `op` is ``merge`` (entities `ids` become the first one),
    ``split`` (mentions of entity ``ids[0]`` whose text is in `aliases`, or whose
    ``(cable_id, field, index, start)`` is in `mentions`, become entity `new_id`),
    ``rename`` (entity ``ids[0]`` gets `name`) or ``retype`` (it gets kind `kind`)."""

    op: str
    ids: tuple[str, ...] = ()
    name: str | None = None
    kind: str | None = None
    new_id: str | None = None
    aliases: frozenset[str] = frozenset()
    mentions: frozenset[tuple[str, str, int | None, int]] = frozenset()


def _copy(e: Entity) -> Entity:
    return Entity(e.id, e.kind, e.name, list(e.aliases), list(e.mentions))


def _aliases(refs: list[MentionRef]) -> list[str]:
    return [t for t, _ in Counter(r.mention.text for r in refs).most_common()]


def apply_corrections(
    entities: Iterable[Entity], corrections: Iterable[Correction]
) -> list[Entity]:
    """The entities after the corrections, in order; the input is left untouched.

    A correction naming an entity that no longer exists is skipped (the machine's
    clustering may have changed since the user made it).
    """
    table = {e.id: _copy(e) for e in entities}
    order = list(table)
    for c in corrections:
        if c.op == "merge":
            present = [i for i in c.ids if i in table]
            if len(present) < 2:
                continue
            target = table[present[0]]
            for other in present[1:]:
                target.mentions.extend(table.pop(other).mentions)
                order.remove(other)
            target.aliases = _aliases(target.mentions)
            if c.name:
                target.name = c.name
        elif c.op == "split":
            source = table.get(c.ids[0]) if c.ids else None
            if source is None or not c.new_id or c.new_id in table:
                continue
            moved = [
                r
                for r in source.mentions
                if r.mention.text in c.aliases
                or (r.cable_id, r.mention.field, r.mention.index, r.mention.start) in c.mentions
            ]
            if not moved:
                continue
            ids = {id(r) for r in moved}
            source.mentions = [r for r in source.mentions if id(r) not in ids]
            source.aliases = _aliases(source.mentions)
            new = Entity(
                c.new_id,
                c.kind or source.kind,
                c.name or moved[0].mention.text,
                _aliases(moved),
                moved,
            )
            table[new.id] = new
            order.append(new.id)
        elif c.op == "rename" and c.ids and c.ids[0] in table and c.name:
            table[c.ids[0]].name = c.name
        elif c.op == "retype" and c.ids and c.ids[0] in table and c.kind:
            table[c.ids[0]].kind = c.kind
    return [table[i] for i in order if i in table and table[i].mentions]
