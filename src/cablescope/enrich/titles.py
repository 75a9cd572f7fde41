"""Persons named with a title or role: "Assistant Secretary Boucher", "A/S Boucher",
"General Kayani", "PolMinCouns Greg Berry", "PRESIDENT KORUTURK".

The mention spans title and name (as annotators mark it); `role` keeps the title as the
cable writes it and `key` only the name, so "A/S Boucher" and "Boucher" resolve together.
A title without a name after it ("the Secretary", "General Assembly") is left alone.
"""

from __future__ import annotations

from cablescope.enrich.lexicon import (
    MONTHS,
    NAME_PARTICLES,
    ORG_HEADS,
    STOPWORDS,
    gazetteer,
    title_lengths,
    title_words,
    titles,
)
from cablescope.enrich.state import FieldState

#: Honorifics: evidence of a person, but no role worth keeping.
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mme", "Sir", "Lord", "Lady", "Dr"})


def match_title(state: FieldState, i: int) -> tuple[int, str] | None:
    """Longest title starting at token i: ``(end token, canonical title)``."""
    lengths = title_lengths().get(state.norms[i])
    if not lengths or not (state.upper or state.words[i][0].isupper()):
        return None
    table = titles()
    for n in lengths:
        key = tuple(state.norms[i : i + n])
        if len(key) == n and key in table and state.free(i, i + n):
            return i + n, table[key]
    return None


def _joined(state: FieldState, a: int, b: int) -> bool:
    """Nothing but blanks (or a hyphen) between tokens a and b: no comma, no full stop."""
    gap = state.text[state.ends[a] : state.starts[b]]
    return gap.strip(" \t-") == "" and "\n\n" not in gap


def _name_token(state: FieldState, j: int, first: bool, strong: bool = False) -> bool:
    key = state.norms[j]
    if state.taken[j] or key in STOPWORDS or key in ORG_HEADS or key in MONTHS:
        return False
    if key in title_words() and len(key) > 3:
        return False
    word = state.words[j]
    if not word[0].isalpha():
        return False
    if state.upper:
        # After a title an ALL CAPS word is a name unless it is mostly a lower-case word;
        # after "MR." or "AMB." (`strong`) the first word is a name whatever it means.
        if strong and first and word.isalpha():
            return True
        return state.named[j] or state.lower_share(j) <= (6 if first else 4)
    return word[0].isupper()


def _initial(state: FieldState, k: int) -> bool:
    """Token k is a one-letter initial written with its full stop ("K." in "MALCOLM K.
    WAGLAND"): the stop does not end the name."""
    gap = state.text[state.ends[k] : state.starts[k + 1]] if k + 1 < len(state) else ""
    one = len(state.words[k]) == 1 and state.words[k].isalpha()
    return one and gap.strip() == "." and "\n" not in gap


def name_after(state: FieldState, j: int, limit: int = 4, strong: bool = False) -> int:
    """End of the name that starts at token j (j itself when there is none); `strong`:
    an honorific or an abbreviated title stands before it."""
    end = j
    k = j
    n = len(state)
    while k < n and k - j < limit:
        if k > j and not _joined(state, k - 1, k) and not _initial(state, k - 1):
            break
        if _name_token(state, k, k == j, strong):
            end = k + 1
            k += 1
        elif (
            k > j
            and state.norms[k] in NAME_PARTICLES
            and k + 1 < n
            and _name_token(state, k + 1, False)
        ):
            k += 1
        else:
            break
    if end > j and tuple(state.norms[j:end]) in gazetteer() and end - j == 1:
        entry = gazetteer()[tuple(state.norms[j:end])]
        if entry.kind != "PERSON" and entry.subtype != "org":
            return j  # "Ambassador to Pakistan" never gets here; "President Pakistan" might
    return end


def apply(state: FieldState) -> None:
    n = len(state)
    i = 0
    while i < n:
        if state.taken[i]:
            i += 1
            continue
        found = match_title(state, i)
        if found is None:
            i += 1
            continue
        t_end, title = found
        # Chains: "Deputy Assistant Secretary", "Foreign Office Political Director".
        while t_end < n and _joined(state, t_end - 1, t_end):
            more = match_title(state, t_end)
            if more is None:
                break
            t_end, title = more[0], state.text[state.starts[i] : state.ends[more[0] - 1]]
        if t_end >= n or not _joined_title(state, t_end - 1, t_end):
            i = t_end
            continue
        strong = title in HONORIFICS or (
            len(state.words[t_end - 1]) <= 4 and state.text.startswith(".", state.ends[t_end - 1])
        )  # "MR. PENCE", "AMB. SOLE": not "FOREIGN MINISTER. ACCORDING"
        end = name_after(state, t_end, strong=strong)
        if end == t_end:
            i = t_end
            continue
        written = state.text[state.starts[i] : state.ends[t_end - 1]]
        role = None if title in HONORIFICS else written
        first = _premodified(state, i)
        mention = state.add(first, end, "PERSON", role=role, source="title", name_start=t_end)
        remember(state, mention.key)
        i = end


#: Words before a title that belong to the person's phrase ("FORMER PRIME MINISTER X",
#: "ACTING SECRETARY Y", "THEN AMBASSADOR Z"): annotators mark the phrase whole.
PREMODIFIERS = frozenset(
    {"FORMER", "ACTING", "THEN", "LATE", "INCOMING", "OUTGOING", "INTERIM", "EX", "RETIRED"}
)


#: Portfolios and ranks written before a bare title ("TRANSPORT MINISTER X", "STATE
#: SECRETARY Y", "VICE PREMIER Z", "PERMANENT SECRETARY W"): part of the role as written.
PORTFOLIOS = frozenset(
    {
        "AIR",
        "AGRICULTURE",
        "COMMERCE",
        "COOPERATION",
        "CULTURE",
        "ECONOMIC",
        "ECONOMY",
        "EDUCATION",
        "ENERGY",
        "EXECUTIVE",
        "HEALTH",
        "HOUSING",
        "INDUSTRY",
        "INFORMATION",
        "LABOR",
        "LABOUR",
        "MINES",
        "PERMANENT",
        "PETROLEUM",
        "PLANNING",
        "REGIONAL",
        "STATE",
        "TOURISM",
        "TRADE",
        "TRANSPORT",
        "VICE",
    }
)


def _premodified(state: FieldState, i: int) -> int:
    """Start of the phrase once the free premodifiers right before token i are added."""
    words = PREMODIFIERS | PORTFOLIOS if state.upper else PREMODIFIERS
    while (
        i > 0
        and not state.taken[i - 1]
        and state.norms[i - 1] in words
        and (state.upper or state.words[i - 1][0].isupper())
        and not (state.norms[i - 1] == "THEN" and state.sentence[i - 1])  # "Then A/S X met"
        and _joined(state, i - 1, i)
    ):
        i -= 1
    return i


def _joined_title(state: FieldState, a: int, b: int) -> bool:
    gap = state.text[state.ends[a] : state.starts[b]]
    return gap.strip(" \t.") == "" and "\n\n" not in gap


def remember(state: FieldState, key: tuple[str, ...]) -> None:
    """Teach the cable a person's name: each name token points to the full name."""
    ctx = state.ctx
    for token in key:
        if token not in NAME_PARTICLES and len(token) > 1:
            old = ctx.persons.get(token)
            if old is None or len(key) > len(old):
                ctx.persons[token] = key
